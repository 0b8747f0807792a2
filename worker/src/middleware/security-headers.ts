import { createMiddleware } from 'hono/factory';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv } from '../env';
import { SESSION_COOKIE } from './session';

/**
 * The security and caching headers of every answer, API and pages alike, in one module.
 * The API gets them from `apiHeaders` (app.ts); the storefront from `withPageHeaders`
 * (entry.ts), whose Content-Security-Policy Astro writes with a hash of every script and
 * style it inlines (web/astro.config.mjs).
 */

/** Nothing may frame us (the manager's buttons must not be clickable through another site). */
export const FRAME_ANCESTORS = "frame-ancestors 'none'";

/** JSON and images: nothing to run, nothing to load. */
export const API_CSP = `default-src 'none'; ${FRAME_ANCESTORS}`;

/** A page Astro did not give a policy of its own (a redirect, an endpoint): our own files only, nothing inline. */
export const FALLBACK_PAGE_CSP = `default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; ${FRAME_ANCESTORS}`;

/**
 * The API docs (Swagger UI): its files from /vendor, the one inline script that starts it,
 * allowed by its hash, and inline styles, which Swagger UI sets as it renders.
 */
export function docsCsp(scriptHashes: string[]): string {
  const hashes = scriptHashes.map((hash) => ` '${hash}'`).join('');
  return [
    "default-src 'none'",
    `script-src 'self'${hashes}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    FRAME_ANCESTORS,
  ].join('; ');
}

async function sha256Sources(bodies: string[]): Promise<string[]> {
  return Promise.all(
    bodies.map(async (body) => {
      const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body));
      return `sha256-${btoa(String.fromCharCode(...new Uint8Array(digest)))}`;
    }),
  );
}

/** "sha256-…" of each inline <script> in `html`, for a policy that allows exactly those. */
export function inlineScriptHashes(html: string): Promise<string[]> {
  return sha256Sources([...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)].map((match) => match[1]!));
}

/** "sha256-…" of each inline <style> in `html`. */
export function inlineStyleHashes(html: string): Promise<string[]> {
  return sha256Sources([...html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi)].map((match) => match[1]!));
}

/**
 * Another HTML answer of the API (the printable receipt): its own inline style and scripts by
 * hash, images from us (its QR is inline SVG), nothing else.
 */
export function apiPageCsp(scriptHashes: string[], styleHashes: string[]): string {
  const sources = (hashes: string[]) => (hashes.length ? hashes.map((hash) => `'${hash}'`).join(' ') : "'none'");
  return [
    "default-src 'none'",
    `script-src ${sources(scriptHashes)}`,
    `style-src ${sources(styleHashes)}`,
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'self'",
    FRAME_ANCESTORS,
  ].join('; ');
}

export const PAGE_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  // Links out (to Stripe's checkout, say) carry our origin only, never a path with an id in it.
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

export const PRIVATE_CACHE_CONTROL = 'private, no-store';

// Answers that show one person's or one organization's data even without a sign-in.
const PRIVATE_PATHS = [
  /^\/quan-ly(\/|$)/, // manager pages
  /^\/bien-lai\//, // receipts
  /^\/thanh-toan\//, // a payment's QR page
  /^\/dang-nhap/,
  /^\/api\/v1\/payments\/[^/]+\/receipt$/,
  /^\/api\/v1\/reports(\/|$)/, // reports and their CSV
];

/**
 * The one rule for "private, no-store": the paths above, and any answer to a caller who is
 * signed in (or shows a session cookie, a bearer token or an order token) unless the answer
 * says it is the same for everyone (`Cache-Control: public`, as photos, QR images and the
 * catalogue pages do; a browser sends the cookie with those too).
 */
export function isPrivateAnswer(request: Request, response: Response, signedIn: boolean): boolean {
  const { pathname } = new URL(request.url);
  if (PRIVATE_PATHS.some((pattern) => pattern.test(pathname))) return true;
  const headers = request.headers;
  const credentials =
    signedIn || headers.has('Authorization') || headers.has('X-Order-Token') || !!headers.get('Cookie')?.includes(`${SESSION_COOKIE}=`);
  return credentials && !/\bpublic\b/.test(response.headers.get('Cache-Control') ?? '');
}

/** The API's headers: hono's secure headers, our policy, and the private-cache rule. */
export const apiHeaders = [
  secureHeaders({ crossOriginResourcePolicy: 'same-origin', xFrameOptions: 'DENY' }),
  createMiddleware<AppEnv>(async (c, next) => {
    await next();
    if (c.res.headers.get('Content-Type')?.startsWith('text/html')) {
      const html = await c.res.clone().text();
      const scripts = await inlineScriptHashes(html);
      const policy = c.req.path === '/api/docs' ? docsCsp(scripts) : apiPageCsp(scripts, await inlineStyleHashes(html));
      c.res.headers.set('Content-Security-Policy', policy);
    } else {
      c.res.headers.set('Content-Security-Policy', API_CSP);
    }
    if (isPrivateAnswer(c.req.raw, c.res, c.get('user') != null)) c.res.headers.set('Cache-Control', PRIVATE_CACHE_CONTROL);
  }),
];

/**
 * The storefront's headers, on whatever Astro answered. `scriptHashes` are inline scripts
 * Astro does not hash itself (Solid's hydration bootstrap, which its renderer adds).
 */
export function withPageHeaders(request: Request, response: Response, scriptHashes: string[] = []): Response {
  const result = new Response(response.body, response);
  for (const [name, value] of Object.entries(PAGE_HEADERS)) result.headers.set(name, value);
  const csp = result.headers.get('Content-Security-Policy');
  if (!csp) result.headers.set('Content-Security-Policy', FALLBACK_PAGE_CSP);
  else if (scriptHashes.length > 0 && csp.includes('script-src ')) {
    const extra = scriptHashes.map((hash) => `'${hash}'`).join(' ');
    result.headers.set('Content-Security-Policy', csp.replace('script-src ', `script-src ${extra} `));
  }
  if (isPrivateAnswer(request, result, false)) result.headers.set('Cache-Control', PRIVATE_CACHE_CONTROL);
  return result;
}
