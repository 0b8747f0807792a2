// Throughput of the statement matcher (and of the statement CSV parser), in memory.
//
//   npm run bench                          # via bench/run.mjs, with --expose-gc
//   npx node bench/matcher.bench.mjs       # without GC control: heap numbers are rougher
//
// Node runs the TypeScript modules directly by stripping types, which is why they import
// each other with `.ts` extensions. Data are generated from a fixed seed, so every run
// measures the same statements; see BENCHMARKS.md for recorded results.
import os from 'node:os';
import { newPaymentReference } from '../worker/src/domain/codes.ts';
import { parseStatementCsv } from '../worker/src/domain/statement-csv.ts';
import { matchStatement } from '../worker/src/domain/statement-matcher.ts';

const TARGET_LINES_PER_SECOND = 250_000;
/**
 * Lines per second of the first recorded run (2026-11-30, BENCHMARKS.md), which later runs are
 * compared with. Keep it as it is: a new baseline makes old ratios meaningless.
 */
const BASELINE = {
  'matchStatement, 100,000 lines': 340_635,
  'matchStatement, 1,000,000 lines': 331_403,
  'parseStatementCsv, 100,000 lines': 218_800,
};
const SIZES = [100_000, 1_000_000];
const RUNS = 3;
const CSV_LINES = 100_000;
const ACCOUNT = '0011001234567';

// ---------------------------------------------------------------- seeded randomness
function xorshift32(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}
const next = xorshift32(20250601);
const randomInt = (max) => next() % max;
const randomBytes = (count) => {
  const bytes = new Uint8Array(count);
  for (let index = 0; index < count; index += 1) bytes[index] = next() & 0xff;
  return bytes;
};
const digits = (count) => {
  let text = '';
  for (let index = 0; index < count; index += 1) text += String(randomInt(10));
  return text;
};
const pick = (items) => items[randomInt(items.length)];

// ---------------------------------------------------------------- realistic descriptions
const NAMES = ['NGUYEN THE HUNG', 'TRAN THI MAI', 'LE VAN NAM', 'PHAM NGOC ANH', 'HOANG DUC MINH', 'VU THI LAN'];
const ACCENTED = ['Thanh toán phí chợ kiốt A12', 'Nộp học phí tháng 6', 'Đóng viện phí', 'Chuyển tiền đơn hàng'];

/** A description carrying `reference`, in one of the shapes banks produce (docs/bank-transfer-content.md). */
function describe(reference) {
  const name = pick(NAMES);
  switch (randomInt(8)) {
    case 0:
    case 1:
      return `MBVCB.${digits(10)}.${digits(6)}.${reference} chuyen tien.CT tu ${digits(13)} ${name} toi ${digits(9)} NGUYEN NGOC DIEP tai VPBANK`;
    case 2:
      return `${digits(6)}.${digits(6)}.${digits(6)}.${digits(11)}-${digits(10)}-${reference.toLowerCase()} ri khung`;
    case 3:
      return `${name} chuyen tien ${reference} (by TPBank ChatPay)`;
    case 4:
      return `${reference} PHI CHO`; // channels that cap the content at ~19 characters
    case 5:
      return `${name} ck ${reference.slice(0, 7)}\n${reference.slice(7)} cam on`; // wrapped over two lines
    case 6:
      return `${pick(ACCENTED)} ${reference.slice(0, 5)} ${reference.slice(5)}`; // diacritics kept, split
    default:
      return `MBVCB.${digits(10)}.${digits(6)}.${reference.toLowerCase()}chuyen tien.CT tu${digits(13)} ${name}`;
  }
}

/** A description without any reference. */
function describeWithoutReference() {
  switch (randomInt(3)) {
    case 0:
      return `//SAL2023304S${digits(15)}//LUONG T6//`;
    case 1:
      return `${digits(6)}.${digits(6)}.${digits(6)}.${digits(11)}-${digits(10)}-ung ho lu lut`;
    default:
      return `${pick(NAMES)} chuyen tien ${pick(ACCENTED).toUpperCase()}`;
  }
}

