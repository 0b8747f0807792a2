import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StatementLine } from './bank-credit';
import { MAX_AMOUNT } from './money';
import { type ParsedStatement, parseStatementCsv, StatementFormatError } from './statement-csv';

const HEADER = 'bookedAt,amount,description,transactionId';

/** Catches the StatementFormatError that parsing `csv` must throw. */
function formatError(csv: string): StatementFormatError {
  try {
    parseStatementCsv(csv);
  } catch (error) {
    if (error instanceof StatementFormatError) return error;
    throw error;
  }
  throw new Error('expected a StatementFormatError, but the file was accepted');
}

type Credit = Omit<StatementLine, 'lineNumber'> & { lineNumber?: number };
type Expected = Omit<ParsedStatement, 'credits'> & { credits: Credit[] };

describe('parseStatementCsv reads', () => {
  const cases: Array<[string, string, Expected]> = [
    [
      'a generic file, with every date form, a debit and columns in another order',
      [
        'transactionId,description,amount,bookedAt',
        'FT001,CS7KQM2X9G chuyen tien,350000,2025-06-01T10:15:00+07:00',
        'FT002,Phi quan ly,-20000,2025-06-01T04:00:00Z',
        'FT003,"NGUYEN VAN A, chuyen tien",120000,2025-06-02',
        'FT004,"noi ""dung"" co ngoac",1000,03/06/2025 08:30',
        'FT005,het ngay,5000,2025-06-03 23:59:59',
      ].join('\n'),
      {
        format: 'generic',
        debits: [
          { lineNumber: 3, transactionId: 'FT002', bookedAt: '2025-06-01T04:00:00.000Z', amount: 20000, description: 'Phi quan ly' },
        ],
        firstDate: '2025-06-01',
        lastDate: '2025-06-03',
        credits: [
          {
            lineNumber: 2,
            transactionId: 'FT001',
            bookedAt: '2025-06-01T03:15:00.000Z',
            amount: 350000,
            description: 'CS7KQM2X9G chuyen tien',
          },
          {
            lineNumber: 4,
            transactionId: 'FT003',
            bookedAt: '2025-06-01T17:00:00.000Z',
            amount: 120000,
            description: 'NGUYEN VAN A, chuyen tien',
          },
          { lineNumber: 5, transactionId: 'FT004', bookedAt: '2025-06-03T01:30:00.000Z', amount: 1000, description: 'noi "dung" co ngoac' },
          { lineNumber: 6, transactionId: 'FT005', bookedAt: '2025-06-03T16:59:59.000Z', amount: 5000, description: 'het ngay' },
        ],
      },
    ],
    [
      'a Vietcombank export: BOM, title rows, debits, a wrapped description, summary rows',
      [
        '\uFEFFNGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM,,,,',
        'SAO KÊ TÀI KHOẢN / ACCOUNT STATEMENT,,,,',
        'Số tài khoản: 0011001234567,,,,',
        'Từ ngày 01/06/2025 đến ngày 30/06/2025,,,,',
        ',,,,',
        'Ngày giao dịch,Số tham chiếu,Số tiền ghi nợ,Số tiền ghi có,Mô tả',
        'Số dư đầu kỳ,,,,"5,000,000"',
        '01/06/2025 10:15:32,5213.40321,,"350,000",MBVCB.4530998360.029552.CS7KQM2X9G chuyen tien.CT tu 0351000646393',
        '02/06/2025,5213.40322,"20,000",,Phi SMS Banking',
        '03/06/2025,5213.40323,,"1,000,000","thanh toan CS7KQM2',
        'X9G cam on"',
        'Tổng cộng,,"20,000","1,350,000",',
        'Số dư cuối kỳ,,,,"6,330,000"',
        ',,Người lập biểu,,Kế toán trưởng',
        'Ngân hàng TMCP Ngoại thương Việt Nam,,,,',
      ].join('\r\n'),
      {
        format: 'bank_export',
        debits: [
          {
            lineNumber: 9,
            transactionId: '5213.40322',
            bookedAt: '2025-06-01T17:00:00.000Z',
            amount: 20000,
            description: 'Phi SMS Banking',
          },
        ],
        firstDate: '2025-06-01',
        lastDate: '2025-06-03',
        credits: [
          {
            lineNumber: 8,
            transactionId: '5213.40321',
            bookedAt: '2025-06-01T03:15:32.000Z',
            amount: 350000,
            description: 'MBVCB.4530998360.029552.CS7KQM2X9G chuyen tien.CT tu 0351000646393',
          },
          {
            lineNumber: 10,
            transactionId: '5213.40323',
            bookedAt: '2025-06-02T17:00:00.000Z',
            amount: 1000000,
            description: 'thanh toan CS7KQM2\r\nX9G cam on',
          },
        ],
      },
    ],
    [
      'a BIDV export, dots as thousands separators',
      [
        'Ngày hiệu lực,Ghi nợ,Ghi có,Mô tả,Số tham chiếu',
        '05/06/2025,,1.500.000,TKThe :12345. CS7KQM2X9G,BIDV001',
        '05/06/2025,75.000,,Tra lai,BIDV002',
        '06/06/2025,,"2.000.000,00",NOP HOC PHI,BIDV003',
      ].join('\n'),
      {
        format: 'bank_export',
        debits: [{ lineNumber: 3, transactionId: 'BIDV002', bookedAt: '2025-06-04T17:00:00.000Z', amount: 75000, description: 'Tra lai' }],
        firstDate: '2025-06-05',
        lastDate: '2025-06-06',
        credits: [
          {
            lineNumber: 2,
            transactionId: 'BIDV001',
            bookedAt: '2025-06-04T17:00:00.000Z',
            amount: 1500000,
            description: 'TKThe :12345. CS7KQM2X9G',
          },
          { lineNumber: 4, transactionId: 'BIDV003', bookedAt: '2025-06-05T17:00:00.000Z', amount: 2000000, description: 'NOP HOC PHI' },
        ],
      },
    ],
    [
      'an MB export, with the credit as 0 on debit lines and amounts with VND',
      [
        'NGAN HANG TMCP QUAN DOI',
        '',
        'Ngày hạch toán,Số bút toán,Phát sinh nợ,Phát sinh có,Nội dung',
        '10/06/2025 09:00,MB-1,0,"1,234,567 VND",chuyen tien CS7KQM2X9G',
        '10/06/2025 09:30,MB-2,"50,000 VND",0,phi',
      ].join('\n'),
      {
        format: 'bank_export',
        debits: [{ lineNumber: 5, transactionId: 'MB-2', bookedAt: '2025-06-10T02:30:00.000Z', amount: 50000, description: 'phi' }],
        firstDate: '2025-06-10',
        lastDate: '2025-06-10',
        credits: [
          {
            lineNumber: 4,
            transactionId: 'MB-1',
            bookedAt: '2025-06-10T02:00:00.000Z',
            amount: 1234567,
            description: 'chuyen tien CS7KQM2X9G',
          },
        ],
      },
    ],
    [
      'an ACB export with unaccented upper-case headers, units and English in them',
      ['NGAY GD / TXN DATE,MA GD,TIEN RUT RA (VND),TIEN GUI VAO (VND),DIEN GIAI', '11/06/2025,ACB-9,,"1,234,567.00",ung ho lu lut'].join(
        '\n',
      ),
      {
        format: 'bank_export',
        debits: [],
        firstDate: '2025-06-11',
        lastDate: '2025-06-11',
        credits: [
          { lineNumber: 2, transactionId: 'ACB-9', bookedAt: '2025-06-10T17:00:00.000Z', amount: 1234567, description: 'ung ho lu lut' },
        ],
      },
    ],
    [
      'headers with odd spacing and case, and an ACB "Tiền gửi vào"',
      ['  ngày   gd ,  Mã  Gd,Tiền gửi vào,Nội dung giao dịch', '12/06/2025,X1,"12,000",a'].join('\n'),
      {
        format: 'bank_export',
        debits: [],
        firstDate: '2025-06-12',
        lastDate: '2025-06-12',
        credits: [{ lineNumber: 2, transactionId: 'X1', bookedAt: '2025-06-11T17:00:00.000Z', amount: 12000, description: 'a' }],
      },
    ],
    [
      'a ";"-delimited export with commas as decimal separators',
      [
        'SAO KE TAI KHOAN;;;;',
        'Ngày giao dịch;Số tham chiếu;Số tiền ghi nợ;Số tiền ghi có;Mô tả',
        '01/06/2025;R1;;1.234.567,00;TRAN THI MAI, chuyen tien',
        '01/06/2025;R2;;1.000;x',
      ].join('\n'),
      {
        format: 'bank_export',
        debits: [],
        firstDate: '2025-06-01',
        lastDate: '2025-06-01',
        credits: [
          {
            lineNumber: 3,
            transactionId: 'R1',
            bookedAt: '2025-05-31T17:00:00.000Z',
            amount: 1234567,
            description: 'TRAN THI MAI, chuyen tien',
          },
          { lineNumber: 4, transactionId: 'R2', bookedAt: '2025-05-31T17:00:00.000Z', amount: 1000, description: 'x' },
        ],
      },
    ],
    ['a header and no lines', HEADER, { format: 'generic', debits: [], firstDate: null, lastDate: null, credits: [] }],
    [
      'only debits: the dates still count',
      [HEADER, '2025-06-01,-1000,fee,D1', '2025-06-04,-1000,fee,D2'].join('\n'),
      {
        format: 'generic',
        debits: [
          { lineNumber: 2, transactionId: 'D1', bookedAt: '2025-05-31T17:00:00.000Z', amount: 1000, description: 'fee' },
          { lineNumber: 3, transactionId: 'D2', bookedAt: '2025-06-03T17:00:00.000Z', amount: 1000, description: 'fee' },
        ],
        firstDate: '2025-06-01',
        lastDate: '2025-06-04',
        credits: [],
      },
    ],
    [
      'lines newest first: first and last dates are the earliest and latest',
      [HEADER, '2025-06-04,1000,a,A', '2025-06-01,1000,b,B'].join('\n'),
      {
        format: 'generic',
        debits: [],
        firstDate: '2025-06-01',
        lastDate: '2025-06-04',
        credits: [
          { lineNumber: 2, transactionId: 'A', bookedAt: '2025-06-03T17:00:00.000Z', amount: 1000, description: 'a' },
          { lineNumber: 3, transactionId: 'B', bookedAt: '2025-05-31T17:00:00.000Z', amount: 1000, description: 'b' },
        ],
      },
    ],
    [
      'a UTC time just after midnight in Vietnam belongs to the Vietnam date',
      [HEADER, '2025-06-01T17:30:00Z,1000,a,A'].join('\n'),
      {
        format: 'generic',
        debits: [],
        firstDate: '2025-06-02',
        lastDate: '2025-06-02',
        credits: [{ lineNumber: 2, transactionId: 'A', bookedAt: '2025-06-01T17:30:00.000Z', amount: 1000, description: 'a' }],
      },
    ],
    [
      'blank lines and trailing empty cells from Excel',
      ['', `${HEADER},,`, '', '2025-06-01,1000,a,A,,', '   ', ''].join('\n'),
      {
        format: 'generic',
        debits: [],
        firstDate: '2025-06-01',
        lastDate: '2025-06-01',
        credits: [{ lineNumber: 4, transactionId: 'A', bookedAt: '2025-05-31T17:00:00.000Z', amount: 1000, description: 'a' }],
      },
    ],
  ];

  it.each(cases)('%s', (_name, csv, expected) => {
    expect(parseStatementCsv(csv)).toEqual(expected);
  });

  it('a ";"-delimited generic file', () => {
    const parsed = parseStatementCsv(
      ['bookedAt;amount;description;transactionId', '2025-06-01T10:00:00+07:00;350000;"a; b, c";T1'].join('\n'),
    );
    expect(parsed.format).toBe('generic');
    expect(parsed.credits).toEqual([
      { lineNumber: 2, transactionId: 'T1', bookedAt: '2025-06-01T03:00:00.000Z', amount: 350000, description: 'a; b, c' },
    ]);
  });
});

