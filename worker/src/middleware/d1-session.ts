/**
 * D1 read replication through the Sessions API: each API request runs in a D1 session, so
 * reads may be answered by the replica nearest to the visitor, and a visitor always reads
 * their own writes. The bookmark (the point in the database's history a session has seen)
 * travels in a short-lived cookie, set after a write; the next request starts from it, so a
 * replica that has not caught up with that write is never asked. Without the cookie,
 * an anonymous read takes any replica and everything else starts at the primary.
 * With replication off (the default, and always locally) a session simply reads the primary.
 * https://developers.cloudflare.com/d1/best-practices/read-replication/
 */
import { SESSION_COOKIE } from './session';

export const D1_BOOKMARK_COOKIE = 'choso_d1';
/** Replicas lag by well under a minute; after that the bookmark no longer matters. */
const BOOKMARK_MAX_AGE_SECONDS = 120;
/** Bookmarks are opaque, short, and made of these characters; anything else is ignored. */
const BOOKMARK = /^[0-9a-zA-Z-]{1,200}$/;

function cookieValue(request: Request, name: string): string | null {
  const pair = (request.headers.get('Cookie') ?? '').split(/;\s*/).find((part) => part.startsWith(`${name}=`));
  return pair ? pair.slice(name.length + 1) : null;
}

const isWrite = (request: Request) => request.method !== 'GET' && request.method !== 'HEAD';

/** Where a request's session starts: the visitor's last bookmark, any replica, or the primary. */
export function sessionStart(request: Request): string {
  const bookmark = cookieValue(request, D1_BOOKMARK_COOKIE);
  if (bookmark && BOOKMARK.test(bookmark)) return bookmark;
  const anonymousRead = !isWrite(request) && !request.headers.has('Authorization') && cookieValue(request, SESSION_COOKIE) === null;
  return anonymousRead ? 'first-unconstrained' : 'first-primary';
}

/**
 * Runs `handle` with `env.DB` as a D1 session; after a write, the answer carries the session's
 * bookmark so that this visitor's next reads see it.
 */
export async function inD1Session<E extends { DB: D1Database }>(
  request: Request,
  env: E,
  handle: (env: E) => Promise<Response>,
): Promise<Response> {
  if (typeof env.DB.withSession !== 'function') return handle(env);
  const session = env.DB.withSession(sessionStart(request));
  // A session has the database's prepare and batch, which is all our db modules use.
  const response = await handle({ ...env, DB: session as unknown as D1Database });
  const bookmark = session.getBookmark();
  if (!isWrite(request) || !bookmark || !BOOKMARK.test(bookmark)) return response;
  const secure = new URL(request.url).protocol === 'https:';
  const result = new Response(response.body, response);
  result.headers.append(
    'Set-Cookie',
    `${D1_BOOKMARK_COOKIE}=${bookmark}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${BOOKMARK_MAX_AGE_SECONDS}${secure ? '; Secure' : ''}`,
  );
  return result;
}
