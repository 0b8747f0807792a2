// Shared by the requests bench and the soak's `miniflare` runtime: a worker served by workerd
// through Miniflare's own API, with no inspector and no dev proxy (wrangler dev puts both in
// front of workerd), on a throwaway database in Miniflare's own temporary storage.
//
// `app` is the built worker (web/dist/server, as deployed: wrangler's own config reader gives
// its bindings); `bare` is bench/bare/worker.mjs with only the D1 binding.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { unstable_getMiniflareWorkerOptions, unstable_splitSqlQuery } from 'wrangler';
import { buildSeedStatements } from '../worker/src/seed/statements.ts';

const root = path.resolve(import.meta.dirname, '..');
// The Miniflare that wrangler itself runs (its options must match what wrangler's config reader gives).
const fromWrangler = createRequire(createRequire(import.meta.url).resolve('wrangler'));
const { Miniflare, convertV4MiniflareOptions } = await import(pathToFileURL(fromWrangler.resolve('miniflare')).href);
const quietEnv = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', DO_NOT_TRACK: '1' };

function ensureBuild() {
  if (!existsSync(path.join(root, 'web/dist/server/wrangler.json'))) {
    spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit', env: quietEnv });
  }
}

/** The built worker's options: every module of the build (Astro splits chunks), the entry first. */
function appWorker(bindings) {
  ensureBuild();
  const { workerOptions, main } = unstable_getMiniflareWorkerOptions(path.join(root, 'web/dist/server/wrangler.json'));
  const { modulesRules: _rules, ...options } = workerOptions;
  const serverDir = path.dirname(main);
  const moduleFiles = readdirSync(serverDir, { recursive: true })
    .map(String)
    .filter((file) => /\.m?js$/.test(file) && !file.startsWith('node_modules'))
    .map((file) => path.join(serverDir, file))
    .sort((a, b) => (a === main ? -1 : b === main ? 1 : a.localeCompare(b)));
  return {
    ...options,
    name: 'choso',
    modules: moduleFiles.map((file) => ({ type: 'ESModule', path: file })),
    modulesRoot: serverDir,
    bindings: { ...options.bindings, ...bindings },
    cronTriggers: [],
  };
}

export const BARE_WORKER = 'choso-bare-catalogue';

function bareWorker() {
  return {
    name: BARE_WORKER,
    compatibilityDate: '2026-11-01',
    modules: [{ type: 'ESModule', path: path.join(root, 'bench/bare/worker.mjs') }],
    d1Databases: { DB: '00000000-0000-4000-8000-000000000000' },
  };
}

/** workerd is Miniflare's child process. */
function workerdPid() {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === process.pid && stat.includes('(workerd)')) return Number(entry);
    } catch {}
  }
  throw new Error('workerd process not found');
}

const TICKS_PER_SECOND = 100;

/**
 * Starts `worker` ('app' or 'bare'), the bare one beside the app if `withBare`, on a fresh database with the migrations and the seed applied.
 * Returns the Miniflare instance, its D1 database, its HTTP address, workerd's pid and its CPU
 * time so far (user + system of every thread, from /proc), and `stop()`.
 */
export async function startMiniflare({ worker = 'app', bindings = {}, port = 0, withBare = false } = {}) {
  const options = worker === 'app' ? appWorker(bindings) : bareWorker();
  // `withBare` serves the bare worker beside the app in the same workerd process, on the same
  // database (both bind the config's database id): `mf.getWorker(BARE_WORKER)` reaches it.
  const workers = withBare && worker === 'app' ? [options, bareWorker()] : [options];
  const mf = new Miniflare(convertV4MiniflareOptions({ workers, host: '127.0.0.1', port }));
  const url = await mf.ready;
  const db = await mf.getD1Database('DB');
  for (const file of readdirSync(path.join(root, 'migrations'))
    .filter((name) => name.endsWith('.sql'))
    .sort()) {
    const statements = unstable_splitSqlQuery(readFileSync(path.join(root, 'migrations', file), 'utf8'));
    await db.batch(statements.map((statement) => db.prepare(statement)));
  }
  const seed = await buildSeedStatements();
  for (let i = 0; i < seed.length; i += 50) {
    await db.batch(seed.slice(i, i + 50).map(({ sql, params }) => db.prepare(sql).bind(...params)));
  }
  const pid = workerdPid();
  const cpuMs = () => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  };
  return {
    mf,
    db,
    base: url.origin,
    pid,
    cpuMs,
    stop: () => mf.dispose(),
  };
}
