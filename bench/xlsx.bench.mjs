// Throughput and memory of the bank Excel statement parser (worker/src/domain/statement-xlsx.ts),
// one 100,000-line file per bank layout, against the CSV parser on the same lines (the baseline).
//
//   npm run bench -- xlsx        # via bench/run.mjs, with --expose-gc
//
// The files are built once in this process with the writer the tests use (worker/test/xlsx.ts)
// and written to a temporary folder; each layout is then parsed in a child Node of its own, so
// that its peak memory is the child's own high-water mark (getrusage maxRSS) and not that of
// building the files. The route's 10.000-row cap does not apply here: the domain function is
// called directly with a cap above the file's size.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const LINES = Number(process.env.BENCH_XLSX_LINES ?? 100_000);
const RUNS = 3;
const ACCOUNT = '1012345678';
const self = fileURLToPath(import.meta.url);

// ---------------------------------------------------------------- child: parse one file
if (process.argv[2] === '--parse') {
  const [, , , kind, file] = process.argv;
  const { parseStatementXlsx } = await import('../worker/src/domain/statement-xlsx.ts');
  const { parseStatementCsv } = await import('../worker/src/domain/statement-csv.ts');
  const account = process.argv[5];
  const bytes = readFileSync(file);
  const text = kind === 'csv' ? bytes.toString('utf8') : null;
  const parse = async () =>
    kind === 'csv' ? parseStatementCsv(text) : parseStatementXlsx(new Uint8Array(bytes), { accountNumber: account, maxRows: LINES * 2 });
  globalThis.gc?.();
  const before = process.memoryUsage();
  const rssBefore = before.rss;
  let best = Number.POSITIVE_INFINITY;
  let heapDelta = 0;
  let parsed;
  for (let run = 0; run < RUNS; run++) {
    parsed = undefined;
    globalThis.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const start = performance.now();
    parsed = await parse();
    best = Math.min(best, performance.now() - start);
    heapDelta = Math.max(heapDelta, process.memoryUsage().heapUsed - heapBefore);
  }
  const peakRss = process.resourceUsage().maxRSS * 1024;
  console.log(
    JSON.stringify({
      ms: best,
      credits: parsed.credits.length,
      debits: parsed.debits.length,
      heapDelta,
      rssBefore,
      peakRssAbove: peakRss - rssBefore,
    }),
  );
  process.exit(0);
}

// ---------------------------------------------------------------- parent: build the files
const { buildXlsx, excelSerial } = await import('../worker/test/xlsx.ts');
const { checkCharacter } = await import('../worker/src/domain/codes.ts');

/** One line's content, the same for every layout and for the CSV: a credit, every tenth a debit. */
function line(i) {
  const day = (i % 28) + 1;
  const hour = 7 + (i % 12);
  const minute = i % 60;
  const payload = `CS${'23456789ABCDEFGH'[i % 16]}${'JKMNPQRS'[Math.floor(i / 16) % 8]}${'TUVWXYZ2'[Math.floor(i / 128) % 8]}Z9KM`;
  const description =
    i % 3 === 0
      ? `MBVCB.${4530998360 + i}.029552.${payload}${checkCharacter(payload)}.CT tu 0351000646393 NGUYEN VAN A`
      : i % 3 === 1
        ? `TKThe :0351000646393, tu NGUYEN THI B chuyen tien cho ${i}`
        : `IBFT ${payload.slice(0, 6)}\n${payload.slice(6)}${checkCharacter(payload)} tien cho kiot ${i % 400}`;
  return {
    day,
    hour,
    minute,
    serial: excelSerial(2026, 12, day, hour, minute),
    dateText: `${String(day).padStart(2, '0')}/12/2026 ${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00`,
    amount: 10_000 + (i % 997) * 1_000,
    debit: i % 10 === 9,
    description,
    reference: `FT26${String(i).padStart(8, '0')}`,
  };
}

const vnd = (amount) => amount.toLocaleString('en-US');
const dotted = (amount) => amount.toLocaleString('de-DE');

