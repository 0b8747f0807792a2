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

/**
 * The hottest catalogue answers are also kept in the isolate's own memory, under the same key
 * (version and day): a hit then costs the version read and no cache round trip, which was the
 * largest cost of a cached catalogue request in the profile (BENCHMARKS.md, "Profile"). Bounded
 * by count and bytes, oldest dropped first; an entry also ages out with the edge cache's
 * s-maxage. Each isolate keeps its own: nothing is shared, and a new version misses at once.
 */
const MEMORY_ENTRIES = 64;
const MEMORY_BYTES = 4 * 1024 * 1024;
const MEMORY_ENTRY_BYTES = 512 * 1024;
const MEMORY_TTL_MS = 600_000;

interface Remembered {
  body: ArrayBuffer;
  status: number;
  headers: Array<[string, string]>;
  storedAt: number;
}

const remembered = new Map<string, Remembered>();
let rememberedBytes = 0;

function forget(key: string) {
  const entry = remembered.get(key);
  if (!entry) return;
  remembered.delete(key);
  rememberedBytes -= entry.body.byteLength;
}

function recall(key: string, now: number): Response | null {
  const entry = remembered.get(key);
  if (!entry) return null;
  if (now - entry.storedAt > MEMORY_TTL_MS) {
    forget(key);
    return null;
  }
  // Most recently used last: the oldest is the Map's first entry.
  remembered.delete(key);
  remembered.set(key, entry);
  return new Response(entry.body, { status: entry.status, headers: entry.headers });
}

async function remember(key: string, response: Response, now: number) {
  const body = await response.arrayBuffer();
  if (body.byteLength > MEMORY_ENTRY_BYTES) return;
  forget(key);
  remembered.set(key, { body, status: response.status, headers: [...response.headers], storedAt: now });
  rememberedBytes += body.byteLength;
  for (const oldest of remembered.keys()) {
    if (remembered.size <= MEMORY_ENTRIES && rememberedBytes <= MEMORY_BYTES) break;
    forget(oldest);
  }
}

/**
 * The catalogue version itself is read at most once a second per isolate. Without this, every
 * cached hit still cost a D1 query, which was most of what a hit cost over the bare route
 * (BENCHMARKS.md, "Per request", quiet machine). A second's delay is within what the answers
 * already allow: browsers keep them for a minute (max-age=60), and the catalogue reads from the
 * nearest D1 replica, which can lag the primary by about as much. Sellers and staff are signed
 * in and bypass the cache; and any write handled by this isolate (a request that is not GET
 * or HEAD) forgets the version, so what this isolate changed it serves at once.
 */
export const CATALOGUE_VERSION_MEMO_MS = 1_000;
let versionMemo: { version: string; readAt: number } | null = null;

async function catalogueVersion(db: D1Database, now: number): Promise<string | null> {
  if (versionMemo && now - versionMemo.readAt < CATALOGUE_VERSION_MEMO_MS) return versionMemo.version;
  const version = await readCatalogueVersion(db).catch(() => null);
  versionMemo = version === null ? null : { version, readAt: now };
  return version;
}

/** For the tests: how many answers this isolate keeps in memory. */
export function rememberedPages(): number {
  return remembered.size;
}

/** A catalogue page from the cache, or rendered and kept there; other requests are rendered as they are. */
export async function servePage(
  request: Request,
  db: D1Database,
  ctx: ExecutionContext,
  render: () => Promise<Response>,
): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') versionMemo = null;
  const audience = catalogueAudience(request);
  if (audience === null) return render();
  if (audience === 'signed-in') return marked(await render(), 'BYPASS');
  const now = Date.now();
  const version = await catalogueVersion(db, now);
  // Without the version the page could be stale: render it rather than guess.
  if (version === null) return marked(await render(), 'BYPASS');
  const url = new URL(request.url);
  url.searchParams.set('__catalogue', `${version}.${vietnamDate(new Date())}`);
  const keyUrl = url.toString();
  const inMemory = recall(keyUrl, now);
  if (inMemory) return marked(inMemory, 'HIT');
  const key = new Request(keyUrl);
  const cache = (caches as unknown as { default: Cache }).default;
  const hit = await cache.match(key);
  if (hit) {
    const marking = marked(hit, 'HIT');
    await remember(keyUrl, marking.clone(), now);
    return marking;
  }
  const response = await render();
  const shareable =
    response.status === 200 && /\bpublic\b/.test(response.headers.get('Cache-Control') ?? '') && !response.headers.has('Set-Cookie');
  if (shareable) {
    ctx.waitUntil(cache.put(key, response.clone()));
    const marking = marked(response, 'MISS');
    await remember(keyUrl, marking.clone(), now);
    return marking;
  }
  return marked(response, 'MISS');
}
