import { handle } from '@astrojs/cloudflare/handler';
import { generateHydrationScript } from 'solid-js/web';
import { withD1ReadCount, withResilientDb } from './db/resilient-d1';
import { limitPageBody } from './middleware/page-body-limit';
import { servePage } from './middleware/page-cache';
import { inlineScriptHashes, withPageHeaders } from './middleware/security-headers';
import type { StatementChunkMessage } from './reconciliation/statement-queue';
import api, { measuringReads } from './worker';

// Durable Object classes must be exported by the module that wrangler.toml names as main.
export { RateLimiter } from './worker';

/**
 * The one worker that ships: /api/* goes to the Hono API, everything else to the Astro
 * storefront, whose pages read D1 through the same db modules. See README "Architecture".
 * Pages get the same security headers and private-cache rule as the API, and their form
 * posts the same kind of body limit.
 */
// Solid's renderer puts this bootstrap inline on pages with an island; Astro's policy does not
// list it, so its hash is added here (computed once, from the very function that renders it).
let solidHydrationHashes: Promise<string[]> | undefined;
const extraScriptHashes = () => (solidHydrationHashes ??= inlineScriptHashes(generateHydrationScript()));

export default {
  async fetch(request, env, ctx) {
    const { pathname } = new URL(request.url);
    const db = withResilientDb(env).DB;
    let serve: () => Promise<Response>;
    if (pathname === '/api' || pathname.startsWith('/api/')) {
      serve = () => servePage(request, db, ctx, async () => api.fetch(request, env, ctx));
    } else {
      const limited = limitPageBody(request);
      if (limited instanceof Response) return withPageHeaders(request, limited);
      const render = async () => withPageHeaders(request, await handle(limited, env, ctx), await extraScriptHashes());
      serve = () => servePage(request, db, ctx, render);
    }
    return measuringReads(env) ? withD1ReadCount(serve) : serve();
  },
  scheduled: api.scheduled,
  queue: api.queue,
} satisfies ExportedHandler<Env, StatementChunkMessage>;
