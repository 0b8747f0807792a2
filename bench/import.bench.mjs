// End-to-end statement import through the API on `wrangler dev` (local D1), timed once.
// A 2,000-stall market gets its fee run; the statement has 20,000 credit lines: 2,000 pay
// those stall fees through the stalls' references, 18,000 carry no reference (exceptions).
// Uses its own throwaway database under .wrangler/bench-state, never the dev one.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSeedStatements, renderStatement } from '../worker/src/seed/statements.ts';

const PORT = 8797;
const BASE = `http://127.0.0.1:${PORT}`;
const LINES = Number(process.env.BENCH_IMPORT_LINES ?? 20000);
const STALLS = 2000;
const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', ASTRO_TELEMETRY_DISABLED: '1' };
const state = mkdtempSync(path.join(tmpdir(), 'choso-bench-'));

function run(args) {
  const result = spawnSync('npx', ['--no-install', ...args], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error(`npx ${args.join(' ')} failed`);
}

run(['astro', 'build', '--root', 'web', '--silent']);
run(['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state, '-c', 'wrangler.toml']);
const seedFile = path.join(state, 'seed.sql');
writeFileSync(seedFile, (await buildSeedStatements()).map(renderStatement).join('\n'));
run(['wrangler', 'd1', 'execute', 'DB', '--local', '--persist-to', state, '--file', seedFile]);

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
  ],
  { env, stdio: 'ignore' },
);
try {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${BASE}/api/v1/categories`)).ok) break;
    } catch {}
    if (i > 120) throw new Error('wrangler dev did not start');
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
      body: JSON.stringify({ name: 'Chợ đầu mối (benchmark)' }),
    })
  ).json();
  const stallsCsv = [
    'code,traderName,traderPhone,monthlyFee,status',
    ...Array.from({ length: STALLS }, (_, i) => `K${i},Tiểu thương ${i},,${100000 + (i % 7) * 10000},active`),
  ].join('\n');
  const stallForm = new FormData();
  stallForm.append('file', new File([stallsCsv], 'stalls.csv'));
  await fetch(`${BASE}/api/v1/markets/${market.id}/stalls/import`, { method: 'POST', headers: auth, body: stallForm });
  const runStart = performance.now();
  const run = await (
    await fetch(`${BASE}/api/v1/markets/${market.id}/fee-runs`, {
      method: 'POST',
      headers: { ...json, ...auth },
      body: JSON.stringify({ period: '2027-01' }),
    })
  ).json();
  const feeRunMs = performance.now() - runStart;
  const { items: stalls } = await (await fetch(`${BASE}/api/v1/markets/${market.id}/stalls`, { headers: auth })).json();
  const {
    items: [account],
  } = { items: [(await (await fetch(`${BASE}/api/v1/reports/daily`, { headers: auth })).json()).organizations[0].accountNumber] };

  const rows = ['bookedAt,amount,description,transactionId'];
  for (let i = 0; i < LINES; i++) {
    const stall = stalls[i];
    if (i < STALLS && stall) rows.push(`2027-01-05 09:00,${stall.monthlyFee},"PHI CHO ${stall.reference} ${stall.traderName}",BENCH${i}`);
    else rows.push(`2027-01-05 10:00,${1000 + (i % 997)},"chuyen tien ${i}",BENCH${i}`);
  }
  const form = new FormData();
  form.append('file', new File([rows.join('\n')], 'statement.csv'));
  form.append('accountNumber', account);
  const start = performance.now();
  const res = await fetch(`${BASE}/api/v1/reconciliation/statements`, { method: 'POST', headers: auth, body: form });
  const importMs = performance.now() - start;
  const summary = await res.json();
  if (res.status !== 201) throw new Error(`import failed: ${res.status} ${JSON.stringify(summary)}`);
  console.log(
    JSON.stringify(
      {
        lines: LINES,
        stalls: STALLS,
        feeRunMs: Math.round(feeRunMs),
        billsCreated: run.billsCreated,
        importMs: Math.round(importMs),
        linesPerSecond: Math.round(LINES / (importMs / 1000)),
        summary,
      },
      null,
      2,
    ),
  );
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  rmSync(state, { recursive: true, force: true });
}
