// `npm run bench -- requests`: CPU time and D1 rows read per request for the hot routes, each
// as a ratio to GET /api/health (a route that touches nothing) served by the same process.
//
// The built worker (web/dist/server, as deployed) runs in workerd through Miniflare's own API,
// with no inspector and no dev proxy in front of it (wrangler's own config reader gives the
// bindings). CPU time is the workerd process's own accounting (/proc/<pid>/stat, user + system,
// all threads, including the local D1's SQLite, which in production runs elsewhere) over
// hundreds or thousands of sequential requests per route. Rows read come from D1's
// `meta.rows_read`, summed per request by the worker when MEASURE_D1_READS=1 (db/resilient-d1.ts).
import { createHmac } from 'node:crypto';
import { newBillCode } from '../worker/src/domain/codes.ts';
import { DEMO_PASSWORD } from '../worker/src/seed/statements.ts';
import { BARE_WORKER, startMiniflare } from './miniflare.mjs';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const BANK_SECRET = 'bench-bank-secret';
const { mf, db, cpuMs, stop } = await startMiniflare({
  bindings: { ENVIRONMENT: 'development', BANK_WEBHOOK_SECRET: BANK_SECRET, STRIPE_SECRET_KEY: '', MEASURE_D1_READS: '1' },
  withBare: true,
});
// The bare worker (bench/bare/worker.mjs) in the same process: what one D1 query costs here with
// no framework, middleware or rendering, the floor under any request that misses the cache.
const bare = await mf.getWorker(BARE_WORKER);

let addressCounter = 0;
/** A different client address each time, so per-client rate limits don't answer instead of the route. */
const address = () => {
  addressCounter += 1;
  return `2001:db8:${(addressCounter >> 16).toString(16)}:${(addressCounter & 0xffff).toString(16)}::1`;
};

async function call(request) {
  const send = request.worker ? request.worker.fetch.bind(request.worker) : mf.dispatchFetch.bind(mf);
  const res = await send(`http://127.0.0.1${request.path}`, {
    method: request.method ?? 'GET',
    headers: { 'CF-Connecting-IP': address(), ...(request.headers ?? {}) },
    body: request.body,
  });
  const rows = Number(res.headers.get('X-D1-Rows-Read') ?? 0);
  const queries = Number(res.headers.get('X-D1-Queries') ?? 0);
  await res.arrayBuffer();
  if (res.status >= 400) throw new Error(`${request.method ?? 'GET'} ${request.path} → ${res.status}`);
  return { rows, queries };
}

async function measure(name, count, next, perUnit = 1) {
  for (let i = 0; i < Math.min(50, count); i += 1) await call(await next(i, true));
  const requests = [];
  for (let i = 0; i < count; i += 1) requests.push(await next(i, false));
  const start = cpuMs();
  const startWall = performance.now();
  let rows = 0;
  let queries = 0;
  for (const request of requests) {
    const counted = await call(request);
    rows += counted.rows;
    queries += counted.queries;
  }
  const cpu = cpuMs() - start;
  return {
    name,
    count,
    cpuMsPer: cpu / count / perUnit,
    wallMsPer: (performance.now() - startWall) / count / perUnit,
    rowsPer: rows / count / perUnit,
    queriesPer: queries / count / perUnit,
  };
}

// Data for the routes: a product, a bill, fresh bills to pay, the market manager's session.
const product = (await db.prepare("SELECT id FROM products WHERE status = 'active' ORDER BY id LIMIT 1").first()).id;
const billCode = (await db.prepare("SELECT code FROM bills WHERE status = 'open' ORDER BY code LIMIT 1").first()).code;
const freshBills = async (n) => {
  const codes = Array.from({ length: n }, () => newBillCode());
  for (let i = 0; i < codes.length; i += 50) {
    await db.batch(
      codes.slice(i, i + 50).map((code) =>
        db
          .prepare(`INSERT INTO bills (id, code, biller_id, type, payer_name, payer_ref, description, amount, due_date)
                    VALUES (?1, ?2, 'org_school_dinh_bang', 'tuition', 'Ngô Văn Nam', 'HS-B', 'Học phí thử', 350000, '2026-12-31')`)
          .bind(`bil_${code}`, code),
      ),
    );
  }
  return codes;
};
const login = await mf.dispatchFetch('http://127.0.0.1/api/v1/auth/login', {
  method: 'POST',
  headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': address() },
  body: JSON.stringify({ email: 'market@choso.test', password: DEMO_PASSWORD }),
});
const { token } = await login.json();
const market = await db.prepare("SELECT bank_account_no AS account FROM organizations WHERE kind = 'market_board' LIMIT 1").first();

