import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCharacter as checkChar, isPaymentReference } from '../src/domain/codes';
import { decodeVietQr } from '../src/domain/vietqr';
import { api, expectError, seedDemo } from './helpers';
import { createPayment, DEMO_BILLS, getPayment, type PaymentJson, postPayment } from './payment-helpers';

beforeAll(seedDemo);

describe('POST /api/v1/payments: VietQR for a bill', () => {
  it("makes a dynamic VietQR to the biller's account for the exact amount, with the reference in it", async () => {
    const payment = await createPayment({ billCode: DEMO_BILLS.tuitionAn.code, method: 'vietqr' });
    expect(payment).toMatchObject({ amount: 350000, currency: 'VND', method: 'vietqr', status: 'pending', stripe: null, receiptUrl: null });
    expect(isPaymentReference(payment.reference)).toBe(true);
    const bank = await env.DB.prepare("SELECT bank_bin, bank_account_no FROM organizations WHERE id = 'org_school_dinh_bang'").first<{
      bank_bin: string;
      bank_account_no: string;
    }>();
    const qr = decodeVietQr(payment.vietqr!.payload);
    expect(qr).toMatchObject({
      pointOfInitiation: 'dynamic',
      bankBin: bank!.bank_bin,
      accountNumber: bank!.bank_account_no,
      service: 'QRIBFTTA',
      amount: 350000,
      billNumber: payment.reference,
    });
    expect(qr.purpose!.startsWith(payment.reference)).toBe(true);
    expect(qr.purpose!.length).toBeLessThanOrEqual(25);
    expect(payment.payee.accountNumber).toBe(bank!.bank_account_no);
    // 24 hours for a bill.
    const hours = (Date.parse(payment.expiresAt) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
  });

  it('serves the QR as an SVG image', async () => {
    const payment = await createPayment({ billCode: DEMO_BILLS.stallA12.code });
    const res = await api(payment.vietqr!.svgUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/^image\/svg\+xml/);
    expect(await res.text()).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
  });

  it('accepts the code as printed (dash, lower case) and defaults to VietQR', async () => {
    const payment = await createPayment({ billCode: 'kqbtm-2526a' });
    expect(payment.method).toBe('vietqr');
    expect(payment.billCode).toBe(DEMO_BILLS.stallB07.code);
  });

  it('answers 404 for an unknown or mistyped bill code', async () => {
    await expectError(await postPayment({ billCode: 'HP8A26DBA6' }), 404, 'bill_not_found');
  });
});

describe('POST /api/v1/payments: idempotency', () => {
  it('needs an Idempotency-Key', async () => {
    await expectError(await postPayment({ billCode: DEMO_BILLS.hospital.code }, null), 400, 'idempotency_key_required');
  });

  it('returns the same payment for the same key and body', async () => {
    const key = crypto.randomUUID();
    const first = await createPayment({ billCode: DEMO_BILLS.hospital.code }, key);
    const again = await createPayment({ billCode: DEMO_BILLS.hospital.code }, key);
    expect(again).toEqual(first);
  });

  it('answers 409 for the same key with a different body', async () => {
    const key = crypto.randomUUID();
    await createPayment({ billCode: DEMO_BILLS.adminFee.code }, key);
    await expectError(await postPayment({ billCode: DEMO_BILLS.tuitionNgoc.code }, key), 409, 'idempotency_key_reused');
  });

  it('returns the open payment to a second request with another key, instead of making another', async () => {
    const first = await createPayment({ billCode: DEMO_BILLS.adminFee.code });
    const second = await createPayment({ billCode: DEMO_BILLS.adminFee.code });
    expect(second.id).toBe(first.id);
  });

  it('makes exactly one payment for concurrent requests with one key', async () => {
    const bill = await env.DB.prepare(
      `INSERT INTO bills (id, code, biller_id, type, payer_name, payer_ref, description, amount, due_date)
       VALUES ('bil_race', 'RACEB2222' || ?1, 'org_hospital', 'hospital', 'Vũ Thị Hà', 'BN-1', 'Viện phí', 90000, '2026-12-31') RETURNING code`,
    )
      .bind(checkChar('RACEB2222'))
      .first<{ code: string }>();
    const key = crypto.randomUUID();
    const responses = await Promise.all(Array.from({ length: 8 }, () => postPayment({ billCode: bill!.code }, key)));
    const bodies = await Promise.all(responses.map((r) => r.json<PaymentJson>()));
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(new Set(bodies.map((b) => b.id)).size).toBe(1);
    const count = await env.DB.prepare("SELECT count(*) AS n FROM payments WHERE bill_id = 'bil_race'").first<{ n: number }>();
    expect(count!.n).toBe(1);
  });

  it('makes one open payment for concurrent requests with different keys', async () => {
    await env.DB.prepare(
      `INSERT INTO bills (id, code, biller_id, type, payer_name, payer_ref, description, amount, due_date)
       VALUES ('bil_race2', ?1, 'org_hospital', 'hospital', 'Vũ Thị Hà', 'BN-2', 'Viện phí', 90000, '2026-12-31')`,
    )
      .bind(`RACEC2222${checkChar('RACEC2222')}`)
      .run();
    const responses = await Promise.all(Array.from({ length: 6 }, () => postPayment({ billCode: `RACEC2222${checkChar('RACEC2222')}` })));
    const bodies = await Promise.all(responses.map((r) => r.json<PaymentJson>()));
    expect(responses.every((r) => r.status === 201)).toBe(true);
    expect(new Set(bodies.map((b) => b.id)).size).toBe(1);
  });
});

describe('GET /api/v1/payments/:id', () => {
  it('answers 404 for an unknown payment', async () => {
    await expectError(await api('/api/v1/payments/pay_unknown'), 404, 'payment_not_found');
  });

  it('has no receipt before it is paid', async () => {
    const payment = await createPayment({ billCode: DEMO_BILLS.tuitionNgoc.code });
    expect((await getPayment(payment.id)).receiptUrl).toBeNull();
    await expectError(await api(`/api/v1/payments/${payment.id}/receipt`), 409, 'not_paid');
  });
});
