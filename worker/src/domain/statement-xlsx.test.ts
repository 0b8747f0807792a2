import { describe, expect, it } from 'vitest';
import { buildXlsx, excelSerial, type XlsxCell, type XlsxSheet } from '../../test/xlsx';
import { StatementFormatError } from './statement-csv';
import { detectStatementBank, parseStatementXlsx } from './statement-xlsx';

// Each bank's Excel export as the layouts in the module header describe them: title rows,
// the header in no fixed row, opening, closing and total rows, text and Excel dates, merged
// date cells, "VND" amounts, and a payment code broken by a space or a line break.
const vietnam = (iso: string) => new Date(`${iso}+07:00`).toISOString();
const read = (sheet: XlsxSheet, accountNumber = '1012345678') => parseStatementXlsx(buildXlsx([sheet]), { accountNumber, maxRows: 5_500 });

interface Case {
  bank: string;
  sheet: XlsxSheet;
  account?: string;
  credits: Array<{ transactionId: string | RegExp; amount: number; bookedAt: string; description: string }>;
  debits: number;
}

const CASES: Case[] = [
  {
    bank: 'Vietcombank',
    sheet: {
      name: 'Sheet1',
      rows: [
        ['NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM'],
        ['SAO KÊ TÀI KHOẢN'],
        ['Số tài khoản: 1012345678'],
        ['Loại tiền / Currency: VND'],
        [],
        ['STT', 'Ngày giao dịch', 'Số tham chiếu', 'Số tiền ghi nợ', 'Số tiền ghi có', 'Mô tả'],
        [
          '1',
          { date: excelSerial(2026, 11, 30) },
          '5243.65937',
          null,
          { number: '350000' },
          'MBVCB.4530998360.029552.CS7KQ M2X9G.CT tu 0351000646393 NGUYEN VAN A',
        ],
        ['2', '30/11/2026 14:05:00', 'FT2633', { number: '120000' }, null, 'Phi dich vu'],
        ['', 'Tổng', null, { number: '120000' }, { number: '350000' }, null],
      ],
    },
    credits: [
      {
        transactionId: '5243.65937',
        amount: 350000,
        bookedAt: vietnam('2026-11-30T00:00:00'),
        description: 'MBVCB.4530998360.029552.CS7KQ M2X9G.CT tu 0351000646393 NGUYEN VAN A',
      },
    ],
    debits: 1,
  },
  {
    bank: 'Vietcombank CashUp',
    account: '0011000333444',
    sheet: {
      name: 'Sheet1',
      rows: [
        ['VCB CASHUP'],
        ['SAO KÊ TÀI KHOẢN STATEMENT OF ACCOUNT'],
        ['Số tài khoản/ Account Number: 0011000111222'],
        ['Số dư đầu kỳ/ Opening balance :', '1.000.000'],
        ['Ngày', 'Số tham chiếu', 'Nợ', 'Có', 'Số dư', 'Nội dung'],
        ['01/12/2026', 'A1', '', '500000', '', 'HS001 hoc phi'],
        ['Tổng số/ Total', '', '', '500000', '', ''],
        ['Số tài khoản/ Account Number: 0011000333444'],
        ['Số dư đầu kỳ/ Opening balance :', '0'],
        ['Ngày', 'Số tham chiếu', 'Nợ', 'Có', 'Số dư', 'Nội dung'],
        ['01/12/2026 09:15', 'B1', '', '250.000', '', 'IBFT CSPQR7\nT2M4 tien cho'],
        ['Số dư cuối kỳ/ Closing balance :', '250.000'],
      ],
    },
    credits: [{ transactionId: 'B1', amount: 250000, bookedAt: vietnam('2026-12-01T09:15:00'), description: 'IBFT CSPQR7\nT2M4 tien cho' }],
    debits: 0,
  },
  {
    bank: 'BIDV',
    sheet: {
      name: 'Sheet1',
      rows: [
        ['NGÂN HÀNG TMCP ĐẦU TƯ VÀ PHÁT TRIỂN VIỆT NAM'],
        ['BÁO CÁO CHI TIẾT SỐ DƯ TÀI KHOẢN'],
        ...Array.from({ length: 8 }, (): XlsxCell[] => []),
        ['Số tài khoản: 1012345678', '', 'Số tài khoản cũ/Old: 123'],
        ['STT', 'Ngày hiệu lực', 'Ghi nợ', 'Ghi có', 'Số dư', 'Mô tả', 'Số tham chiếu'],
        ['', 'Dư đầu', '', '', '5,000,000', '', ''],
        ['1', '31/12/2026 10:30:45', '', '1,250,000 VND', '6,250,000', 'TKThe :0351000646393, tu NGUYEN THI B CSW3X9K2', '311447.110821'],
        ['', 'Dư cuối', '', '', '6,250,000', '', ''],
      ],
    },
    credits: [
      {
        transactionId: '311447.110821',
        amount: 1250000,
        bookedAt: vietnam('2026-12-31T10:30:45'),
        description: 'TKThe :0351000646393, tu NGUYEN THI B CSW3X9K2',
      },
    ],
    debits: 0,
  },
  {
    bank: 'MB',
    sheet: {
      name: 'Sheet1',
      rows: [
        ['NGÂN HÀNG TMCP QUÂN ĐỘI'],
        ['SAO KÊ CHI TIẾT TÀI KHOẢN'],
        ['Tài khoản/Account No: 1012345678'],
        [
          'STT\nNo',
          'Ngày giao dịch\nTransaction date',
          'Ngày hạch toán / Posting date',
          'Số bút toán / Reference',
          'Phát sinh nợ / Debit',
          'Phát sinh có / Credit',
          'Nội dung / Description',
        ],
        [
          '1',
          { dateTime: excelSerial(2026, 11, 30, 23, 58) },
          '01/12/2026',
          'FT26335',
          '',
          { number: '80000' },
          'NGUYEN VAN C chuyen tien CSHJ4M',
        ],
      ],
    },
    // The posting date is the bank's day for the money.
    credits: [
      { transactionId: 'FT26335', amount: 80000, bookedAt: vietnam('2026-12-01T00:00:00'), description: 'NGUYEN VAN C chuyen tien CSHJ4M' },
    ],
    debits: 0,
  },
  {
    bank: 'ACB',
    sheet: {
      name: 'Statement',
      rows: [
        ['NGÂN HÀNG TMCP Á CHÂU'],
        ['BẢNG SAO KÊ GIAO DỊCH'],
        ['Số dư đầu', '2.000.000'],
        ['Ngày hiệu lực', 'Số GD', 'Tiền rút ra', 'Tiền gửi vào', 'Số dư', 'Nội dung giao dịch'],
        ['02/12/2026', '7781', '', '300.000', '2.300.000', 'CSX5Y6 Z7 hoc phi'],
        ['02/12/2026', '7782', '50.000', '', '2.250.000', 'Phi SMS'],
      ],
    },
    credits: [{ transactionId: '7781', amount: 300000, bookedAt: vietnam('2026-12-02T00:00:00'), description: 'CSX5Y6 Z7 hoc phi' }],
    debits: 1,
  },
  {
    bank: 'VietinBank',
    sheet: {
      name: 'Sheet1',
      rows: [
        ['NGÂN HÀNG TMCP CÔNG THƯƠNG VIỆT NAM'],
        ['LỊCH SỬ GIAO DỊCH - TRANSACTION HISTORY'],
        ['STT', 'Ngày hạch toán', 'Mô tả giao dịch', 'Nợ / Debit', 'Có / Credit', 'Số dư / Balance'],
        ['1', { date: excelSerial(2026, 12, 1) }, 'CT DEN:311447 CSAB\nCD23 tien dien', '', '450000', '450000'],
        // The date cell is merged over this day's lines: the reader fills it down.
        ['2', null, 'CT DEN:311448 CSEF GH45', '', '450000', '900000'],
      ],
      merges: ['B4:B5'],
    },
    credits: [
      {
        transactionId: /^L[0-9A-Z]+$/,
        amount: 450000,
        bookedAt: vietnam('2026-12-01T00:00:00'),
        description: 'CT DEN:311447 CSAB\nCD23 tien dien',
      },
      { transactionId: /^L[0-9A-Z]+$/, amount: 450000, bookedAt: vietnam('2026-12-01T00:00:00'), description: 'CT DEN:311448 CSEF GH45' },
    ],
    debits: 0,
  },
];

