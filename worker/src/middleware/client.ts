import type { Context } from 'hono';

/**
 * The caller's address, for rate limits. Cloudflare sets CF-Connecting-IP at the edge;
 * locally there is none and every caller counts as one.
 */
export function clientAddress(c: Context): string {
  return c.req.header('CF-Connecting-IP') ?? 'local';
}
