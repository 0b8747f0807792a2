// `npm run bench -- soak`: memory under a long run. SOAK_REQUESTS (default 100,000) catalogue
// list requests against our worker under `wrangler dev`, then as many against a bare worker
// doing the same D1 query (bench/bare/), each on a fresh seeded local database, with the
// workerd process's resident memory (VmRSS) sampled every SOAK_SAMPLE_MS (default 2,000 ms).
// If ours grows and the bare one does not, the growth is ours; if both grow alike, it is the
// local runtime's. SOAK_TARGETS picks targets (ours,bare,ours-uncached,bare-no-d1). Prints a table.
// SOAK_RUNTIME=miniflare serves each worker through Miniflare's own API instead (bench/miniflare.mjs:
// workerd with no dev proxy and no inspector in front), to tell wrangler dev's share from workerd's.
// Under wrangler dev the worker isolate's own JS heap is read too, through the inspector
// (Runtime.getHeapUsage, before the run and 10 s after it): memory that our code keeps
// would show there; memory outside the isolate's heap is the runtime's.
import autocannon from 'autocannon';
import { startMiniflare } from './miniflare.mjs';
import { devtools, ensureBuild, freshState, removeState, rssMb, startWranglerDev } from './wrangler-dev.mjs';

const REQUESTS = Number(process.env.SOAK_REQUESTS ?? 100_000);
const SAMPLE_MS = Number(process.env.SOAK_SAMPLE_MS ?? 2_000);
const PORT = Number(process.env.CHOSO_LOAD_PORT ?? (process.env.CHOSO_DEV_PORT ? Number(process.env.CHOSO_DEV_PORT) + 10 : 8797));
const TARGETS = {
  ours: { config: 'web/dist/server/wrangler.json', worker: 'app', headers: {} },
  // A session cookie bypasses the catalogue cache: every request runs the list and its facets.
  'ours-uncached': { config: 'web/dist/server/wrangler.json', worker: 'app', headers: { Cookie: 'choso_session=soak-not-a-session' } },
  bare: { config: 'bench/bare/wrangler.toml', worker: 'bare', headers: {} },
  // The bare worker without D1: tells D1's share of the runtime's growth from the rest.
  'bare-no-d1': { config: 'bench/bare/wrangler.toml', worker: 'bare', headers: {}, path: '/api/health' },
};
const chosen = (process.env.SOAK_TARGETS ?? 'ours,bare').split(',').map((name) => name.trim());
const RUNTIME = process.env.SOAK_RUNTIME ?? 'wrangler-dev';
if (!['wrangler-dev', 'miniflare'].includes(RUNTIME)) throw new Error(`SOAK_RUNTIME is wrangler-dev or miniflare, not ${RUNTIME}`);

/** The worker under `wrangler dev` on a fresh seeded state, or through Miniflare's API on a fresh database. */
async function serve(target) {
  if (RUNTIME === 'miniflare') {
    const server = await startMiniflare({ worker: target.worker, bindings: { ENVIRONMENT: 'development', STRIPE_SECRET_KEY: '' } });
    return { base: server.base, workerdPid: server.pid, stop: server.stop, heap: null };
  }
  const { state, envFile } = await freshState();
  const server = await startWranglerDev({ config: target.config, state, envFile, port: PORT, inspectorPort: PORT + 1 });
  const inspector = await devtools(PORT + 1);
  // workerd's inspector answers Runtime.getHeapUsage but not HeapProfiler.collectGarbage: V8
  // collects on its own, so the heap's used size is read as it is.
  const heapMb = async () => {
    const { usedSize } = await inspector.send('Runtime.getHeapUsage');
    return usedSize / 1024 / 1024;
  };
  return {
    base: server.base,
    workerdPid: server.workerdPid,
    heap: heapMb,
    stop: async () => {
      inspector.close();
      await server.stop();
      removeState(state);
    },
  };
}

function cannon(options) {
  return new Promise((resolve, reject) => {
    autocannon({ ...options, timeout: 30 }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

ensureBuild();
const rows = [];
for (const name of chosen) {
  const target = TARGETS[name];
  if (!target) throw new Error(`no such soak target: ${name}`);
  const server = await serve(target);
  try {
    const url = `${server.base}${target.path ?? '/api/v1/products?limit=24'}`;
    for (let i = 0; i < 200; i += 1) await (await fetch(url, { headers: target.headers })).arrayBuffer();
    const samples = [];
    const heapBefore = server.heap ? await server.heap() : null;
    const started = performance.now();
    const sample = () => samples.push({ s: Math.round((performance.now() - started) / 1000), mb: rssMb(server.workerdPid) });
    sample();
    const timer = setInterval(sample, SAMPLE_MS);
    const result = await cannon({ url, connections: 20, amount: REQUESTS, headers: target.headers });
    clearInterval(timer);
    sample();
    // A quiet minute's end: does memory come back once the load stops?
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    const settled = rssMb(server.workerdPid);
    const heapAfter = server.heap ? await server.heap() : null;
    const values = samples.map((one) => one.mb).filter((mb) => mb !== null);
    const row = {
      target: name,
      requests: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors,
      seconds: Math.round(result.duration),
      throughput: Math.round(result.requests.average),
      startMb: Math.round(values[0]),
      maxMb: Math.round(Math.max(...values)),
      endMb: Math.round(values.at(-1)),
      settledMb: Math.round(settled ?? Number.NaN),
      heap: heapBefore === null ? null : `${heapBefore.toFixed(1)} MB → ${heapAfter.toFixed(1)} MB`,
      curve: samples
        .filter((_, index) => index % Math.max(1, Math.floor(samples.length / 12)) === 0)
        .map((one) => `${one.s}s:${Math.round(one.mb)}`),
    };
    rows.push(row);
    console.log(JSON.stringify(row));
  } finally {
    await server.stop();
  }
}

console.log(`\nworkerd RSS over ${REQUESTS} requests each (${RUNTIME}, 20 connections, sampled every ${SAMPLE_MS} ms)\n`);
console.log('| worker | requests | non-2xx | req/s | RSS start | RSS max | RSS end | 10 s later | isolate JS heap used |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.target} | ${r.requests} | ${r.non2xx} | ${r.throughput} | ${r.startMb} MB | ${r.maxMb} MB | ${r.endMb} MB | ${r.settledMb} MB | ${r.heap ?? '—'} |`,
  );
}
for (const r of rows) console.log(`${r.target}: ${r.curve.join(' ')}`);
