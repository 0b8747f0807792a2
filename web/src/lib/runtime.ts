import { env } from 'cloudflare:workers';
import { withResilientDb } from '#worker/db/resilient-d1';
import { vietnamDate } from '#worker/domain/vietnam-time';

/** The D1 database the API uses: pages call the same db modules, never their own SQL. */
export const db = (): D1Database => withResilientDb(env).DB;

/** Today in Vietnam, for certificate validity. */
export const today = (): string => vietnamDate(new Date());

/** Short caching for catalogue pages: fresh enough for stock, kind to slow networks. */
export function cacheCataloguePage(headers: Headers) {
  headers.set('Cache-Control', 'public, max-age=60, stale-while-revalidate=300');
}
