import { env } from 'cloudflare:workers';
import api from '#worker/worker';

/**
 * Calls our own API in-process, without a network hop: pages that change things (start a
 * payment, say) go through exactly the same validation, rules and SQL as API clients.
 * The caller's address is passed on so that rate limits count the real client.
 */
export function callApi(incoming: Request, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const address = incoming.headers.get('CF-Connecting-IP');
  if (address) headers.set('CF-Connecting-IP', address);
  const request = new Request(new URL(path, incoming.url), { ...init, headers });
  return Promise.resolve(api.fetch!(request as Request<unknown, IncomingRequestCfProperties>, env, { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext));
}