const N = Math.round(2000 * SCALE);
const results = [];
results.push(await measure('GET /api/health (baseline)', N, () => ({ path: '/api/health' })));
results.push(await measure('bare worker: GET /api/health', N, () => ({ path: '/api/health', worker: bare })));
results.push(await measure('bare worker: the catalogue list query, no framework', N, () => ({ path: '/api/v1/products', worker: bare })));
results.push(
  await measure('bare worker: a session lookup, then the list query', N, () => ({ path: '/api/v1/products?session=1', worker: bare })),
);
results.push(await measure('GET /api/v1/products?limit=24', N, () => ({ path: '/api/v1/products?limit=24' })));
results.push(
  await measure('GET /api/v1/products?q=mật ong&limit=24', N, () => ({
    path: `/api/v1/products?q=${encodeURIComponent('mật ong')}&limit=24`,
  })),
);
results.push(await measure('GET /api/v1/products/:id', N, () => ({ path: `/api/v1/products/${product}` })));
results.push(await measure('GET /san-pham (SSR)', N / 2, () => ({ path: '/san-pham' })));
results.push(await measure('GET /san-pham/:id (SSR)', N / 2, () => ({ path: `/san-pham/${product}` })));
results.push(await measure('GET / (SSR)', N / 2, () => ({ path: '/' })));
// The same reads when they miss the cache (a signed-in visitor bypasses it; the cookie's session
// lookup adds one query): what a first visit after a catalogue change costs.
const uncached = { Cookie: 'choso_session=bench-not-a-session' };
results.push(
  await measure('GET /api/v1/products?limit=24, uncached', N / 2, () => ({ path: '/api/v1/products?limit=24', headers: uncached })),
);
results.push(
  await measure('GET /api/v1/products?category=food&minStars=4&limit=24, uncached', N / 2, () => ({
    path: '/api/v1/products?category=food&minStars=4&limit=24',
    headers: uncached,
  })),
);
results.push(await measure('GET /san-pham (SSR), uncached', N / 4, () => ({ path: '/san-pham', headers: uncached })));
results.push(await measure('GET /san-pham/:id (SSR), uncached', N / 4, () => ({ path: `/san-pham/${product}`, headers: uncached })));
results.push(await measure('GET /api/v1/bills/lookup/:code', N, () => ({ path: `/api/v1/bills/lookup/${billCode}` })));

const payCount = Math.round(500 * SCALE);
const payBills = await freshBills(payCount + 50);
const payments = [];
results.push(
  await measure('POST /api/v1/payments (VietQR, with its QR)', payCount, async (i, warm) => ({
    method: 'POST',
    path: '/api/v1/payments',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
    body: JSON.stringify({ billCode: payBills[warm ? payCount + i : i], method: 'vietqr' }),
  })),
);
for (const row of (
  await db.prepare("SELECT id, reference, amount, payee_account_no FROM payments WHERE status = 'pending' AND method = 'vietqr'").all()
).results) {
  payments.push(row);
}
const signed = (body) => {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', BANK_SECRET).update(`${timestamp}.${body}`).digest('hex');
  return { 'Content-Type': 'application/json', 'X-Bank-Timestamp': timestamp, 'X-Bank-Signature': signature };
};
results.push(
  await measure('POST /api/v1/webhooks/bank (pays a payment)', Math.min(payCount, payments.length - 50), async (i, warm) => {
    const payment = payments[warm ? payments.length - 1 - i : i];
    const body = JSON.stringify({
      transactionId: `FT${Date.now()}${i}${warm ? 'w' : ''}`,
      accountNumber: payment.payee_account_no,
      amount: payment.amount,
      description: `MBVCB.4530998360.029552.${payment.reference} chuyen tien`,
      bookedAt: new Date().toISOString(),
    });
    return { method: 'POST', path: '/api/v1/webhooks/bank', headers: signed(body), body };
  }),
);

const LINES = 500;
let statementCounter = 0;
const statement = () => {
  statementCounter += 1;
  const lines = ['bookedAt,amount,description,transactionId'];
  for (let i = 0; i < LINES; i += 1)
    lines.push(`2026-11-30T08:00:00+07:00,${50000 + i},CHUYEN TIEN KHONG MA ${i},BENCH${statementCounter}-${i}`);
  return lines.join('\n');
};
results.push(
  await measure(
    `POST /api/v1/reconciliation/statements (per line, ${LINES}-line files)`,
    Math.max(3, Math.round(6 * SCALE)),
    async () => {
      const form = new FormData();
      form.set('file', new Blob([statement()], { type: 'text/csv' }), 'sao-ke.csv');
      form.set('accountNumber', market.account);
      // Encoded here, as a browser would, so the worker gets the multipart body and its boundary.
      const encoded = new Response(form);
      const headers = { Authorization: `Bearer ${token}`, 'Content-Type': encoded.headers.get('content-type') };
      return { method: 'POST', path: '/api/v1/reconciliation/statements', headers, body: new Uint8Array(await encoded.arrayBuffer()) };
    },
    LINES,
  ),
);

await stop();

const base = results[0];
const fmt = (n, digits = 2) => n.toFixed(digits);
console.log(`\nCPU and D1 reads per request (workerd through Miniflare, no inspector, ${process.env.BENCH_SCALE ?? 1}× counts)\n`);
console.log('| route | requests | CPU ms/req | × health | wall ms/req | D1 rows read/req | D1 queries/req |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  console.log(
    `| ${r.name} | ${r.count} | ${fmt(r.cpuMsPer, 3)} | ${fmt(r.cpuMsPer / base.cpuMsPer, 1)} | ${fmt(r.wallMsPer, 3)} | ${fmt(r.rowsPer, 1)} | ${fmt(r.queriesPer, 1)} |`,
  );
}
