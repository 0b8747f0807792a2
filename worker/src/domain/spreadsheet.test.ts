import { describe, expect, it } from 'vitest';
import { buildXlsx, excelSerial } from '../../test/xlsx';
import { cellText, looksLikeXlsx, readSpreadsheet, SpreadsheetError } from './spreadsheet';

// These run inside workerd (the api project), which is where uploads are read.

describe('readSpreadsheet', () => {
  it('keeps text as typed, numbers as their digits and dates as the wall-clock time shown', async () => {
    const bytes = buildXlsx([
      {
        name: 'Sao kê',
        rows: [
          ['SAO KÊ TÀI KHOẢN / STATEMENT OF ACCOUNT'],
          ['Ngày giao dịch', 'Số tham chiếu', 'Số tiền ghi có', 'Mô tả'],
          [{ date: excelSerial(2026, 11, 30) }, { inline: 'FT26334A01' }, { number: 350000 }, '  CSKTA2XA27 phí chợ\ntháng 12 '],
          [{ dateTime: excelSerial(2026, 11, 30, 9, 15) }, 'FT26334A02', { number: '10000000000' }, 'MBVCB.4530998360.029552.CT tu'],
        ],
        merges: ['A1:D1'],
      },
    ]);
    const [sheet, ...others] = await readSpreadsheet(bytes, { maxRows: 100 });
    expect(others).toEqual([]);
    expect(sheet!.name).toBe('Sao kê');
    expect(sheet!.rows[0]).toEqual(['SAO KÊ TÀI KHOẢN / STATEMENT OF ACCOUNT', null, null, null]);
    expect(sheet!.rows[1]).toEqual(['Ngày giao dịch', 'Số tham chiếu', 'Số tiền ghi có', 'Mô tả']);
    expect(sheet!.rows[2]!.slice(1)).toEqual(['FT26334A01', '350000', '  CSKTA2XA27 phí chợ\ntháng 12 ']);
    expect(cellText(sheet!.rows[2]![0]!)).toBe('30/11/2026');
    expect(sheet!.rows[3]!.slice(1)).toEqual(['FT26334A02', '10000000000', 'MBVCB.4530998360.029552.CT tu']);
    expect(cellText(sheet!.rows[3]![0]!)).toBe('30/11/2026 09:15:00');
  });

  it('reads every sheet in order, with their names', async () => {
    const bytes = buildXlsx([
      { name: 'TK 0011001234567', rows: [['Có'], [{ number: 1 }]] },
      { name: 'TK 0011009999999', rows: [['Có'], [{ number: 2 }]] },
    ]);
    const sheets = await readSpreadsheet(bytes, { maxRows: 100 });
    expect(sheets.map((sheet) => [sheet.name, sheet.rows])).toEqual([
      ['TK 0011001234567', [['Có'], ['1']]],
      ['TK 0011009999999', [['Có'], ['2']]],
    ]);
  });

  it('reads a file over 512 KB (the size where other builds of the library need a Web Worker)', async () => {
    const rows = Array.from({ length: 18_000 }, (_, i) => [
      { date: excelSerial(2026, 11, 1 + (i % 30)) },
      `FT26${String(100000000 + i)}`,
      { number: 10_000 + i },
      `MBVCB.${4530998360 + i}.${String(i).padStart(6, '0')}.NGUYEN VAN ${i} chuyen tien phi cho`,
    ]);
    const bytes = buildXlsx([{ name: 'Statement', rows }]);
    expect(bytes.byteLength).toBeGreaterThan(512 * 1024);
    const [sheet] = await readSpreadsheet(bytes, { maxRows: 20_000 });
    expect(sheet!.rows).toHaveLength(18_000);
    expect(sheet!.rows[17_999]!.slice(1)).toEqual([
      'FT26100017999',
      '27999',
      'MBVCB.4531016359.017999.NGUYEN VAN 17999 chuyen tien phi cho',
    ]);
  });

  it.each([
    [
      'an old .xls file',
      Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]),
      /\.xls \(Excel 97–2003\) chưa được hỗ trợ/,
    ],
    ['a CSV file', new TextEncoder().encode('a,b\n1,2\n'), /không phải bảng tính Excel/],
    ['a damaged .xlsx', Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6]), /Không đọc được tệp Excel/],
  ])('refuses %s with a message that says what to do', async (_name, bytes, message) => {
    await expect(readSpreadsheet(bytes, { maxRows: 100 })).rejects.toThrow(SpreadsheetError);
    await expect(readSpreadsheet(bytes, { maxRows: 100 })).rejects.toThrow(message);
  });

  it('refuses more rows than allowed, saying how many and to split the file', async () => {
    const bytes = buildXlsx([{ name: 'A', rows: Array.from({ length: 6 }, (_, i) => [{ number: i }]) }]);
    await expect(readSpreadsheet(bytes, { maxRows: 5 })).rejects.toThrow(
      'Tệp có 6 dòng, quá giới hạn 5 dòng cho một lần tải lên: hãy tách thành nhiều tệp nhỏ hơn.',
    );
  });
});

describe('looksLikeXlsx and cellText', () => {
  it.each([
    [new Date(Date.UTC(2026, 10, 30)), '30/11/2026'],
    [new Date(Date.UTC(2026, 0, 5, 7, 8, 9)), '05/01/2026 07:08:09'],
    ['1.234.567', '1.234.567'],
    [null, ''],
  ])('cellText(%s) is %s', (cell, text) => {
    expect(cellText(cell)).toBe(text);
  });

  it('knows a ZIP archive by its first bytes', () => {
    expect(looksLikeXlsx(buildXlsx([{ name: 'A', rows: [] }]))).toBe(true);
    expect(looksLikeXlsx(new TextEncoder().encode('PK'))).toBe(false);
  });
});
