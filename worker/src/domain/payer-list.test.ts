import { describe, expect, it } from 'vitest';
import { billEachPayerOnce, isPeriod, periodBillKey, readPayerRows, selectablePeriods } from './payer-list';
import { formatMonth } from './vietnam-time';

describe('readPayerRows', () => {
  it('reads a school list with Vietnamese headers in any order', () => {
    const result = readPayerRows([
      ['Lớp', 'Họ và tên', 'Mã học sinh', 'Số điện thoại', 'Số tiền'],
      ['6A', ' Nguyễn  Văn An ', 'HS-01', '0912 345 678', '350.000'],
      ['6B', 'Trần Thị Bình', 'HS-02', '', ''],
      ['', '', '', '', ''],
    ]);
    expect(result).toEqual({
      ok: true,
      payers: [
        { row: 2, payerRef: 'HS-01', payerName: 'Nguyễn Văn An', group: '6A', phone: '0912345678', amount: 350000 },
        { row: 3, payerRef: 'HS-02', payerName: 'Trần Thị Bình', group: '6B', phone: null, amount: null },
      ],
    });
  });

  it.each([
    ['no header', [], 'Tệp trống: hãy dùng tệp mẫu và điền mỗi người nộp một dòng'],
    [
      'no name column',
      [
        ['payerRef', 'amount'],
        ['HS-01', '1'],
      ],
      'Dòng tiêu đề thiếu cột: họ tên (payerName)',
    ],
    ['no rows', [['payerRef', 'payerName']], 'Tệp chưa có người nộp nào dưới dòng tiêu đề'],
  ] as const)('refuses a file with %s', (_, rows, message) => {
    const result = readPayerRows(rows as unknown as string[][]);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.map((p) => p.message)).toEqual([message]);
  });

  it('lists every wrong row with its number', () => {
    const result = readPayerRows([
      ['payerRef', 'payerName', 'phone', 'amount'],
      ['HS-01', 'An', '', ''],
      ['HS-02', '', 'abc', '0'],
      ['hs-01', 'Dũng', '', '1.5'],
      ['HS-04', 'x'.repeat(101), '', ''],
    ]);
    expect(!result.ok && result.problems).toEqual([
      {
        row: 3,
        message:
          'Dòng 3: thiếu họ tên (payerName); Số tiền phải là số nguyên đồng từ 1 ₫ đến 10.000.000.000 ₫; số điện thoại chỉ gồm chữ số',
      },
      { row: 4, message: 'Dòng 4: Số tiền phải là số nguyên đồng từ 1 ₫ đến 10.000.000.000 ₫; trùng mã người nộp với dòng 2' },
      { row: 5, message: 'Dòng 5: họ tên (payerName) dài quá 100 ký tự' },
    ]);
  });
});

describe('billEachPayerOnce', () => {
  const run = { period: '2026-12', description: 'Học phí tháng 12/2026', dueDate: '2026-12-15', amount: null };

  it('bills each payer their own amount, once, when the run names none', () => {
    const result = billEachPayerOnce(
      [
        { payerRef: 'HS-01', payerName: 'An', amount: 350000 },
        { payerRef: 'hs-01', payerName: 'An', amount: 350000 },
        { payerRef: 'HS-02', payerName: 'Bình', amount: 480000 },
      ],
      run,
    );
    expect(result.ok && result.bills.map((b) => [b.payer.payerRef, b.amount, b.description, b.dueDate, b.key])).toEqual([
      ['HS-01', 350000, 'Học phí tháng 12/2026', '2026-12-15', 'run\u001f2026-12\u001fHS-01'],
      ['HS-02', 480000, 'Học phí tháng 12/2026', '2026-12-15', 'run\u001f2026-12\u001fHS-02'],
    ]);
  });

  it('bills everyone the run amount when it names one, and writes each description', () => {
    const result = billEachPayerOnce([{ payerRef: 'A01', payerName: 'Hạnh', amount: null }], {
      ...run,
      amount: 250000,
      description: (payer) => `Phí chợ ki-ốt ${payer.payerRef}, ${formatMonth('2026-12')}`,
    });
    expect(result.ok && result.bills.map((b) => [b.amount, b.description])).toEqual([[250000, 'Phí chợ ki-ốt A01, tháng 12/2026']]);
  });

  it('refuses the whole run when someone has no amount, naming each of them', () => {
    const result = billEachPayerOnce(
      [
        { payerRef: 'HS-01', payerName: 'An', amount: 350000 },
        { payerRef: 'HS-02', payerName: 'Bình', amount: null },
      ],
      run,
    );
    expect(result).toEqual({ ok: false, problems: [{ payerRef: 'HS-02', message: 'Bình (HS-02) chưa có số tiền phải nộp' }] });
  });

  it.each([
    [{ ...run, period: '2026-13' }, 'Tháng phải viết theo dạng YYYY-MM, ví dụ 2026-12'],
    [{ ...run, dueDate: '2026-02-30' }, 'Hạn nộp phải là một ngày có thật'],
  ])('refuses a run of %o', (bad, message) => {
    expect(billEachPayerOnce([], bad)).toEqual({ ok: false, problems: [{ payerRef: '', message }] });
  });
});

describe('periods', () => {
  it.each([
    ['2026-12', true],
    ['2026-01', true],
    ['2026-00', false],
    ['2026-13', false],
    ['2026-1', false],
    ['26-12', false],
  ])('isPeriod(%s) is %s', (text, expected) => {
    expect(isPeriod(text)).toBe(expected);
  });

  it.each([
    ['2026-12', 'tháng 12/2026'],
    ['2027-01', 'tháng 1/2027'],
  ])('formatMonth(%s) is %s', (period, label) => {
    expect(formatMonth(period)).toBe(label);
  });

  it('keys a bill by month and payer, whatever the case of the reference', () => {
    expect(periodBillKey('2026-12', ' hs-01 ')).toBe(periodBillKey('2026-12', 'HS-01'));
    expect(periodBillKey('2026-12', 'HS-01')).not.toBe(periodBillKey('2027-01', 'HS-01'));
  });

  it('offers two months back to eleven ahead, across the new year', () => {
    const periods = selectablePeriods('2026-12-02');
    expect(periods[0]).toBe('2026-10');
    expect(periods[2]).toBe('2026-12');
    expect(periods[3]).toBe('2027-01');
    expect(periods.at(-1)).toBe('2027-11');
    expect(periods).toHaveLength(14);
  });
});
