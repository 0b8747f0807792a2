import { readCatalogueVersion } from '../db/catalogue-version';
import { vietnamDate } from '../domain/vietnam-time';
import { SESSION_COOKIE } from './session';

/**
 * The public catalogue pages (home, catalogue and search, a product, the producers, open
 * data) and the catalogue's API reads (`GET /api/v1/products`, with its facet counts, and one
 * product) are the same for every anonymous visitor, so the worker keeps them in Cloudflare's
 * cache (the Cache API, per location) instead of rendering each visit. The cache key carries
 * the catalogue's version (a token triggers change on every product, seller or category
 * write) and today's date in Vietnam (certificates expire at midnight): an edit makes a new
 * key at once, everywhere, with nothing to purge; old entries simply age out.
 * Signed-in visitors bypass it, and their browser is told to check again each time
 * (`public, no-cache`: the page is still the same for everyone), so a seller sees their own
 * edit at once.
 */
const CATALOGUE_PAGES = /^\/(?:san-pham(?:\/[^/]+)?|nha-san-xuat(?:\/[^/]+)?|du-lieu-mo|api\/v1\/products(?:\/[^/]+)?)?$/;

/**
 * What catalogue answers tell caches: a minute in the browser (fresh enough for stock, kind to
 * slow networks), longer in Cloudflare's cache, whose key moves with every catalogue change.
 */
export const PUBLIC_CATALOGUE_CACHE = 'public, max-age=60, s-maxage=600, stale-while-revalidate=300';

export type PageCacheStatus = 'HIT' | 'MISS' | 'BYPASS';
export const PAGE_CACHE_HEADER = 'X-Page-Cache';

/** Whether the request is for a catalogue page, and by whom. */
export function catalogueAudience(request: Request): 'anonymous' | 'signed-in' | null {
  if (request.method !== 'GET' || !CATALOGUE_PAGES.test(new URL(request.url).pathname)) return null;
  const signedIn = request.headers.has('Authorization') || !!request.headers.get('Cookie')?.includes(`${SESSION_COOKIE}=`);
  return signedIn ? 'signed-in' : 'anonymous';
}

function marked(response: Response, status: PageCacheStatus): Response {
  const result = new Response(response.body, response);
  result.headers.set(PAGE_CACHE_HEADER, status);
  if (status === 'BYPASS' && /\bpublic\b/.test(result.headers.get('Cache-Control') ?? '')) {
    result.headers.set('Cache-Control', 'public, no-cache');
  }
  return result;
}

/** A catalogue page from the cache, or rendered and kept there; other requests are rendered as they are. */
export async function servePage(
  request: Request,
  db: D1Database,
  ctx: ExecutionContext,
  render: () => Promise<Response>,
): Promise<Response> {
  const audience = catalogueAudience(request);
  if (audience === null) return render();
  if (audience === 'signed-in') return marked(await render(), 'BYPASS');
  const version = await readCatalogueVersion(db).catch(() => null);
  // Without the version the page could be stale: render it rather than guess.
  if (version === null) return marked(await render(), 'BYPASS');
  const url = new URL(request.url);
  url.searchParams.set('__catalogue', `${version}.${vietnamDate(new Date())}`);
  const key = new Request(url.toString());
  const cache = (caches as unknown as { default: Cache }).default;
  const hit = await cache.match(key);
  if (hit) return marked(hit, 'HIT');
  const response = await render();
  const shareable =
    response.status === 200 && /\bpublic\b/.test(response.headers.get('Cache-Control') ?? '') && !response.headers.has('Set-Cookie');
  if (shareable) ctx.waitUntil(cache.put(key, response.clone()));
  return marked(response, 'MISS');
}
