import { beforeAll, describe, expect, it } from 'vitest';
import { bankAppLinks, deepLink } from '../src/domain/bank-apps';
import { api, expectError, seedDemo } from './helpers';
import { createPayment, DEMO_BILLS } from './payment-helpers';

beforeAll(seedDemo);

interface PageJson {
  id: string;
  reference: string;
  method: 'vietqr' | 'stripe';
  status: string;
  qrCardUrl: string | null;
  subject: { kind: 'bill'; billerName: string; description: string; billCode: string } | null;
}

describe('the payment page: what is being paid', () => {
  it('names the biller, the bill and its code above the QR', async () => {
    const payment = (await createPayment({ billCode: DEMO_BILLS.tuitionAn.code, method: 'vietqr' })) as unknown as PageJson;
    expect(payment.subject).toMatchObject({ kind: 'bill', billCode: DEMO_BILLS.tuitionAn.code });
    expect(payment.subject!.billerName).toMatch(/Đình Bảng/);
    expect(payment.subject!.description.length).toBeGreaterThan(3);
    expect(payment.qrCardUrl).toBe(`/api/v1/payments/${payment.id}/qr-card.svg`);
  });
});

describe('GET /api/v1/payments/:id/qr-card.svg', () => {
  it('prints the amount, account and transfer content under the QR', async () => {
    const payment = await createPayment({ billCode: DEMO_BILLS.stallA12.code, method: 'vietqr' });
    const res = await api(`/api/v1/payments/${payment.id}/qr-card.svg`);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/^image\/svg\+xml/);
    const svg = await res.text();
    expect(svg).toContain('300.000 ₫');
    expect(svg).toContain(payment.payee.accountNumber);
    expect(svg).toContain(`>${payment.reference}<`);
    expect(svg).toContain('Nội dung chuyển khoản:');
  });

  it('answers 404 for a card payment (its QR is a link, not a transfer) and for an unknown id', async () => {
    await expectError(await api('/api/v1/payments/pay_nope/qr-card.svg'), 404, 'payment_not_found');
  });
});

describe('switching VietQR ↔ card replaces the pending payment', () => {
  it('supersedes the VietQR payment when the payer asks for card, and back', async () => {
    const first = await createPayment({ billCode: DEMO_BILLS.hospital.code, method: 'vietqr' });
    const card = await createPayment({ billCode: DEMO_BILLS.hospital.code, method: 'stripe' });
    expect(card.id).not.toBe(first.id);
    expect(card.method).toBe('stripe');
    const old = await (await api(`/api/v1/payments/${first.id}`)).json<{ status: string }>();
    // A superseded payment reads as expired to the payer: it can no longer be paid.
    expect(old.status).toBe('expired');
    const back = await createPayment({ billCode: DEMO_BILLS.hospital.code, method: 'vietqr' });
    expect(back.method).toBe('vietqr');
    expect(back.id).not.toBe(first.id);
  });
});

describe('bank app deep links (VietQR.io)', () => {
  const transfer = { bankBin: '970436', accountNumber: '0011001234567', amount: 350000, content: 'CS7KQM2X9P' };
  it.each([
    ['bidv', 'https://dl.vietqr.io/pay?app=bidv&am=350000&tn=CS7KQM2X9P&ba=0011001234567@vcb'],
    ['mb', 'https://dl.vietqr.io/pay?app=mb&am=350000&tn=CS7KQM2X9P&ba=0011001234567@vcb'],
  ])('builds the %s link with the @ kept literal', (appId, url) => {
    expect(deepLink({ appId, name: appId }, transfer)).toBe(url);
  });

  it('offers only the apps that fill the transfer in, and none for a bank it cannot name', () => {
    expect(bankAppLinks(transfer).map((app) => app.name)).toEqual([
      'BIDV SmartBanking',
      'VietinBank iPay',
      'MBBank',
      'ACB ONE',
      'OCB OMNI',
    ]);
    expect(bankAppLinks({ ...transfer, bankBin: '999999' })).toEqual([]);
  });
});