/** Each bank's sheet: its title rows and header as in statement-xlsx.test.ts, then `LINES` lines. */
const LAYOUTS = [
  {
    bank: 'Vietcombank',
    sheet: () => ({
      name: 'Sheet1',
      rows: [
        ['NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM'],
        ['SAO KÊ TÀI KHOẢN'],
        [`Số tài khoản: ${ACCOUNT}`],
        ['Loại tiền / Currency: VND'],
        [],
        ['STT', 'Ngày giao dịch', 'Số tham chiếu', 'Số tiền ghi nợ', 'Số tiền ghi có', 'Mô tả'],
        ...Array.from({ length: LINES }, (_, i) => {
          const l = line(i);
          return [
            { number: i + 1 },
            { dateTime: l.serial },
            { inline: l.reference },
            l.debit ? { number: l.amount } : null,
            l.debit ? null : { number: l.amount },
            { inline: l.description },
          ];
        }),
        ['', 'Tổng', null, null, null, null],
      ],
    }),
  },
  {
    bank: 'Vietcombank CashUp',
    sheet: () => ({
      name: 'Sheet1',
      rows: [
        ['VCB CASHUP'],
        ['SAO KÊ TÀI KHOẢN STATEMENT OF ACCOUNT'],
        ['Số tài khoản/ Account Number: 0011000111222'],
        ['Ngày', 'Số tham chiếu', 'Nợ', 'Có', 'Số dư', 'Nội dung'],
        ['01/12/2026', 'OTHER1', '', '500000', '', 'HS001 hoc phi'],
        [`Số tài khoản/ Account Number: ${ACCOUNT}`],
        ['Số dư đầu kỳ/ Opening balance :', '0'],
        ['Ngày', 'Số tham chiếu', 'Nợ', 'Có', 'Số dư', 'Nội dung'],
        ...Array.from({ length: LINES }, (_, i) => {
          const l = line(i);
          return [
            { inline: l.dateText.slice(0, 16) },
            { inline: l.reference },
            { inline: l.debit ? dotted(l.amount) : '' },
            { inline: l.debit ? '' : dotted(l.amount) },
            '',
            { inline: l.description },
          ];
        }),
        ['Số dư cuối kỳ/ Closing balance :', '0'],
      ],
    }),
  },
  {
    bank: 'BIDV',
    sheet: () => ({
      name: 'Sheet1',
      rows: [
        ['NGÂN HÀNG TMCP ĐẦU TƯ VÀ PHÁT TRIỂN VIỆT NAM'],
        ['BÁO CÁO CHI TIẾT SỐ DƯ TÀI KHOẢN'],
        [`Số tài khoản: ${ACCOUNT}`],
        ['STT', 'Ngày hiệu lực', 'Ghi nợ', 'Ghi có', 'Số dư', 'Mô tả', 'Số tham chiếu'],
        ['', 'Dư đầu', '', '', '0', '', ''],
        ...Array.from({ length: LINES }, (_, i) => {
          const l = line(i);
          return [
            { number: i + 1 },
            { inline: l.dateText },
            { inline: l.debit ? `${vnd(l.amount)} VND` : '' },
            { inline: l.debit ? '' : `${vnd(l.amount)} VND` },
            '',
            { inline: l.description },
            { inline: l.reference },
          ];
        }),
        ['', 'Dư cuối', '', '', '0', '', ''],
      ],
    }),
  },
  {
    bank: 'MB',
    sheet: () => ({
      name: 'Sheet1',
      rows: [
        ['NGÂN HÀNG TMCP QUÂN ĐỘI'],
        ['SAO KÊ CHI TIẾT TÀI KHOẢN'],
        [`Tài khoản/Account No: ${ACCOUNT}`],
        [
          'STT\nNo',
          'Ngày giao dịch\nTransaction date',
          'Ngày hạch toán / Posting date',
          'Số bút toán / Reference',
          'Phát sinh nợ / Debit',
          'Phát sinh có / Credit',
          'Nội dung / Description',
        ],
        ...Array.from({ length: LINES }, (_, i) => {
          const l = line(i);
          return [
            { number: i + 1 },
            { dateTime: l.serial },
            { date: excelSerial(2026, 12, l.day) },
            { inline: l.reference },
            l.debit ? { number: l.amount } : '',
            l.debit ? '' : { number: l.amount },
            { inline: l.description },
          ];
        }),
      ],
    }),
  },
  {
    bank: 'ACB',
    sheet: () => ({
      name: 'Statement',
      rows: [
        ['NGÂN HÀNG TMCP Á CHÂU'],
        ['BẢNG SAO KÊ GIAO DỊCH'],
        ['Số dư đầu', '0'],
        ['Ngày hiệu lực', 'Số GD', 'Tiền rút ra', 'Tiền gửi vào', 'Số dư', 'Nội dung giao dịch'],
        ...Array.from({ length: LINES }, (_, i) => {
          const l = line(i);
          return [
            { inline: l.dateText.slice(0, 10) },
            { inline: l.reference },
            { inline: l.debit ? dotted(l.amount) : '' },
            { inline: l.debit ? '' : dotted(l.amount) },
            '',
            { inline: l.description },
          ];
        }),
      ],
    }),
  },
  {
    bank: 'VietinBank',
    sheet: () => {
      // No reference column: ids come from the line's content. One date cell merged over each
      // run of ten lines, as eFAST merges a day's lines.
      const rows = [
        ['NGÂN HÀNG TMCP CÔNG THƯƠNG VIỆT NAM'],
        ['LỊCH SỬ GIAO DỊCH - TRANSACTION HISTORY'],
        ['STT', 'Ngày hạch toán', 'Mô tả giao dịch', 'Nợ / Debit', 'Có / Credit', 'Số dư / Balance'],
      ];
      const merges = [];
      for (let i = 0; i < LINES; i++) {
        const l = line(i);
        const first = i % 10 === 0;
        if (first && i + 9 < LINES) merges.push(`B${rows.length + 1}:B${rows.length + 10}`);
        rows.push([
          { number: i + 1 },
          first ? { date: excelSerial(2026, 12, ((Math.floor(i / 10) % 28) + 1) | 0) } : null,
          { inline: `${l.description} #${i}` },
          l.debit ? { number: l.amount } : '',
          l.debit ? '' : { number: l.amount },
          '',
        ]);
      }
      return { name: 'Sheet1', rows, merges };
    },
  },
];

