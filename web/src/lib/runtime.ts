import { env } from 'cloudflare:workers';
import { withResilientDb } from '#worker/db/resilient-d1';
import { vietnamDate } from '#worker/domain/vietnam-time';
import { PUBLIC_CATALOGUE_CACHE } from '#worker/middleware/page-cache';

/** The D1 database the API uses: pages call the same db modules, never their own SQL. */
export const db = (): D1Database => withResilientDb(env).DB;

/** Today in Vietnam, for certificate validity. */
export const today = (): string => vietnamDate(new Date());

/** Caching for catalogue pages: the same rule as the catalogue's API reads (worker/src/middleware/page-cache.ts). */
export function cacheCataloguePage(headers: Headers) {
  headers.set('Cache-Control', PUBLIC_CATALOGUE_CACHE);
}