describe('parseStatementCsv amounts', () => {
  /** A one-line BIDV-style export with `amount` in the credit column, quoted. */
  const withCredit = (amount: string) => ['Ngày hiệu lực;Ghi nợ;Ghi có;Mô tả;Số tham chiếu', `01/06/2025;;"${amount}";x;T1`].join('\n');

  it.each([
    ['1.234.567', 1234567],
    ['1,234,567', 1234567],
    ['1234567', 1234567],
    ['1.234.567 VND', 1234567],
    ['1,234,567 VNĐ', 1234567],
    ['350.000 ₫', 350000],
    ['350.000đ', 350000],
    ['1 234 567', 1234567],
    ['1,234,567.00', 1234567],
    ['1.234.567,00', 1234567],
    ['1234567.00', 1234567],
    ['1234567,0', 1234567],
    ['1,000', 1000],
    ['1.000', 1000],
    ['500', 500],
    ['+500', 500],
    ['  2.000.000  ', 2000000],
  ])('%j is %d đồng', (amount, dong) => {
    expect(parseStatementCsv(withCredit(amount)).credits[0]?.amount).toBe(dong);
  });

  it.each([
    ['12,5', 'không phải là số nguyên đồng (tiền đồng không có phần lẻ)'],
    ['1.5', 'không phải là số nguyên đồng (tiền đồng không có phần lẻ)'],
    ['1,234,567.50', 'không phải là số nguyên đồng (tiền đồng không có phần lẻ)'],
    ['1.234.567,01', 'không phải là số nguyên đồng (tiền đồng không có phần lẻ)'],
    ['0,500', 'không phải là số nguyên đồng (tiền đồng không có phần lẻ)'],
    ['1.23.4', 'không phải là số tiền (đồng)'],
    ['1,23,456', 'không phải là số tiền (đồng)'],
    ['12.34.56,00', 'không phải là số tiền (đồng)'],
    ['abc', 'không phải là số tiền (đồng)'],
    ['1e6', 'không phải là số tiền (đồng)'],
    ['USD 5', 'không phải là số tiền (đồng)'],
    ['1,', 'không phải là số tiền (đồng)'],
    ['-500', 'là số tiền vào âm'],
    ['99999999999999999', 'là số tiền quá lớn'],
  ])('%j is rejected: %s', (amount, reason) => {
    const error = formatError(withCredit(amount));
    expect(error.lineNumber).toBe(2);
    expect(error.message).toBe(`Dòng 2: "${amount}" ${reason}`);
  });
});

