// Stripe answering 429 (too many requests) or 5xx: the real SDK retries with the same
// Idempotency-Key (maxNetworkRetries in payments/providers.ts), so a payment or a refund is
// made once however many attempts it took. The stand-in (a TEST DOUBLE) fails the next calls
// that match a filter, so tests running beside these are not disturbed.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { newBillCode } from '../src/domain/codes';
import { hashPassword } from '../src/domain/password';
import { api, expectError, jsonRequest, login, seedDemo } from './helpers';
import { getPayment, insertOpenBill, postPayment } from './payment-helpers';
import { completeAtStripe, postEvent, STANDIN, type StandinForm } from './stripe-helpers';

interface Recorded {
  method: string;
  path: string;
  body: StandinForm;
  idempotencyKey: string | null;
}

async function failNext(fault: { count: number; status: number; path: string; bodyIncludes: string }) {
  const res = await fetch(`${STANDIN}/_standin/fail`, { method: 'POST', body: JSON.stringify(fault) });
  expect(res.status).toBe(200);
}

async function recorded(path: string, bodyIncludes: string): Promise<Recorded[]> {
  const { data } = (await (await fetch(`${STANDIN}/_standin/requests`)).json()) as { data: Recorded[] };
  return data.filter((r) => r.method === 'POST' && r.path === path && JSON.stringify(r.body).includes(bodyIncludes));
}

/** A bill with an amount no other test uses, so the fault filter matches only its calls. */
async function uniqueBill(amount: number) {
  return insertOpenBill(newBillCode(), 'org_hospital', amount);
}

let hospital: string;

beforeAll(async () => {
  await seedDemo();
  await env.DB.prepare(
    "INSERT OR IGNORE INTO users (id, email, name, role, organization_id, password_hash) VALUES ('usr_hospital_faults', 'faults@benhvien.test', 'Kế toán viện phí', 'biller_staff', 'org_hospital', ?1)",
  )
    .bind(await hashPassword('demo1234'))
    .run();
  hospital = await login('faults@benhvien.test', 'demo1234');
});

describe('Stripe answering 429 or 5xx', () => {
  it('creates the Checkout Session after two 429s, once, with one idempotency key for every attempt', async () => {
    const code = await uniqueBill(431_007);
    await failNext({ count: 2, status: 429, path: '/v1/checkout/sessions', bodyIncludes: '"unit_amount":"431007"' });
    const res = await postPayment({ billCode: code, method: 'stripe' });
    expect(res.status).toBe(201);
    const payment = await res.json<{ id: string; stripe: { checkoutUrl: string } | null }>();
    expect(payment.stripe?.checkoutUrl).toContain('/pay/cs_test_');
    const attempts = await recorded('/v1/checkout/sessions', '"unit_amount":"431007"');
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((a) => a.idempotencyKey))).toEqual(new Set([`checkout-session:${payment.id}`]));
  });

  it('says in Vietnamese that cards are unavailable when Stripe keeps failing, and a retry later makes one session', async () => {
    const code = await uniqueBill(431_011);
    const key = crypto.randomUUID();
    await failNext({ count: 3, status: 500, path: '/v1/checkout/sessions', bodyIncludes: '"unit_amount":"431011"' });
    const failed = await expectError(await postPayment({ billCode: code, method: 'stripe' }, key), 502, 'payment_provider_error');
    expect(failed.error.message).toBe('Dịch vụ thanh toán thẻ không trả lời; hãy thử lại, hoặc chuyển khoản bằng mã VietQR');
    // The payer tries again with the same key once Stripe is back.
    const retried = await postPayment({ billCode: code, method: 'stripe' }, key);
    expect(retried.status).toBe(201);
    const second = await retried.json<{ id: string; status: string; stripe: { checkoutUrl: string } | null }>();
    expect(second).toMatchObject({ status: 'pending' });
    expect(second.stripe?.checkoutUrl).toContain('/pay/cs_test_');
    const attempts = await recorded('/v1/checkout/sessions', '"unit_amount":"431011"');
    expect(attempts).toHaveLength(4);
    // Three attempts for the payment that failed (one key), one for the new payment (its own key).
    expect(attempts.filter((a) => a.idempotencyKey === `checkout-session:${second.id}`)).toHaveLength(1);
  });

  it('refunds after two 503s exactly once', async () => {
    const code = await uniqueBill(431_013);
    const payment = await (await postPayment({ billCode: code, method: 'stripe' })).json<{ id: string }>();
    await postEvent((await completeAtStripe(payment as never)).event);
    await failNext({ count: 2, status: 503, path: '/v1/refunds', bodyIncludes: payment.id });
    const res = await api(
      `/api/v1/payments/${payment.id}/refunds`,
      jsonRequest('POST', { amount: 31_013, reason: 'Trả lại tiền thuốc' }, hospital),
    );
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ status: 'succeeded', amount: 31_013 });
    expect(await getPayment(payment.id)).toMatchObject({ status: 'paid', amountRefunded: 31_013 });
    const attempts = await recorded('/v1/refunds', payment.id);
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((a) => a.idempotencyKey)).size).toBe(1);
  });
});
