import { beforeAll, describe, expect, it } from 'vitest';
import { api, bearer, expectError, jsonRequest, login, seedDemo } from './helpers';

let school: string;
let market: string;

beforeAll(async () => {
  await seedDemo();
  [school, market] = await Promise.all([login('biller@choso.test'), login('market@choso.test')]);
});

/** EMV tag-length-value fields of a payload, read by hand (not by our decoder), nested where asked. */
function tlv(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (let at = 0; at < text.length; ) {
    const tag = text.slice(at, at + 2);
    const length = Number(text.slice(at + 2, at + 4));
    fields.set(tag, text.slice(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return fields;
}

describe('GET /api/v1/bills/printable', () => {
  it('prints a bill with the amount in words and a VietQR that decodes to its amount and code', async () => {
    const created = await api(
      '/api/v1/bills',
      jsonRequest(
        'POST',
        {
          type: 'tuition',
          payerName: 'Nguyễn Văn An',
          payerRef: 'HS-PRINT-1',
          description: 'Học phí tháng 12/2026',
          amount: 350000,
          dueDate: '2026-11-30',
        },
        school,
      ),
    );
    const bill = await created.json<{ id: string; code: string }>();
    const res = await api(`/api/v1/bills/printable?ids=${bill.id}`, bearer(school));
    expect(res.status).toBe(200);
    const [printed] = (
      await res.json<{
        items: Array<{ vietQrPayload: string; vietQrSvg: string; payLinkSvg: string; bankAccount: { accountNumber: string } }>;
      }>()
    ).items;
    expect(printed).toMatchObject({
      code: bill.code,
      billerName: 'Trường THCS Đình Bảng',
      payerName: 'Nguyễn Văn An',
      payerRef: 'HS-PRINT-1',
      amountText: '350.000 ₫',
      amountInWords: 'Ba trăm năm mươi nghìn đồng',
      dueDate: '30/11/2026',
      payLink: `http://choso.test/thanh-toan-hoa-don?ma=${bill.code}`,
    });
    const fields = tlv(printed!.vietQrPayload);
    expect(fields.get('01')).toBe('12');
    expect(fields.get('53')).toBe('704');
    expect(fields.get('54')).toBe('350000');
    expect(tlv(fields.get('62')!).get('08')).toBe(bill.code);
    const account = tlv(tlv(fields.get('38')!).get('01')!);
    expect(account.get('01')).toBe(printed!.bankAccount.accountNumber);
    expect(printed!.vietQrSvg).toContain('<svg');
    expect(printed!.payLinkSvg).toContain('<svg');
  });

  it("prints only the caller's own bills", async () => {
    const page = await (await api('/api/v1/bills?limit=1', bearer(school))).json<{ items: Array<{ id: string }> }>();
    const res = await api(`/api/v1/bills/printable?ids=${page.items[0]!.id}`, bearer(market));
    expect((await res.json<{ items: unknown[] }>()).items).toEqual([]);
    await expectError(await api('/api/v1/bills/printable?ids=', bearer(school)), 400);
  });
});