describe('parseStatementCsv rejects the whole file', () => {
  const generic = (...rows: string[]) => [HEADER, ...rows].join('\n');
  const cases: Array<[string, string, number | null, RegExp]> = [
    ['an empty file', '', null, /^tệp trống$/],
    ['a file of blank lines and a BOM', '\uFEFF\n \n', null, /^tệp trống$/],
    ['no header row', 'a,b,c\n1,2,3', null, /^không tìm thấy dòng tiêu đề/],
    [
      'a generic header without transactionId',
      'bookedAt,amount,description\n2025-06-01,1,a',
      1,
      /^Dòng 1: dòng tiêu đề thiếu cột transactionId$/,
    ],
    [
      'a bank header without a description column',
      'title\nNgày giao dịch,Số tiền ghi có,Số tham chiếu\n01/06/2025,1000,T1',
      2,
      /^Dòng 2: dòng tiêu đề thiếu cột nội dung \(cần một trong các cột "Nội dung", "Mô tả"/,
    ],
    ['a date that does not exist', generic('2025-06-01,1,a,A', '2025-02-30,1,b,B'), 3, /^Dòng 3: "2025-02-30" không phải là ngày/],
    ['a day-first date that does not exist', generic('31/04/2025,1,a,A'), 2, /^Dòng 2: "31\/04\/2025" không phải là ngày/],
    ['a date in words', generic('hôm qua,1,a,A'), 2, /^Dòng 2: "hôm qua" không phải là ngày/],
    ['an hour out of range', generic('2025-06-01T24:00:00+07:00,1,a,A'), 2, /không phải là ngày/],
    ['a month-first US date', generic('06/13/2025,1,a,A'), 2, /không phải là ngày/],
    ['a two-digit year', generic('01/06/25,1,a,A'), 2, /không phải là ngày/],
    [
      'a decimal amount',
      generic('2025-06-01,"12,5",a,A'),
      2,
      /^Dòng 2: "12,5" không phải là số nguyên đồng \(tiền đồng không có phần lẻ\)$/,
    ],
    ['a zero amount in a generic file', generic('2025-06-01,0,a,A'), 2, /^Dòng 2: số tiền trống hoặc bằng 0/],
    ['an empty amount in a generic file', generic('2025-06-01,,a,A'), 2, /^Dòng 2: số tiền trống hoặc bằng 0/],
    ['a missing transaction id', generic('2025-06-01,1,a,A', '2025-06-01,1,b,'), 3, /^Dòng 3: dòng không có mã giao dịch$/],
    [
      'a repeated transaction id',
      generic('2025-06-01,1,a,A', '2025-06-01,2,b,B', '2025-06-02,3,c,A'),
      4,
      /^Dòng 4: mã giao dịch "A" đã có ở dòng 2$/,
    ],
    ['too few columns', generic('2025-06-01,1,a'), 2, /^Dòng 2: dòng có 3 cột, còn dòng tiêu đề \(dòng 1\) có 4 cột$/],
    ['too many columns', generic('2025-06-01,1,a,A,extra'), 2, /^Dòng 2: dòng có 5 cột, còn dòng tiêu đề \(dòng 1\) có 4 cột$/],
    [
      'an unterminated quote',
      generic('2025-06-01,1,a,A', '2025-06-01,1,"b,B', '2025-06-02,1,c,C'),
      3,
      /^Dòng 3: có một ô mở ngoặc kép mà không đóng/,
    ],
    ['text after a closing quote', generic('2025-06-01,1,"a"b,A'), 2, /^Dòng 2: có một ô còn chữ sau dấu ngoặc kép đóng$/],
    [
      'a line after a description wrapped over two lines',
      generic('2025-06-01,1,"a\nb",A', '2025-06-01,x,c,C'),
      4,
      /^Dòng 4: "x" không phải là số tiền/,
    ],
    [
      'a line after blank lines and a preamble',
      `title\n\n${HEADER}\n\n2025-06-01,1,a,A\n\n2025-06-01,1,b,`,
      7,
      /^Dòng 7: dòng không có mã giao dịch$/,
    ],
    [
      'a dateless line with an amount in the middle',
      generic('2025-06-01,1,a,A', ',5000,b,B', '2025-06-02,1,c,C'),
      3,
      /^Dòng 3: dòng không có ngày$/,
    ],
    ['a dateless line with an amount at the end', generic('2025-06-01,1,a,A', ',5000,b,B'), 3, /^Dòng 3: dòng không có ngày$/],
    [
      'a dateless note line followed by more lines',
      generic('2025-06-01,1,a,A', ',,just a note,', '2025-06-02,1,c,C'),
      3,
      /^Dòng 3: dòng không có ngày$/,
    ],
    [
      'a text line followed by more lines',
      generic('2025-06-01,1,a,A', 'Trang hai,,,', '2025-06-02,1,c,C'),
      3,
      /^Dòng 3: "Trang hai" không phải là ngày/,
    ],
    ['a negative credit in a bank export', 'Ngày GD,Ghi có,Mô tả,Mã GD\n01/06/2025,-1000,x,T', 2, /^Dòng 2: "-1000" là số tiền vào âm$/],
    [
      'a line with both a credit and a debit',
      'Ngày GD,Ghi nợ,Ghi có,Mô tả,Mã GD\n01/06/2025,500,1000,x,T',
      2,
      /^Dòng 2: dòng có cả tiền vào lẫn tiền ra$/,
    ],
    ['a malformed debit', 'Ngày GD,Ghi nợ,Ghi có,Mô tả,Mã GD\n01/06/2025,5x,,x,T', 2, /^Dòng 2: "5x" không phải là số tiền/],
    [
      'a credit above the ceiling of one amount',
      generic('2025-06-01,1,a,A', '2025-06-01,10000000001,b,B'),
      3,
      /^Dòng 3: số tiền vào "10000000001" vượt quá mức tối đa 10\.000\.000\.000 ₫ cho một khoản$/,
    ],
    [
      'the largest safe integer as a credit (what a bank notice once got through)',
      generic('2025-06-01,9007199254740991,b,B'),
      2,
      /^Dòng 2: số tiền vào "9007199254740991" vượt quá mức tối đa/,
    ],
  ];

  it.each(cases)('%s', (_name, csv, lineNumber, message) => {
    const error = formatError(csv);
    expect(error).toBeInstanceOf(StatementFormatError);
    expect(error.name).toBe('StatementFormatError');
    expect(error.lineNumber).toBe(lineNumber);
    expect(error.message).toMatch(message);
  });
});

describe('parseStatementCsv, round trip', () => {
  const VIETNAM_MS = 7 * 3_600_000;
  const pad = (value: number, length = 2) => String(value).padStart(length, '0');

  /** `epochMs` written the ways a generic file may write it. */
  const renderDate = (epochMs: number, style: number): string => {
    const utc = new Date(epochMs);
    const vn = new Date(epochMs + VIETNAM_MS);
    const vnDate = `${vn.getUTCFullYear()}-${pad(vn.getUTCMonth() + 1)}-${pad(vn.getUTCDate())}`;
    const vnTime = `${pad(vn.getUTCHours())}:${pad(vn.getUTCMinutes())}:${pad(vn.getUTCSeconds())}`;
    switch (style) {
      case 0:
        return utc.toISOString();
      case 1:
        return `${vnDate}T${vnTime}+07:00`;
      case 2:
        return `${vnDate} ${vnTime}`;
      default:
        return `${pad(vn.getUTCDate())}/${pad(vn.getUTCMonth() + 1)}/${vn.getUTCFullYear()} ${vnTime}`;
    }
  };

  const quote = (cell: string, delimiter: string) =>
    cell.includes(delimiter) || /["\r\n]/.test(cell) || cell !== cell.trim() ? `"${cell.replaceAll('"', '""')}"` : cell;

  const descriptionUnit = fc.constantFrom(...'abcXYZ019 ', ',', ';', '"', '\n', '\r\n', 'ă', 'ệ', 'đ', 'Ư', '.', '-', '/', '(', ')');
  const lineArb = fc.record({
    transactionId: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9.\-_/]{0,19}$/),
    // Whole seconds from 2000 to 2099: every date form keeps the exact instant.
    epochSeconds: fc.integer({ min: 946_684_800, max: 4_102_444_799 }),
    amount: fc.integer({ min: 1, max: MAX_AMOUNT }),
    description: fc.string({ unit: descriptionUnit, maxLength: 40 }),
    dateStyle: fc.integer({ min: 0, max: 3 }),
  });

  it('gives back the credit lines it was given, however the file is written', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(lineArb, { selector: (line) => line.transactionId, maxLength: 25 }),
        fc.constantFrom(',', ';'),
        fc.constantFrom('\n', '\r\n'),
        fc.shuffledSubarray(['bookedAt', 'amount', 'description', 'transactionId'] as const, { minLength: 4, maxLength: 4 }),
        fc.boolean(),
        (lines, delimiter, newline, columns, bom) => {
          const rows = [columns.join(delimiter)];
          for (const line of lines) {
            const cells = {
              bookedAt: renderDate(line.epochSeconds * 1000, line.dateStyle),
              amount: String(line.amount),
              description: line.description,
              transactionId: line.transactionId,
            };
            rows.push(columns.map((column) => quote(cells[column], delimiter)).join(delimiter));
          }
          const parsed = parseStatementCsv((bom ? '\uFEFF' : '') + rows.join(newline));

          // Line numbers: the header is line 1, and a description's line breaks push the
          // lines after it down.
          let lineNumber = 2;
          const expected = lines.map((line) => {
            const credit = {
              lineNumber,
              transactionId: line.transactionId,
              bookedAt: new Date(line.epochSeconds * 1000).toISOString(),
              amount: line.amount,
              description: line.description.trim(),
            };
            lineNumber += 1 + (line.description.match(/\r\n|\n/g)?.length ?? 0);
            return credit;
          });
          expect(parsed.format).toBe('generic');
          expect(parsed.debits).toEqual([]);
          expect(parsed.credits).toEqual(expected);
          const days = lines.map((line) => new Date(line.epochSeconds * 1000 + VIETNAM_MS).toISOString().slice(0, 10)).sort();
          expect(parsed.firstDate).toBe(days[0] ?? null);
          expect(parsed.lastDate).toBe(days.at(-1) ?? null);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('a bank export without a reference column', () => {
  const csv = 'Ngày GD,Ghi có,Mô tả\n01/06/2025,1000,x\n01/06/2025,1000,x\n02/06/2025,1000,x\n';
  it('gives each line a stable id of its content, twin transfers told apart by their order', () => {
    const ids = parseStatementCsv(csv).credits.map((line) => line.transactionId);
    expect(new Set(ids).size).toBe(3);
    expect(ids.every((id) => /^L[0-9A-Z]+$/.test(id))).toBe(true);
    // The same file imported again (or a later overlapping statement) gives the same ids.
    expect(parseStatementCsv(csv).credits.map((line) => line.transactionId)).toEqual(ids);
  });
});