describe('bank statements as Excel', () => {
  it.each(CASES)('$bank', async ({ bank, sheet, account, credits, debits }) => {
    const parsed = await read(sheet, account);
    expect(parsed.credits.map(({ lineNumber: _line, ...line }) => line)).toEqual(
      credits.map((line) => ({
        ...line,
        transactionId: typeof line.transactionId === 'string' ? line.transactionId : expect.stringMatching(line.transactionId),
      })),
    );
    expect(parsed.debits).toHaveLength(debits);
    expect(detectStatementBank(sheet.rows.map((row) => row.map((cell) => (typeof cell === 'string' ? cell : ''))))).toBe(bank);
  });

  it('reads the same lines the same way twice (ids are stable without a reference column)', async () => {
    const vietinbank = CASES.find((c) => c.bank === 'VietinBank')!.sheet;
    const ids = async () => (await read(vietinbank)).credits.map((line) => line.transactionId);
    expect(await ids()).toEqual(await ids());
    expect(new Set(await ids()).size).toBe(2);
  });

  it('a multi-account export without the uploaded account is refused, naming the accounts it holds', async () => {
    const cashUp = CASES.find((c) => c.bank === 'Vietcombank CashUp')!.sheet;
    await expect(read(cashUp, '9999999999')).rejects.toThrow(
      'tệp có sao kê của các tài khoản 0011000111222, 0011000333444, không có tài khoản 9999999999',
    );
  });

  it('a sheet of no known bank is refused, listing the banks that are', async () => {
    const error = await read({ name: 'Sheet1', rows: [['Danh sách'], ['Họ tên', 'Lớp']] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StatementFormatError);
    expect((error as Error).message).toBe(
      'không nhận ra mẫu sao kê của tệp Excel này. Các mẫu đọc được: Vietcombank, Vietcombank CashUp, BIDV, MB, ACB, VietinBank. ' +
        'Hãy tải lên đúng tệp tải về từ ngân hàng điện tử, không sửa, hoặc tệp CSV.',
    );
  });

  it('an old .xls file is refused with how to save it', async () => {
    const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    await expect(parseStatementXlsx(xls, { accountNumber: '1', maxRows: 10 })).rejects.toThrow('lưu lại dưới dạng .xlsx');
  });

  it('a malformed line rejects the whole file, naming its row', async () => {
    const sheet: XlsxSheet = {
      name: 'Sheet1',
      rows: [
        ['Ngày giao dịch', 'Số tham chiếu', 'Số tiền ghi có', 'Mô tả'],
        ['30/11/2026', 'A', '350000', 'ok'],
        ['31/11/2026', 'B', '350000', 'ngày không có'],
      ],
    };
    await expect(read(sheet)).rejects.toThrow(/^Dòng 3: /);
  });
});
