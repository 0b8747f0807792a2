// Utility billers: a water company bills households by customer code. Residents find their
// open bills by that code (masked like every public answer), pay one, and looking the bill up
// afterwards leads to its receipt; the company's staff import electricity or water bills.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, bearer, expectError, jsonRequest, login, seedDemo } from './helpers';
import { createPayment, noticeFor, postBankNotice, randomAddress } from './payment-helpers';

let water: string;
let school: string;
beforeAll(async () => {
  await seedDemo();
  [water, school] = await Promise.all([login('water@choso.test'), login('biller@choso.test')]);
});

const from = (address = randomAddress()): RequestInit => ({ headers: { 'CF-Connecting-IP': address } });

async function upload(csv: string, token: string, type?: string) {
  const form = new FormData();
  form.append('file', new File([csv], 'tien-nuoc.csv'));
  if (type !== undefined) form.append('type', type);
  const multipart = new Response(form);
  const body = await multipart.arrayBuffer();
  return api('/api/v1/bills/import', {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': multipart.headers.get('Content-Type')!,
      'Content-Length': String(body.byteLength),
    },
    body,
  });
}

const billsWithRefPrefix = (prefix: string) =>
  env.DB.prepare('SELECT biller_id, type, payer_ref, amount FROM bills WHERE payer_ref LIKE ?1 ORDER BY payer_ref')
    .bind(`${prefix}%`)
    .all()
    .then((r) => r.results);

describe('the seeded water company', () => {
  it('is listed for residents, and calls the payer code "Mã khách hàng"', async () => {
    const { items } = await (await api('/api/v1/billers', from())).json<{ items: Array<Record<string, unknown>> }>();
    expect(items.find((b) => b.id === 'org_water_bac_ninh')).toEqual({
      id: 'org_water_bac_ninh',
      name: 'Công ty CP Nước sạch Bắc Ninh',
      kind: 'utility',
      commune: 'Kinh Bắc',
      payerRefLabel: 'Mã khách hàng',
    });
  });

  it("shows a household both of its open water bills, masked, and none of the neighbour's", async () => {
    const res = await api('/api/v1/billers/org_water_bac_ninh/open-bills?payerRef=KH0012345', from());
    expect(res.status).toBe(200);
    const { items } = await res.json<{ items: Array<Record<string, unknown>> }>();
    expect(items.map((b) => [b.displayCode, b.type, b.amount, b.dueDate, b.payerName]).sort()).toEqual([
      ['NBNKH-2345F', 'water', 187000, '2026-12-20', 'Nguyễn T** H**'],
      ['NBNKH-2346D', 'water', 163000, '2026-11-20', 'Nguyễn T** H**'],
    ]);
    expect(JSON.stringify(items)).not.toContain('Trần Văn Bình');
  });
});

describe('a water bill paid, then looked up again', () => {
  it('links to its receipt once paid, and not before', async () => {
    const created = await api(
      '/api/v1/bills',
      jsonRequest(
        'POST',
        {
          type: 'water',
          payerName: 'Lý Thị Xuân',
          payerRef: 'KH-RCPT-1',
          description: 'Tiền nước tháng 11/2026',
          amount: 95000,
          dueDate: '2026-12-20',
        },
        water,
      ),
    );
    expect(created.status).toBe(201);
    const bill = await created.json<{ code: string }>();
    const before = await (await api(`/api/v1/bills/lookup/${bill.code}`, from())).json<Record<string, unknown>>();
    expect(before).toMatchObject({ status: 'open', receiptUrl: null, payerName: 'Lý T** X**' });

    const payment = await createPayment({ billCode: bill.code, method: 'vietqr' });
    expect(payment.payee.accountNumber).toBe('118000245671');
    expect((await postBankNotice(noticeFor(payment))).status).toBe(200);

    const after = await (await api(`/api/v1/bills/lookup/${bill.code}`, from())).json<Record<string, unknown>>();
    expect(after).toMatchObject({ status: 'paid', receiptUrl: `/api/v1/payments/${payment.id}/receipt` });
    const receipt = await (await api(after.receiptUrl as string)).text();
    expect(receipt).toContain('95.000');
    expect(receipt).toContain('Lý T** X**');
    expect(receipt).not.toContain('KH-RCPT-1');
  });
});

describe('POST /api/v1/bills/import for a utility', () => {
  const csv = (prefix: string) =>
    'payerRef,payerName,description,amount,dueDate\r\n' +
    `${prefix}-01,Nguyễn Văn Tâm,Tiền điện tháng 11/2026,412000,20/12/2026\r\n` +
    `${prefix}-02,Đỗ Thị Hằng,Tiền điện tháng 11/2026,268000,20/12/2026\r\n`;

  it('issues water bills when the file does not say, and electricity bills when asked', async () => {
    expect((await upload(csv('UW'), water)).status).toBe(201);
    expect((await upload(csv('UE'), water, 'electricity')).status).toBe(201);
    expect(await billsWithRefPrefix('UW-')).toEqual([
      { biller_id: 'org_water_bac_ninh', type: 'water', payer_ref: 'UW-01', amount: 412000 },
      { biller_id: 'org_water_bac_ninh', type: 'water', payer_ref: 'UW-02', amount: 268000 },
    ]);
    expect(await billsWithRefPrefix('UE-')).toEqual([
      { biller_id: 'org_water_bac_ninh', type: 'electricity', payer_ref: 'UE-01', amount: 412000 },
      { biller_id: 'org_water_bac_ninh', type: 'electricity', payer_ref: 'UE-02', amount: 268000 },
    ]);
  });

  it('refuses a kind of bill the biller does not issue, or an unknown one, and writes nothing', async () => {
    const refused = await expectError(await upload(csv('US'), school, 'water'), 400, 'validation_failed');
    expect(refused.error.details).toEqual([{ path: 'type', message: 'Không thu loại «water»' }]);
    await expectError(await upload(csv('UX'), water, 'gas'), 400, 'validation_failed');
    expect(await billsWithRefPrefix('US-')).toEqual([]);
    expect(await billsWithRefPrefix('UX-')).toEqual([]);
  });
});

describe('reports for a utility', () => {
  it("answers the water company's day report with its own organization only", async () => {
    const res = await api('/api/v1/reports/daily', bearer(water));
    expect(res.status).toBe(200);
    const report = await res.json<{ organizations: Array<{ organizationId: string; byType: Record<string, unknown> }> }>();
    expect(report.organizations.map((o) => o.organizationId)).toEqual(['org_water_bac_ninh']);
    expect(Object.keys(report.organizations[0]!.byType)).toContain('water');
  });
});
