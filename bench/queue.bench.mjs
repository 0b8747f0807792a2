// A 100,000-line statement imported end to end through the statement queue on `wrangler dev`
// (local D1, R2 and Queues in one workerd process), timed once.
//
//   npm run bench -- queue                     # builds the storefront first
//   BENCH_SKIP_BUILD=1 npm run bench -- queue  # reuses web/dist from `npm run build`
//
// A market of 2,000 stalls gets its fee run; the statement's first 2,000 lines pay those fees
// through the stalls' references, the other 98,000 name nothing of ours (unmatched credits).
// It reports the time to the upload's 202, the time until GET …/statements/:id says done, and
// checks that every line was counted once. Memory, two ways, while the queue runs:
//  - the worker isolate's V8 heap (used and allocated), sampled every 100 ms over the inspector
//    (Runtime.getHeapUsage): the memory the Workers 128 MB limit is about. In `wrangler dev` the
//    isolate serves the progress polls and the queue's batches at once, so a sample holds every
//    invocation in flight: an upper bound for one consumer invocation. Every tenth sample forces
//    a full GC first, so heap used is then what is live. Split at the 202: upload, consumer;
//  - the RSS of the workerd process, sampled from /proc: the runtime, local SQLite and R2 and
//    every isolate together, so far more than the limit applies to; shown for scale.
// Uses its own throwaway database, never the dev one, and its own ports (BENCH_QUEUE_PORT).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSeedStatements, renderStatement } from '../worker/src/seed/statements.ts';

const PORT = Number(process.env.BENCH_QUEUE_PORT ?? process.env.CHOSO_DEV_PORT ?? 8798);
const INSPECTOR_PORT = PORT + 1000;
const BASE = `http://127.0.0.1:${PORT}`;
const LINES = Number(process.env.BENCH_QUEUE_LINES ?? 100_000);
const STALLS = 2_000;
const WORKERS_MEMORY_LIMIT = 128 * 1024 * 1024;
const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', ASTRO_TELEMETRY_DISABLED: '1' };
const state = mkdtempSync(path.join(tmpdir(), 'choso-bench-queue-'));

function npx(args) {
  const result = spawnSync('npx', ['--no-install', ...args], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error(`npx ${args.join(' ')} failed`);
}

/** Every process under `root` (its children, theirs, …), from /proc. */
function descendants(root) {
  const parents = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), { ppid: Number(fields[1]), name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) });
    } catch {
      // gone meanwhile
    }
  }
  const found = [];
  for (const [pid, { name }] of parents) {
    for (let p = pid; p > 1; p = parents.get(p)?.ppid ?? 0) {
      if (p === root) {
        found.push({ pid, name });
        break;
      }
    }
  }
  return found;
}

const rssOf = (pid) => {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
};

/** A DevTools protocol session with the worker's isolate, through wrangler's inspector. */
async function inspect() {
  const targets = await (await fetch(`http://127.0.0.1:${INSPECTOR_PORT}/json`)).json();
  const target = targets.find((t) => t.webSocketDebuggerUrl);
  if (!target) throw new Error(`no inspector target: ${JSON.stringify(targets)}`);
  // wrangler's inspector proxy accepts only local origins, and asks an agent that names itself for one.
  const socket = new WebSocket(target.webSocketDebuggerUrl, { headers: { Origin: 'http://localhost' } });
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', reject, { once: true });
  });
  let id = 0;
  const pending = new Map();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data));
    if (message.id !== undefined) pending.get(message.id)?.(message);
  });
  return {
    name: target.title,
    call(method, params = {}) {
      id += 1;
      const mine = id;
      return new Promise((resolve) => {
        pending.set(mine, (message) => {
          pending.delete(mine);
          resolve(message.result);
        });
        socket.send(JSON.stringify({ id: mine, method, params }));
      });
    },
    close: () => socket.close(),
  };
}