/** The same lines as a generic CSV, which statement-csv.ts reads: the baseline. */
function csvStatement() {
  const rows = ['bookedAt,amount,description,transactionId'];
  for (let i = 0; i < LINES; i++) {
    const l = line(i);
    rows.push(`${l.dateText},${l.debit ? -l.amount : l.amount},"${l.description}",${l.reference}`);
  }
  return `${rows.join('\n')}\n`;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'choso-xlsx-bench-'));
try {
  const files = [{ name: 'CSV (baseline)', kind: 'csv', file: path.join(dir, 'statement.csv'), bytes: 0 }];
  const csv = csvStatement();
  writeFileSync(files[0].file, csv);
  files[0].bytes = Buffer.byteLength(csv);
  for (const layout of LAYOUTS) {
    const bytes = buildXlsx([layout.sheet()]);
    const file = path.join(dir, `${layout.bank.replace(/\W+/g, '-')}.xlsx`);
    writeFileSync(file, bytes);
    files.push({ name: layout.bank, kind: 'xlsx', file, bytes: bytes.length });
  }

  console.log(
    `${LINES.toLocaleString('en-US')} lines per file, best of ${RUNS}; ${os.cpus()[0]?.model} × ${os.cpus().length}, Node ${process.version}`,
  );
  const results = [];
  for (const { name, kind, file, bytes } of files) {
    const child = spawnSync(process.execPath, ['--expose-gc', self, '--parse', kind, file, ACCOUNT], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`${name}: ${child.stderr}`);
    const measured = JSON.parse(child.stdout.trim().split('\n').at(-1));
    if (measured.credits + measured.debits !== LINES)
      throw new Error(`${name}: read ${measured.credits} + ${measured.debits} lines, not ${LINES}`);
    results.push({ name, bytes, ...measured, linesPerSecond: LINES / (measured.ms / 1000) });
  }
  const baseline = results[0].linesPerSecond;
  const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  console.log('| layout | file | best of 3 | lines/s | × CSV | heap Δ | peak RSS above start |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    console.log(
      `| ${r.name} | ${mb(r.bytes)} | ${Math.round(r.ms).toLocaleString('en-US')} ms | ${Math.round(r.linesPerSecond).toLocaleString('en-US')} | ×${(r.linesPerSecond / baseline).toFixed(2)} | ${mb(r.heapDelta)} | ${mb(r.peakRssAbove)} |`,
    );
  }
  console.log(JSON.stringify(results));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
