// `npm run bench -- profile`: a V8 CPU profile of the catalogue list inside workerd, taken
// through `wrangler dev`'s inspector with the Chrome DevTools protocol (Profiler domain), on a
// fresh seeded local database. PROFILE_REQUESTS (default 2,000) sequential requests of each
// variant: anonymous (`GET /api/v1/products?limit=24`, the catalogue cache's path) and
// uncached (a session cookie bypasses the cache: the list, its facets, the session lookup).
// Prints the top functions by self time and writes the .cpuprofile files (open them in Chrome
// DevTools) under PROFILE_OUT (default the system temp directory). PROFILE_PATH profiles another
// route instead (for example /san-pham, the catalogue page).
//
// PROFILE_COMPARE=1 profiles, instead, each route of the SSR target on a cache miss beside
// GET /api/health, and prints the isolate's busy time per request (samples that are not idle)
// and its ratio to health: the worker's own CPU, which is what Cloudflare's CPU limit counts,
// without the local D1's SQLite and simulator that the process accounting of
// `bench -- requests` includes.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { devtools, ensureBuild, freshState, removeState, startWranglerDev } from './wrangler-dev.mjs';

const REQUESTS = Number(process.env.PROFILE_REQUESTS ?? 2_000);
const OUT = process.env.PROFILE_OUT ?? tmpdir();
const ROUTE = process.env.PROFILE_PATH ?? '/api/v1/products?limit=24';
const fileName = ROUTE.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'home';
const PORT = Number(process.env.CHOSO_LOAD_PORT ?? (process.env.CHOSO_DEV_PORT ? Number(process.env.CHOSO_DEV_PORT) + 10 : 8797));
const INSPECTOR = PORT + 1;
const VARIANTS = [
  { name: 'anonymous', headers: {} },
  { name: 'uncached', headers: { Cookie: 'choso_session=profile-not-a-session' } },
];

/** Self time per function (name, file, line), and per file, from a CPU profile. */
function topCosts(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  const deltas = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i += 1) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (deltas[i] ?? 0));
  const total = [...self.values()].reduce((sum, us) => sum + us, 0);
  const functions = new Map();
  const files = new Map();
  for (const [nodeId, us] of self) {
    const frame = byId.get(nodeId).callFrame;
    const file = frame.url ? frame.url.split('/').slice(-2).join('/') : '(native)';
    const key = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
    files.set(file, (files.get(file) ?? 0) + us);
  }
  const top = (map, n) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([key, us]) => `${((100 * us) / total).toFixed(1).padStart(5)} %  ${key}`);
  return { totalMs: Math.round(total / 1000), functions: top(functions, 25), files: top(files, 12) };
}

/** Microseconds of a profile's samples outside the named pseudo-frames ('(idle)', '(program)'). */
function sampledUs(profile, leaveOut) {
  const skip = new Set(profile.nodes.filter((node) => leaveOut.includes(node.callFrame.functionName)).map((node) => node.id));
  let us = 0;
  for (let i = 0; i < profile.samples.length; i += 1) if (!skip.has(profile.samples[i])) us += profile.timeDeltas[i] ?? 0;
  return us;
}

async function compareRoutes(session, base) {
  const uncached = { Cookie: 'choso_session=profile-not-a-session' };
  const product = (await (await fetch(`${base}/api/v1/products?limit=1`)).json()).items[0].id;
  const routes = [
    { name: 'GET /api/health (baseline)', path: '/api/health', headers: {} },
    { name: 'GET /api/v1/products?limit=24, uncached', path: '/api/v1/products?limit=24', headers: uncached },
    { name: 'GET /san-pham (SSR), uncached', path: '/san-pham', headers: uncached },
    { name: 'GET /san-pham/:id (SSR), uncached', path: `/san-pham/${product}`, headers: uncached },
    { name: 'GET / (SSR), uncached', path: '/', headers: uncached },
  ];
  const rows = [];
  for (const route of routes) {
    const url = `${base}${route.path}`;
    for (let i = 0; i < 100; i += 1) await (await fetch(url, { headers: route.headers })).arrayBuffer();
    await session.send('Profiler.start');
    for (let i = 0; i < REQUESTS; i += 1) await (await fetch(url, { headers: route.headers })).arrayBuffer();
    const { profile } = await session.send('Profiler.stop');
    rows.push({
      name: route.name,
      busy: sampledUs(profile, ['(idle)']) / 1000 / REQUESTS,
      js: sampledUs(profile, ['(idle)', '(program)']) / 1000 / REQUESTS,
    });
  }
  console.log(`\nThe worker isolate's busy time per request (${REQUESTS} requests each, wrangler dev, sampled every 200 µs)\n`);
  console.log('| route | busy ms/req | × health | without (program) ms/req | × health |');
  console.log('|---|---:|---:|---:|---:|');
  for (const row of rows) {
    const ratio = (key) => (row[key] / rows[0][key]).toFixed(1);
    console.log(`| ${row.name} | ${row.busy.toFixed(3)} | ${ratio('busy')} | ${row.js.toFixed(3)} | ${ratio('js')} |`);
  }
}

ensureBuild();
const { state, envFile } = await freshState();
const server = await startWranglerDev({ config: 'web/dist/server/wrangler.json', state, envFile, port: PORT, inspectorPort: INSPECTOR });
try {
  const session = await devtools(INSPECTOR);
  console.log(`inspector target: ${session.title}`);
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 200 });
  if (process.env.PROFILE_COMPARE) await compareRoutes(session, server.base);
  for (const variant of process.env.PROFILE_COMPARE ? [] : VARIANTS) {
    const url = `${server.base}${ROUTE}`;
    for (let i = 0; i < 100; i += 1) await (await fetch(url, { headers: variant.headers })).arrayBuffer();
    await session.send('Profiler.start');
    const started = performance.now();
    for (let i = 0; i < REQUESTS; i += 1) await (await fetch(url, { headers: variant.headers })).arrayBuffer();
    const wallMs = performance.now() - started;
    const { profile } = await session.send('Profiler.stop');
    const file = path.join(OUT, `choso-${fileName}-${variant.name}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    const costs = topCosts(profile);
    console.log(`\n## ${ROUTE}, ${variant.name}: ${REQUESTS} requests, ${(wallMs / REQUESTS).toFixed(2)} ms each (wall), profile ${file}`);
    console.log(`sampled ${costs.totalMs} ms in the worker's isolate\nby function (self time):`);
    for (const line of costs.functions) console.log(line);
    console.log('by file:');
    for (const line of costs.files) console.log(line);
  }
  session.close();
} finally {
  await server.stop();
  removeState(state);
}
