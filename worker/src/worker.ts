import app from './app';
import { withD1ReadCount, withResilientDb } from './db/resilient-d1';
import { inD1Session } from './middleware/d1-session';
import { consumeStatementChunks, type StatementChunkMessage } from './reconciliation/statement-queue';
import { runScheduledMaintenance } from './scheduled';

// Durable Object classes must be exported by the main module (here for the tests, in entry.ts for the build).
export { RateLimiter } from './rate-limits/limiter';

/** Only the request benchmark sets it (bench/requests.bench.mjs); never in production. */
export const measuringReads = (env: Env) => (env as { MEASURE_D1_READS?: string }).MEASURE_D1_READS === '1';

/**
 * The API worker on its own: the Hono app and the Cron Trigger. The storefront entry
 * (entry.ts) wraps it; the tests run it directly, so they need no Astro build.
 */
export default {
  // Every request runs in a D1 session (read replicas, middleware/d1-session.ts), and every request
  // and run reads D1 through the retrying wrapper (db/resilient-d1.ts).
  fetch(request, env, ctx) {
    const handle = () => inD1Session(request, env, async (sessionEnv) => app.fetch(request, withResilientDb(sessionEnv), ctx));
    return measuringReads(env) ? withD1ReadCount(handle) : handle();
  },
  scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduledMaintenance(withResilientDb(env), controller.scheduledTime));
  },
  // Large bank statements, a chunk per message (reconciliation/statement-queue.ts).
  async queue(batch, env) {
    await consumeStatementChunks(batch as MessageBatch<StatementChunkMessage>, withResilientDb(env));
  },
} satisfies ExportedHandler<Env, StatementChunkMessage>;