function withBrokenCheck(reference) {
  const last = reference.charAt(9);
  return reference.slice(0, 9) + (last === '2' ? '3' : '2');
}

// ---------------------------------------------------------------- statements
const DAY_MS = 86_400_000;
const START_MS = Date.parse('2025-06-01T01:00:00.000Z');

/**
 * A statement of `size` lines: 70% pay a known pending payment by reference, the rest
 * are faults of every kind the matcher distinguishes.
 */
function generate(size) {
  const paymentsByReference = new Map();
  const confirmedTransactionIds = new Set();
  const openTargets = [];
  const lines = [];
  let paymentCount = 0;

  const newPayment = (amount, bookedMs, overrides = {}) => {
    const reference = newPaymentReference(randomBytes);
    paymentCount += 1;
    const payment = {
      id: `pay_${paymentCount}`,
      reference,
      amount,
      status: 'pending',
      expiresAt: new Date(bookedMs + 2 * 3_600_000).toISOString(),
      payeeAccountNo: ACCOUNT,
      billId: randomInt(2) === 0 ? `bill_${paymentCount}` : null,
      orderId: null,
      ...overrides,
    };
    paymentsByReference.set(reference, payment);
    return payment;
  };

  for (let index = 0; index < size; index += 1) {
    const bookedMs = START_MS + Math.floor((index / size) * 30 * DAY_MS);
    const bookedAt = new Date(bookedMs).toISOString();
    const amount = (1 + randomInt(200)) * 5_000;
    const line = { lineNumber: index + 2, transactionId: `FT25${String(index).padStart(10, '0')}`, bookedAt, amount, description: '' };
    const roll = randomInt(100);
    if (roll < 70) {
      line.description = describe(newPayment(amount, bookedMs).reference);
    } else if (roll < 73 && lines.length > 0) {
      lines.push({ ...lines[randomInt(lines.length)], lineNumber: index + 2 }); // a duplicated line
      continue;
    } else if (roll < 76) {
      line.description = describe(newPayment(amount + 1_000, bookedMs).reference); // wrong amount
    } else if (roll < 79) {
      line.description = describe(newPaymentReference(randomBytes)); // valid, but not ours
    } else if (roll < 82) {
      line.description = describe(withBrokenCheck(newPaymentReference(randomBytes)));
    } else if (roll < 85) {
      const late = newPayment(amount, bookedMs - 3 * 3_600_000); // expired an hour before
      line.description = describe(late.reference);
    } else if (roll < 87) {
      line.description = describe(newPayment(amount, bookedMs, { status: 'paid' }).reference);
    } else if (roll < 90) {
      line.description = describe(newPayment(amount, bookedMs).reference);
      confirmedTransactionIds.add(line.transactionId); // a notification got here first
    } else {
      // No reference: 0, 1 or 2 open targets with the same amount and a near date.
      line.amount = 1_000_000 + index; // amounts unique to this line, so targets fit it alone
      line.description = describeWithoutReference();
      const date = new Date(bookedMs + 7 * 3_600_000).toISOString().slice(0, 10);
      const fitting = randomInt(3);
      for (let target = 0; target < fitting; target += 1) {
        openTargets.push({ kind: target === 0 ? 'bill' : 'payment', id: `open_${index}_${target}`, amount: line.amount, date });
      }
    }
    lines.push(line);
  }
  // Open targets that fit nothing in this statement, as on a real account.
  for (let index = 0; index < 2_000; index += 1) {
    openTargets.push({ kind: 'bill', id: `unrelated_${index}`, amount: (1 + randomInt(200)) * 5_000, date: '2025-01-15' });
  }
  return { lines, state: { accountNumber: ACCOUNT, confirmedTransactionIds, paymentsByReference, openTargets } };
}

// ---------------------------------------------------------------- measuring
const gc = globalThis.gc ?? null;

/**
 * One timed run. Heap Δ is heapUsed just after the run minus just before it, from a
 * collected heap when gc is exposed: the result plus whatever garbage is still
 * uncollected, an estimate of the peak the run adds, not an exact peak.
 */
