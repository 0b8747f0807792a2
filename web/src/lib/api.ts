import { env } from 'cloudflare:workers';
import type { Role } from '#worker/db/users';
import api from '#worker/worker';

const NO_CONTEXT = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;

/**
 * Calls our own API in-process, without a network hop: pages that change things (start a
 * payment, resolve an exception) go through exactly the same validation, access rules and
 * SQL as API clients. The caller's address is passed on so rate limits count the real
 * client; with `asUser` the visitor's session cookie is passed on too, and the request
 * says it comes from our own origin (Astro has already checked that for form posts).
 */
export function callApi(incoming: Request, path: string, init: RequestInit = {}, { asUser = false } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const address = incoming.headers.get('CF-Connecting-IP');
  if (address) headers.set('CF-Connecting-IP', address);
  const url = new URL(path, incoming.url);
  if (asUser) {
    const cookie = incoming.headers.get('Cookie');
    if (cookie) headers.set('Cookie', cookie);
    headers.set('Origin', url.origin);
  }
  const request = new Request(url, { ...init, headers });
  return Promise.resolve(api.fetch!(request as Request<unknown, IncomingRequestCfProperties>, env, NO_CONTEXT));
}

export interface CurrentUser {
  id: string;
  name: string;
  role: Role;
  organization: { id: string; name: string; kind: string } | null;
}

// The middleware and the page of one request both ask who is signed in: ask the API once.
const usersByRequest = new WeakMap<Request, Promise<CurrentUser | null>>();

/** The signed-in visitor (from the session cookie), or null. */
export function currentUser(incoming: Request): Promise<CurrentUser | null> {
  if (!incoming.headers.get('Cookie')?.includes('choso_session=')) return Promise.resolve(null);
  let user = usersByRequest.get(incoming);
  if (!user) {
    user = callApi(incoming, '/api/v1/me', {}, { asUser: true }).then(async (res) => (res.ok ? ((await res.json()) as CurrentUser) : null));
    usersByRequest.set(incoming, user);
  }
  return user;
}

/** The message of an API error response, for showing on a page. */
export async function errorMessage(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { message?: string; details?: Array<{ path: string; message: string }> } };
    const details = body.error?.details?.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');
    return [body.error?.message, details].filter(Boolean).join(' — ') || `Lỗi ${res.status}`;
  } catch {
    return `Lỗi ${res.status}`;
  }
}