if (process.env.BENCH_SKIP_BUILD !== '1') {
  npx(['node', 'scripts/copy-vendor.mjs']);
  npx(['astro', 'build', '--root', 'web', '--silent']);
}
npx(['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state, '-c', 'wrangler.toml']);
const seedFile = path.join(state, 'seed.sql');
writeFileSync(seedFile, (await buildSeedStatements()).map(renderStatement).join('\n'));
npx(['wrangler', 'd1', 'execute', 'DB', '--local', '--persist-to', state, '--file', seedFile]);

const server = spawn(
  'npx',
  [
    '--no-install',
    'wrangler',
    'dev',
    '-c',
    'web/dist/server/wrangler.json',
    '--persist-to',
    state,
    '--ip',
    '127.0.0.1',
    '--port',
    String(PORT),
    '--inspector-port',
    String(INSPECTOR_PORT),
    '--show-interactive-dev-session=false',
  ],
  { env, stdio: 'ignore', detached: true },
);
try {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${BASE}/api/v1/categories`)).ok) break;
    } catch {}
    if (i > 240) throw new Error('wrangler dev did not start');
    await new Promise((r) => setTimeout(r, 500));
  }
  const json = { 'Content-Type': 'application/json', Origin: BASE };
  const { token } = await (
    await fetch(`${BASE}/api/v1/auth/login`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email: 'market@choso.test', password: 'demo1234' }),
    })
  ).json();
  const auth = { Authorization: `Bearer ${token}` };
  const market = await (
    await fetch(`${BASE}/api/v1/markets`, {
      method: 'POST',
      headers: { ...json, ...auth },
      body: JSON.stringify({ name: 'Chợ đầu mối (benchmark hàng đợi)' }),
    })
  ).json();
  const stallsCsv = [
    'code,traderName,traderPhone,monthlyFee,status',
    ...Array.from({ length: STALLS }, (_, i) => `K${i},Tiểu thương ${i},,${100000 + (i % 7) * 10000},active`),
  ].join('\n');
  const stallForm = new FormData();
  stallForm.append('file', new File([stallsCsv], 'stalls.csv'));
  await fetch(`${BASE}/api/v1/markets/${market.id}/stalls/import`, { method: 'POST', headers: auth, body: stallForm });
  const feeRun = await (
    await fetch(`${BASE}/api/v1/markets/${market.id}/fee-runs`, {
      method: 'POST',
      headers: { ...json, ...auth },
      body: JSON.stringify({ period: '2027-01' }),
    })
  ).json();
  const { items: stalls } = await (await fetch(`${BASE}/api/v1/markets/${market.id}/stalls`, { headers: auth })).json();
  const account = (await (await fetch(`${BASE}/api/v1/reports/daily`, { headers: auth })).json()).organizations[0].accountNumber;

  const rows = ['bookedAt,amount,description,transactionId'];
  let paying = 0;
  for (let i = 0; i < LINES; i++) {
    const stall = stalls[i];
    if (i < STALLS && stall) {
      paying += 1;
      rows.push(`2027-01-05 09:00,${stall.monthlyFee},"PHI CHO ${stall.reference} ${stall.traderName}",QBENCH${i}`);
    } else rows.push(`2027-01-05 10:00,${1000 + (i % 997)},"chuyen tien ${i}",QBENCH${i}`);
  }
  const csv = rows.join('\n');

  // The isolate and process, as they are before the upload.
  const workerd = descendants(server.pid).filter((p) => p.name === 'workerd');
  const inspector = await inspect();
  const idleHeap = await inspector.call('Runtime.getHeapUsage');
  const idleRss = workerd.reduce((sum, p) => sum + rssOf(p.pid), 0);
  // Two phases: the upload request (parse, R2 chunks, sendBatch) until its 202, then the
  // queue's consumer invocations (and the progress polls) until done.
  // Every tenth sample first asks V8 for a full collection: its heap used is then what is live
  // (the invocations in flight), the figure the limit applies to; the samples between count
  // garbage not yet collected too.
  const blank = () => ({ usedSize: 0, totalSize: 0, liveSize: 0, rss: 0, samples: 0 });
  const peaks = { upload: blank(), consumer: blank() };
  let phase = 'upload';
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const collect = peaks[phase].samples % 10 === 9;
      if (collect) await inspector.call('HeapProfiler.collectGarbage');
      const [heap] = await Promise.all([inspector.call('Runtime.getHeapUsage'), new Promise((r) => setTimeout(r, 100))]);
      const peak = peaks[phase];
      if (collect) peak.liveSize = Math.max(peak.liveSize, heap.usedSize);
      peak.usedSize = Math.max(peak.usedSize, heap.usedSize);
      peak.totalSize = Math.max(peak.totalSize, heap.totalSize);
      peak.rss = Math.max(
        peak.rss,
        workerd.reduce((sum, p) => sum + rssOf(p.pid), 0),
      );
      peak.samples += 1;
    }
  })();

  const form = new FormData();
  form.append('file', new File([csv], 'statement.csv'));
  form.append('accountNumber', account);
  const start = performance.now();
  const res = await fetch(`${BASE}/api/v1/reconciliation/statements`, { method: 'POST', headers: auth, body: form });
  const acceptedMs = performance.now() - start;
  phase = 'consumer';
  const accepted = await res.json();
  if (res.status !== 202) throw new Error(`upload answered ${res.status}, not 202: ${JSON.stringify(accepted)}`);
  let statement;
  for (;;) {
    statement = await (await fetch(`${BASE}/api/v1/reconciliation/statements/${accepted.statementId}`, { headers: auth })).json();
    if (statement.status !== 'processing') break;
    if (performance.now() - start > 30 * 60_000) throw new Error(`not done after 30 minutes: ${JSON.stringify(statement)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const doneMs = performance.now() - start;
  sampling = false;
  await sampler;
  inspector.close();

  if (statement.status !== 'done') throw new Error(`statement ${statement.status}: ${statement.failureReason}`);
  const { summary } = statement;
  const exceptions = Object.entries(summary.exceptions).filter(([type]) => type !== 'missing_at_bank');
  const decided = summary.matched + summary.alreadyConfirmed + exceptions.reduce((sum, [, n]) => sum + n, 0);
  const checks = {
    'processed == lines': statement.processed === LINES && statement.lines === LINES,
    'summary.lines == lines': summary.lines === LINES,
    'summary.credits == lines': summary.credits === LINES,
    'matched + already confirmed + exceptions == credits': decided === summary.credits,
    'matched == lines paying a stall fee': summary.matched === paying,
  };
  const mb = (n) => Math.round((n / 1024 / 1024) * 10) / 10;
  console.log(
    JSON.stringify(
      {
        lines: LINES,
        csvBytes: Buffer.byteLength(csv),
        billsCreated: feeRun.billsCreated,
        acceptedMs: Math.round(acceptedMs),
        doneMs: Math.round(doneMs),
        linesPerSecond: Math.round(LINES / (doneMs / 1000)),
        summary,
        checks,
        memory: {
          isolate: inspector.name,
          heapUsedIdleMB: mb(idleHeap.usedSize),
          workerdRssIdleMB: mb(idleRss),
          ...Object.fromEntries(
            Object.entries(peaks).map(([name, peak]) => [
              name,
              {
                samples: peak.samples,
                heapUsedPeakMB: mb(peak.usedSize),
                heapLiveAfterGcPeakMB: mb(peak.liveSize),
                heapAllocatedPeakMB: mb(peak.totalSize),
                workerdRssPeakMB: mb(peak.rss),
                withinWorkersLimit: peak.totalSize < WORKERS_MEMORY_LIMIT,
              },
            ]),
          ),
        },
      },
      null,
      2,
    ),
  );
  if (!Object.values(checks).every(Boolean) || peaks.consumer.totalSize >= WORKERS_MEMORY_LIMIT) process.exitCode = 1;
} finally {
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {}
  await new Promise((r) => setTimeout(r, 1000));
  rmSync(state, { recursive: true, force: true });
}
