// `npm run load`: a bounded load run against `wrangler dev` on loopback (its own port, a fresh
// local database, the built worker), in phases that each stop by themselves, then the books'
// integrity check. Exits 1 if anything was lost or counted twice, or the catalogue answered an
// error. Not part of `npm test`; a few minutes in all. BENCHMARKS.md, "Load", has a run.
//
//   CHOSO_LOAD_PORT   port for wrangler dev (default CHOSO_DEV_PORT + 10, else 8797)
//   LOAD_SECONDS      seconds of the catalogue phase (default 60)
//   LOAD_SPIKE_SECONDS seconds of the spike (default 20)
import { createHmac, randomInt, randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { DEMO_CONNECTIONS, DEMO_SCHOOL_ACCOUNT } from '../worker/src/seed/bank-connections.ts';
import { DEMO_PASSWORD } from '../worker/src/seed/statements.ts';
import { ensureBuild, freshState, npx, pool, quietEnv, removeState, root, startWranglerDev } from './wrangler-dev.mjs';

const PORT = Number(process.env.CHOSO_LOAD_PORT ?? (process.env.CHOSO_DEV_PORT ? Number(process.env.CHOSO_DEV_PORT) + 10 : 8797));
const CATALOGUE_SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const SPIKE_SECONDS = Number(process.env.LOAD_SPIKE_SECONDS ?? 20);
const BILLS = 500;
const CREATIONS = 2000;
const NOTIFICATIONS = 2000;

const problems = [];
const report = {
  machine: `${os.cpus()[0]?.model ?? 'cpu'}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB`,
  phases: [],
};
const fail = (message) => {
  problems.push(message);
  console.error(`✗ ${message}`);
};

let addressCounter = 0;
/** A different client address per payer, as the per-client rate limits expect of real payers. */
const address = () => {
  addressCounter += 1;
  return `2001:db8:${(addressCounter >> 16).toString(16)}:${(addressCounter & 0xffff).toString(16)}::1`;
};

function cannon(options) {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ ...options, timeout: 30 }, (error, result) => (error ? reject(error) : resolve(result)));
    autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false });
  });
}

function summarize(name, result) {
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count]));
  const row = {
    name,
    connections: result.connections,
    seconds: result.duration,
    requests: result.requests.total,
    throughput: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    statuses,
  };
  report.phases.push(row);
  console.log(JSON.stringify(row));
  return row;
}

async function api(base, pathname, init = {}) {
  const res = await fetch(`${base}${pathname}`, init);
  const text = await res.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, body, text };
}

const hmacHex = (secret, message) => createHmac('sha256', secret).update(message).digest('hex');
const vietnamNow = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');

