import type { Context } from 'hono';

/**
 * The caller's address, for rate limits. Cloudflare sets CF-Connecting-IP at the edge;
 * locally there is none and every caller counts as one. An IPv6 address counts by its /64,
 * the block one subscriber gets, since a client can pick any address inside it.
 */
export function clientAddress(c: Context): string {
  return limitedAddress(c.req.header('CF-Connecting-IP'));
}

/** The part of an address that rate limits count: IPv4 whole, IPv6 by its first four groups. */
export function limitedAddress(address: string | undefined): string {
  if (!address) return 'local';
  const trimmed = address.trim().toLowerCase().slice(0, 64);
  if (!trimmed.includes(':')) return trimmed;
  const [head = '', tail = ''] = trimmed.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = trimmed.includes('::') && tail ? tail.split(':') : [];
  const missing = Math.max(0, 8 - headGroups.length - tailGroups.length);
  const groups = trimmed.includes('::') ? [...headGroups, ...Array(missing).fill('0'), ...tailGroups] : headGroups;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