function measure(run) {
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const result = run();
  const seconds = (performance.now() - started) / 1000;
  const heapAfter = process.memoryUsage().heapUsed;
  return { seconds, heapDelta: heapAfter - heapBefore, result };
}

/** The fastest of `runs` runs, with the largest heap growth seen in any of them. */
function bestOf(runs, run) {
  let best = null;
  for (let index = 0; index < runs; index += 1) {
    const measured = measure(run);
    if (best === null || measured.seconds < best.seconds)
      best = { ...measured, heapDelta: Math.max(measured.heapDelta, best?.heapDelta ?? 0) };
    else best.heapDelta = Math.max(best.heapDelta, measured.heapDelta);
  }
  return best;
}

const format = (value) => Math.round(value).toLocaleString('en-US');
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function renderCsv(lines) {
  const quote = (text) => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
  const rows = ['bookedAt,amount,description,transactionId'];
  for (const line of lines) rows.push(`${line.bookedAt},${line.amount},${quote(line.description)},${line.transactionId}`);
  return rows.join('\n');
}

// ---------------------------------------------------------------- main
console.log(
  `node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), gc ${gc ? 'exposed' : 'not exposed (run via npm run bench)'}`,
);

// Warm-up on a statement of its own, so the JIT has optimised the hot paths before
// anything is timed.
{
  const warm = generate(50_000);
  for (let round = 0; round < 3; round += 1) matchStatement(warm.lines, warm.state);
}

// One statement at a time, generated just before it is measured and dropped after: a
// worker holds one statement, and a heap full of other statements would make every
// garbage collection slower than it is in real use.
const rows = [];
let csvSource = null;
for (const size of SIZES) {
  const { lines, state } = generate(size);
  if (csvSource === null) csvSource = lines.slice(0, CSV_LINES);
  const best = bestOf(RUNS, () => matchStatement(lines, state));
  const { counts } = best.result;
  const exceptions = Object.entries(counts.exceptions)
    .map(([type, count]) => `${type} ${count}`)
    .join(', ');
  rows.push({
    what: `matchStatement, ${format(size)} lines`,
    perSecond: lines.length / best.seconds,
    seconds: best.seconds,
    heapDelta: best.heapDelta,
    note: `matched ${counts.matched}, already confirmed ${counts.alreadyConfirmed}; ${exceptions}`,
  });
}

{
  // The generator duplicates lines on purpose; a CSV file must not (the parser rejects it),
  // so duplicates get a fresh transaction id.
  const seen = new Set();
  const unique = csvSource.map((line, index) => {
    if (seen.has(line.transactionId)) return { ...line, transactionId: `DUP${index}` };
    seen.add(line.transactionId);
    return line;
  });
  const csv = renderCsv(unique);
  for (let round = 0; round < 2; round += 1) parseStatementCsv(csv); // warm-up
  const best = bestOf(RUNS, () => parseStatementCsv(csv));
  rows.push({
    what: `parseStatementCsv, ${format(unique.length)} lines`,
    perSecond: unique.length / best.seconds,
    seconds: best.seconds,
    heapDelta: best.heapDelta,
    note: `${(csv.length / 1e6).toFixed(1)} million characters of CSV, ${best.result.credits.length} credits`,
  });
}

console.log('');
console.log('| benchmark | lines/s | vs baseline | best of 3 | heap Δ | notes |');
console.log('|---|---:|---:|---:|---:|---|');
for (const row of rows) {
  const baseline = BASELINE[row.what] ?? null;
  const ratio = baseline === null ? 'n/a' : `×${(row.perSecond / baseline).toFixed(2)}`;
  console.log(
    `| ${row.what} | ${format(row.perSecond)} | ${ratio} | ${(row.seconds * 1000).toFixed(0)} ms | ${mb(row.heapDelta)} | ${row.note} |`,
  );
}
const slowest = Math.min(...rows.filter((row) => row.what.startsWith('matchStatement')).map((row) => row.perSecond));
console.log('');
console.log(
  `target: matchStatement >= ${format(TARGET_LINES_PER_SECOND)} lines/s: ${slowest >= TARGET_LINES_PER_SECOND ? 'MET' : 'NOT MET'} (slowest ${format(slowest)})`,
);
