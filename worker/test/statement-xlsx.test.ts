// A bank's Excel statement uploaded as it was downloaded: it imports through the same
// decision and writer as a CSV, pays the payment whose reference it carries exactly once, and
// an old .xls is refused with nothing written.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, expectError, login, seedDemo } from './helpers';
import { createPayment, DEMO_BILLS, getPayment } from './payment-helpers';
import { buildXlsx, excelSerial } from './xlsx';

let admin: string;
beforeAll(async () => {
  await seedDemo();
  admin = await login('admin@choso.test');
});

function upload(bytes: Uint8Array, accountNumber: string, name = 'sao-ke.xlsx') {
  const form = new FormData();
  form.append(
    'file',
    new File([bytes as Uint8Array<ArrayBuffer>], name, { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }),
  );
  form.append('accountNumber', accountNumber);
  return api('/api/v1/reconciliation/statements', { method: 'POST', headers: { Authorization: `Bearer ${admin}` }, body: form });
}

const statementsCount = async () => (await env.DB.prepare('SELECT count(*) AS n FROM statements').first<{ n: number }>())!.n;

describe('POST /api/v1/reconciliation/statements with an .xlsx', () => {
  it('a BIDV export pays the tuition whose reference it carries, once', async () => {
    const payment = await createPayment({ billCode: DEMO_BILLS.tuitionNgoc.code, method: 'vietqr' });
    const account = payment.payee.accountNumber;
    // The reference broken by a line break, as statement cells wrap it.
    const split = `${payment.reference.slice(0, 5)}\n${payment.reference.slice(5)}`;
    const file = buildXlsx([
      {
        name: 'Sheet1',
        rows: [
          ['NGÂN HÀNG TMCP ĐẦU TƯ VÀ PHÁT TRIỂN VIỆT NAM'],
          ['BÁO CÁO CHI TIẾT SỐ DƯ TÀI KHOẢN'],
          [`Số tài khoản: ${account}`],
          [],
          ['STT', 'Ngày hiệu lực', 'Ghi nợ', 'Ghi có', 'Số dư', 'Mô tả', 'Số tham chiếu'],
          ['', 'Dư đầu', '', '', '0', '', ''],
          [
            '1',
            { dateTime: excelSerial(2026, 12, 2, 9, 30) },
            '',
            '480,000 VND',
            '480,000',
            `TKThe :0351000646393, tu NGUYEN THI B ${split} hoc phi`,
            'XLSX-BIDV-1',
          ],
          ['2', '02/12/2026 10:00:00', '', '75,000 VND', '555,000', 'chuyen tien khong ro noi dung', 'XLSX-BIDV-2'],
          ['', 'Dư cuối', '', '', '555,000', '', ''],
        ],
      },
    ]);

    const first = await upload(file, account);
    expect(first.status).toBe(201);
    const summary = await first.json<{
      lines: number;
      credits: number;
      matched: number;
      alreadyConfirmed: number;
      exceptions: Record<string, number>;
    }>();
    expect({
      lines: summary.lines,
      credits: summary.credits,
      matched: summary.matched,
      alreadyConfirmed: summary.alreadyConfirmed,
    }).toEqual({
      lines: 2,
      credits: 2,
      matched: 1,
      alreadyConfirmed: 0,
    });
    expect(Object.values(summary.exceptions).reduce((a, b) => a + b, 0)).toBe(1);
    expect((await getPayment(payment.id)).status).toBe('paid');

    const again = await (await upload(file, account)).json<{ matched: number; alreadyConfirmed: number }>();
    expect(again).toMatchObject({ matched: 0, alreadyConfirmed: 2 });
    const credits = await env.DB.prepare("SELECT count(*) AS n FROM bank_credits WHERE transaction_id LIKE 'XLSX-BIDV-%'").first<{
      n: number;
    }>();
    expect(credits!.n).toBe(2);
  });

  it('an old .xls file is refused with how to save it, and nothing is written', async () => {
    const before = await statementsCount();
    const xls = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]);
    const refused = await expectError(await upload(xls, '113000178542', 'sao-ke.xls'), 400, 'invalid_statement');
    expect(refused.error.details?.[0]?.message).toContain('lưu lại dưới dạng .xlsx');
    expect(await statementsCount()).toBe(before);
  });
});