/** One bank notification in the SePay format (API key) or the signed JSON format, through the school's connections. */
function notification(base, credit) {
  if (credit.format === 'sepay') {
    const body = JSON.stringify({
      id: credit.sepayId,
      gateway: 'Vietcombank',
      transactionDate: vietnamNow(),
      accountNumber: DEMO_SCHOOL_ACCOUNT,
      code: null,
      content: credit.content,
      transferType: 'in',
      transferAmount: credit.amount,
      accumulated: 0,
      subAccount: null,
      referenceCode: `MBVCB.${credit.sepayId}`,
      description: `BankAPINotify ${credit.content}`,
    });
    return fetch(`${base}/api/v1/webhooks/bank/${DEMO_CONNECTIONS.sepay.id}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Apikey ${DEMO_CONNECTIONS.sepay.credentials.apiKey}` },
      body,
    });
  }
  const body = JSON.stringify({
    transactionId: credit.transactionId,
    accountNumber: DEMO_SCHOOL_ACCOUNT,
    amount: credit.amount,
    description: credit.content,
    bookedAt: new Date().toISOString(),
  });
  const timestamp = String(Math.floor(Date.now() / 1000));
  return fetch(`${base}/api/v1/webhooks/bank/${DEMO_CONNECTIONS.signed_json.id}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Bank-Timestamp': timestamp,
      'X-Bank-Signature': hmacHex(DEMO_CONNECTIONS.signed_json.credentials.secret, `${timestamp}.${body}`),
    },
    body,
  });
}

/**
 * Sends again when the connection drops before an answer (wrangler dev's proxy sometimes closes
 * a kept-alive socket under load), as a bank or a browser would: both requests are idempotent
 * (the bank transaction id, the Idempotency-Key), so a resend can never count twice.
 */
async function withResend(send) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await send();
    } catch (error) {
      resends += 1;
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}
let resends = 0;

/** A phase stops by itself after this long, whatever is left unsent (and the run then fails). */
const PHASE_LIMIT_MS = Number(process.env.LOAD_PHASE_LIMIT_SECONDS ?? 600) * 1000;

function shuffle(items) {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** A read of the run's local database through wrangler (the same SQLite file wrangler dev serves). */
function query(state, sql) {
  const out = npx(['wrangler', 'd1', 'execute', 'DB', '--local', '--persist-to', state, '-c', 'wrangler.toml', '--json', '--command', sql]);
  return JSON.parse(out).map((result) => result.results);
}

async function main() {
  ensureBuild();
  const { state, envFile } = await freshState();
  const server = await startWranglerDev({ config: 'web/dist/server/wrangler.json', state, envFile, port: PORT, inspectorPort: PORT + 1 });
  const { base } = server;
  console.log(`wrangler dev on ${base}, state ${state}`);
  try {
    // Warm up the routes (first requests compile the modules).
    for (const pathname of ['/api/v1/products?limit=24', '/san-pham']) await api(base, pathname);

    // 1. The catalogue at 50 connections.
    const catalogue = summarize(
      'catalogue: GET /api/v1/products?limit=24 and /san-pham',
      await cannon({
        url: base,
        connections: 50,
        duration: CATALOGUE_SECONDS,
        requests: [{ path: '/api/v1/products?limit=24' }, { path: '/san-pham' }],
      }),
    );
    if (catalogue.errors > 0 || catalogue.non2xx > 0) fail(`catalogue: ${catalogue.errors} errors, ${catalogue.non2xx} non-2xx answers`);

    // 2. A spike, 0 → 200 connections at once, on the bill lookup and the catalogue page.
    const { body: login } = await api(base, '/api/v1/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: base },
      body: JSON.stringify({ email: 'biller@choso.test', password: DEMO_PASSWORD }),
    });
    const staff = { Authorization: `Bearer ${login.token}`, 'Content-Type': 'application/json' };
    const bills = await pool(
      Array.from({ length: BILLS }, (_, i) => i),
      8,
      async (i) => {
        const res = await api(base, '/api/v1/bills', {
          method: 'POST',
          headers: staff,
          body: JSON.stringify({
            type: 'tuition',
            payerName: `Học sinh tải thử ${i + 1}`,
            payerRef: `HS-LOAD-${i + 1}`,
            description: 'Học phí tháng 12/2026 (chạy tải)',
            amount: 100_000 + randomInt(1, 1_900) * 1_000,
            dueDate: '2026-12-31',
          }),
        });
        if (res.status !== 201) throw new Error(`bill ${i}: ${res.status} ${res.text}`);
        return res.body;
      },
    );
    console.log(`${bills.length} bills issued as biller staff`);
    const spike = summarize(
      'spike: 0 → 200 connections, GET /api/v1/bills/lookup/:code and /san-pham',
      await cannon({
        url: base,
        connections: 200,
        duration: SPIKE_SECONDS,
        requests: [{ path: `/api/v1/bills/lookup/${bills[0].code}` }, { path: '/san-pham' }],
      }),
    );
    const spikeServerErrors = Object.entries(spike.statuses)
      .filter(([code]) => Number(code) >= 500)
      .reduce((sum, [, count]) => sum + count, 0);
    if (spike.errors > 0 || spikeServerErrors > 0) fail(`spike: ${spike.errors} errors, ${spikeServerErrors} answers 5xx`);

    // 3. Payments under fire. The first 200 bills are paid by a notification naming the bill's
    // printed code before any payment exists (10 % of the notifications); the other 300 get
    // payments (2,000 creations, 20 % of them retries of an earlier request with its key).
    const early = bills.slice(0, 200);
    const byReference = bills.slice(200);
    let sepayId = randomInt(100_000, 1_000_000_000);
    const credit = (amount, content, index) => {
      sepayId += 1;
      return { format: index % 2 === 0 ? 'sepay' : 'signed_json', sepayId, transactionId: `FTLOAD${sepayId}`, amount, content };
    };
    const typed = (bill) =>
      `MBVCB.4530998360.029552.${bill.code.slice(0, 5)} ${bill.code.slice(5)}.CT tu 0351000646393 NGUYEN VAN A toi ${DEMO_SCHOOL_ACCOUNT}`;
    const earlyCredits = early.map((bill, i) => credit(bill.amount, typed(bill), i));

    const before = query(
      state,
      `SELECT count(*) AS n FROM bank_credits; SELECT count(*) AS n FROM payment_exceptions WHERE status = 'open'`,
    ).map((rows) => rows[0].n);

    const sendNotifications = async (credits) => {
      const started = performance.now();
      const latencies = [];
      const statuses = {};
      await pool(credits, 20, async (one) => {
        if (performance.now() - started > PHASE_LIMIT_MS) {
          statuses.unsent = (statuses.unsent ?? 0) + 1;
          return;
        }
        const t = performance.now();
        const res = await withResend(async () => {
          const answer = await notification(base, one);
          await answer.arrayBuffer();
          return answer;
        });
        latencies.push(performance.now() - t);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      });
      return { ms: performance.now() - started, latencies, statuses };
    };
    const percentile = (values, p) => {
      const sorted = [...values].sort((a, b) => a - b);
      return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);
    };
    const record = (name, count, run) => {
      const row = {
        name,
        connections: 20,
        seconds: Math.round(run.ms / 100) / 10,
        requests: count,
        throughput: Math.round(count / (run.ms / 1000)),
        p50: percentile(run.latencies, 50),
        p99: percentile(run.latencies, 99),
        errors: Object.entries(run.statuses)
          .filter(([code]) => code === 'unsent' || Number(code) >= 500)
          .reduce((sum, [, n]) => sum + n, 0),
        statuses: run.statuses,
      };
      report.phases.push(row);
      console.log(JSON.stringify(row));
      return row;
    };

    const earlyRun = record(
      'bank notifications naming a bill code, before any payment',
      earlyCredits.length,
      await sendNotifications(earlyCredits),
    );

    // Payment creations: 1,600 first requests over the 300 bills, and 400 retries of one of them.
    const firsts = Array.from({ length: CREATIONS * 0.8 }, (_, i) => ({
      key: randomUUID(),
      client: address(),
      billCode: byReference[i % byReference.length].code,
    }));
    const creations = shuffle([...firsts, ...Array.from({ length: CREATIONS * 0.2 }, () => firsts[randomInt(firsts.length)])]);
    const started = performance.now();
    const latencies = [];
    const statuses = {};
    const answers = new Map();
    await pool(creations, 20, async (one) => {
      if (performance.now() - started > PHASE_LIMIT_MS) {
        statuses.unsent = (statuses.unsent ?? 0) + 1;
        return;
      }
      const t = performance.now();
      const res = await withResend(() =>
        api(base, '/api/v1/payments', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'Idempotency-Key': one.key, 'CF-Connecting-IP': one.client },
          body: JSON.stringify({ billCode: one.billCode, method: 'vietqr' }),
        }),
      );
      latencies.push(performance.now() - t);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status === 201 || res.status === 200) {
        const seen = answers.get(one.key);
        // A retry with the same key must answer the very payment the first request made.
        if (seen && seen !== res.body.id) fail(`Idempotency-Key ${one.key} answered ${seen} and then ${res.body.id}`);
        answers.set(one.key, res.body.id);
      }
    });
    const creationRow = record('payment creations (VietQR), 20 % retries with the same Idempotency-Key', CREATIONS, {
      ms: performance.now() - started,
      latencies,
      statuses,
    });
    if (creationRow.errors > 0) fail(`payment creations: ${creationRow.errors} answers 5xx`);

    // The pending payment of each bill, as a payer's banking app would quote it.
    const [pending] = query(
      state,
      `SELECT b.code, p.reference, p.amount FROM payments p JOIN bills b ON b.id = p.bill_id
       WHERE p.status = 'pending' AND b.payer_ref LIKE 'HS-LOAD-%'`,
    );
    const referenceOf = new Map(pending.map((row) => [row.code, row]));
    const missing = byReference.filter((bill) => !referenceOf.has(bill.code));
    if (missing.length > 0) fail(`${missing.length} bills have no pending payment after the creations`);

    // The other 1,800 notifications, in random order: 300 pay the bills by reference, 600 are a
    // second transfer for one of them (one pays, the other is a duplicate_payment exception),
    // 600 carry no reference at all (unmatched_credit), and 300 resend a notification already
    // sent (15 %: the same bank transaction, applied once).
    const payingCredits = byReference.map((bill, i) => {
      const payment = referenceOf.get(bill.code);
      return credit(payment?.amount ?? bill.amount, `${payment?.reference ?? bill.code} chuyen tien hoc phi`, i);
    });
    const secondTransfers = Array.from({ length: 600 }, (_, i) => {
      const payment = referenceOf.get(byReference[i % byReference.length].code);
      return credit(payment?.amount ?? 100_000, `${payment?.reference ?? 'X'} chuyen lai lan ${2 + Math.floor(i / 300)}`, i);
    });
    const unmatched = Array.from({ length: 600 }, (_, i) => credit(50_000 + i, `NGUYEN VAN A chuyen tien ${i}`, i));
    const unique = [...earlyCredits, ...payingCredits, ...secondTransfers, ...unmatched];
    const duplicates = Array.from({ length: NOTIFICATIONS * 0.15 }, () => unique[randomInt(unique.length)]);
    const rest = shuffle([...payingCredits, ...secondTransfers, ...unmatched, ...duplicates]);
    const restRun = record(
      'bank notifications: SePay and signed JSON, 15 % duplicates, random order',
      rest.length,
      await sendNotifications(rest),
    );
    const notificationErrors = earlyRun.errors + restRun.errors;
    if (notificationErrors > 0) fail(`bank notifications: ${notificationErrors} answers 5xx`);
    const sent = { notifications: earlyCredits.length + rest.length, uniqueCredits: unique.length };

    // 4. The books: the integrity check on the local database, the admin endpoint, and the counts.
    const check = await import('node:child_process').then(({ spawnSync }) =>
      spawnSync(process.execPath, [path.join(root, 'scripts/check-integrity.mjs')], {
        cwd: root,
        env: { ...quietEnv, CHOSO_PERSIST: state },
        encoding: 'utf8',
      }),
    );
    console.log(check.stdout.trim());
    if (check.status !== 0) fail(`npm run check:integrity exited ${check.status}`);
    const { body: admin } = await api(base, '/api/v1/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: base },
      body: JSON.stringify({ email: 'admin@choso.test', password: DEMO_PASSWORD }),
    });
    const integrity = await api(base, '/api/v1/admin/integrity', { headers: { Authorization: `Bearer ${admin.token}` } });
    if (integrity.status !== 200 || integrity.body?.ok !== true)
      fail(`admin integrity: ${integrity.status} ${integrity.text.slice(0, 500)}`);

    const [[credits], [exceptions], [paidBills], [paidPayments], [oddBills], [unappliedCredits]] = query(
      state,
      `SELECT count(*) AS n FROM bank_credits;
       SELECT count(*) AS n FROM payment_exceptions WHERE status = 'open';
       SELECT count(*) AS n FROM bills WHERE payer_ref LIKE 'HS-LOAD-%' AND status = 'paid';
       SELECT count(*) AS n FROM payments p JOIN bills b ON b.id = p.bill_id WHERE b.payer_ref LIKE 'HS-LOAD-%' AND p.status = 'paid';
       SELECT count(*) AS n FROM bills b WHERE b.payer_ref LIKE 'HS-LOAD-%'
         AND (SELECT count(*) FROM payments p WHERE p.bill_id = b.id AND p.status = 'paid') <> (b.status = 'paid');
       SELECT count(*) AS n FROM bank_credits c WHERE NOT ((c.outcome = 'matched' AND c.payment_id IS NOT NULL)
         OR (c.outcome = 'exception' AND EXISTS (SELECT 1 FROM payment_exceptions e WHERE e.bank_credit_id = c.id AND e.status = 'open')))`,
    );
    const counts = {
      creditsWritten: credits.n - before[0],
      creditsSent: sent.uniqueCredits,
      openExceptionsNew: exceptions.n - before[1],
      openExceptionsExpected: secondTransfers.length + unmatched.length,
      paidBills: paidBills.n,
      paidPayments: paidPayments.n,
      bills: BILLS,
      billsWhosePaymentsDisagree: oddBills.n,
      creditsNeitherAppliedNorOpen: unappliedCredits.n,
    };
    report.resends = resends;
    report.integrity = { checkIntegrity: check.status === 0, admin: integrity.body?.ok === true, counts, sent };
    console.log(JSON.stringify(report.integrity));
    if (counts.creditsWritten !== counts.creditsSent) fail(`credits written ${counts.creditsWritten}, sent ${counts.creditsSent}`);
    if (counts.openExceptionsNew !== counts.openExceptionsExpected)
      fail(`open exceptions ${counts.openExceptionsNew}, expected ${counts.openExceptionsExpected}`);
    if (counts.paidBills !== BILLS || counts.paidPayments !== BILLS)
      fail(`paid bills ${counts.paidBills}, paid payments ${counts.paidPayments}`);
    if (counts.billsWhosePaymentsDisagree !== 0) fail(`${counts.billsWhosePaymentsDisagree} bills whose paid payments disagree`);
    if (counts.creditsNeitherAppliedNorOpen !== 0) fail(`${counts.creditsNeitherAppliedNorOpen} credits neither applied nor open`);
  } finally {
    await server.stop();
    removeState(state);
  }
  console.log(`\n${JSON.stringify({ date: new Date().toISOString(), ...report })}`);
  console.log(problems.length === 0 ? '\n✓ Nothing lost, nothing doubled.' : `\n✗ ${problems.length} problem(s):\n${problems.join('\n')}`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}

await main();
