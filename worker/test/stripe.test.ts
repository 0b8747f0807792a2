// Stripe cannot be reached from here. These tests drive the worker's real `stripe` SDK
// against the local stand-in (dev/stripe-standin, a TEST DOUBLE started by
// stripe-standin.global.ts), and sign webhook events with the SDK's own test helper,
// generateTestHeaderStringAsync, exactly as Stripe would sign them.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { newBillCode } from '../src/domain/codes';
import worker from '../src/worker';
import { api, expectError, jsonRequest, login, seedDemo } from './helpers';
import { createPayment, exceptionsFor, expectLedgerBalanced, getPayment, insertOpenBill } from './payment-helpers';
import { completeAtStripe, event, outcomeOf, postEvent, STANDIN, type StandinForm, standinSession } from './stripe-helpers';

const freshBill = (amount = 420000) => insertOpenBill(newBillCode(), 'org_hospital', amount);

async function stripePayment(amount?: number) {
  const code = await freshBill(amount);
  return { code, payment: await createPayment({ billCode: code, method: 'stripe' }) };
}

beforeAll(seedDemo);

describe('POST /api/v1/payments with method stripe', () => {
  it('creates a Checkout Session in VND with our id, a matching expiry and an idempotency key', async () => {
    const { payment } = await stripePayment(420000);
    expect(payment).toMatchObject({ method: 'stripe', status: 'pending', vietqr: null });
    expect(payment.stripe!.checkoutUrl.startsWith(`${STANDIN}/pay/cs_test_`)).toBe(true);
    const { data } = (await (await fetch(`${STANDIN}/_standin/requests`)).json()) as {
      data: Array<{ method: string; path: string; body: StandinForm; idempotencyKey: string | null }>;
    };
    const request = data.find(
      (r) => r.method === 'POST' && r.path === '/v1/checkout/sessions' && r.body.client_reference_id === payment.id,
    )!;
    expect(request.idempotencyKey).toBe(`checkout-session:${payment.id}`);
    expect(request.body.currency).toBe('vnd');
    expect(request.body.metadata?.paymentId).toBe(payment.id);
    // VND is zero-decimal: whole đồng, never ×100.
    expect(request.body.line_items[0].price_data.unit_amount).toBe('420000');
    expect(Number(request.body.expires_at)).toBe(Math.floor(Date.parse(payment.expiresAt) / 1000));
    const session = await standinSession(payment);
    expect(session.amount_total).toBe(420000);
  });

  it('renders the Checkout URL as a QR code too', async () => {
    const { payment } = await stripePayment();
    const res = await api(payment.stripe!.qrSvgUrl);
    expect(res.headers.get('Content-Type')).toMatch(/image\/svg\+xml/);
  });
});

describe('POST /api/v1/webhooks/stripe', () => {
  it('confirms the payment on checkout.session.completed with payment_status paid', async () => {
    const { code, payment } = await stripePayment();
    const { event: completed } = await completeAtStripe(payment);
    expect(await outcomeOf(await postEvent(completed))).toBe('applied');
    expect((await getPayment(payment.id)).status).toBe('paid');
    const bill = await env.DB.prepare('SELECT status FROM bills WHERE code = ?1').bind(code).first<{ status: string }>();
    expect(bill!.status).toBe('paid');
    const ledger = await expectLedgerBalanced(payment.id);
    expect(ledger.balances).toMatchObject({ 'collection:stripe': 0, 'payable:org_hospital': payment.amount });
  });

  it('ignores a repeated event id and a second event for the same change', async () => {
    const { payment } = await stripePayment();
    const { event: completed } = await completeAtStripe(payment);
    expect(await outcomeOf(await postEvent(completed))).toBe('applied');
    expect(await outcomeOf(await postEvent(completed))).toBe('duplicate');
    expect(await outcomeOf(await postEvent({ ...completed, id: `${completed.id}_again` }))).toBe('duplicate');
    expect((await expectLedgerBalanced(payment.id)).debits).toBe(2 * payment.amount);
  });

  it('is harmless out of order: an expired event after completion changes nothing', async () => {
    const { payment } = await stripePayment();
    const { session, event: completed } = await completeAtStripe(payment);
    await postEvent(completed);
    expect(await outcomeOf(await postEvent(event('checkout.session.expired', { ...session, status: 'expired' })))).toBe('no_change');
    expect((await getPayment(payment.id)).status).toBe('paid');
  });

  it('waits for async_payment_succeeded when the session completes unpaid', async () => {
    const { payment } = await stripePayment();
    const session = await standinSession(payment);
    expect(
      await outcomeOf(await postEvent(event('checkout.session.completed', { ...session, status: 'complete', payment_status: 'unpaid' }))),
    ).toBe('no_change');
    expect((await getPayment(payment.id)).status).toBe('pending');
    expect(
      await outcomeOf(
        await postEvent(
          event('checkout.session.async_payment_succeeded', {
            ...session,
            status: 'complete',
            payment_status: 'paid',
            payment_intent: 'pi_async1',
          }),
        ),
      ),
    ).toBe('applied');
    expect((await getPayment(payment.id)).status).toBe('paid');
  });

  it('marks the payment failed on async_payment_failed', async () => {
    const { payment } = await stripePayment();
    const session = await standinSession(payment);
    expect(await outcomeOf(await postEvent(event('checkout.session.async_payment_failed', { ...session, payment_status: 'unpaid' })))).toBe(
      'applied',
    );
    expect((await getPayment(payment.id)).status).toBe('failed');
  });

  it('expires the payment on checkout.session.expired', async () => {
    const { payment } = await stripePayment();
    const session = await standinSession(payment);
    expect(await outcomeOf(await postEvent(event('checkout.session.expired', { ...session, status: 'expired' })))).toBe('applied');
    expect((await getPayment(payment.id)).status).toBe('expired');
  });

  it('accepts a card payment completed before expiry even after our own sweep expired it (gateway correction)', async () => {
    const { payment } = await stripePayment();
    const ctx = createExecutionContext();
    worker.scheduled(createScheduledController({ scheduledTime: Date.parse(payment.expiresAt) + 1000, cron: '* * * * *' }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await getPayment(payment.id)).status).toBe('expired');
    const { event: completed } = await completeAtStripe(payment);
    expect(await outcomeOf(await postEvent(completed))).toBe('applied');
    expect((await getPayment(payment.id)).status).toBe('paid');
    const events = await env.DB.prepare('SELECT event FROM payment_events WHERE payment_id = ?1 ORDER BY rowid')
      .bind(payment.id)
      .all<{ event: string }>();
    expect(events.results.map((e) => e.event)).toEqual(['create', 'expire', 'gateway_confirm']);
  });

  it('files an exception when the session amount differs from ours', async () => {
    const { payment } = await stripePayment();
    const session = await standinSession(payment);
    const res = await postEvent(
      event('checkout.session.completed', { ...session, status: 'complete', payment_status: 'paid', amount_total: 1 }),
    );
    expect(await outcomeOf(res)).toBe('exception');
    expect((await exceptionsFor({ paymentId: payment.id })).map((e) => e.type)).toEqual(['amount_mismatch']);
    expect((await getPayment(payment.id)).status).toBe('pending');
  });

  it('refuses a bad signature with 400, and accepts the previous secret during rotation', async () => {
    const { payment } = await stripePayment();
    const { event: completed } = await completeAtStripe(payment);
    await expectError(await postEvent(completed, { secret: 'whsec_someone_else' }), 400, 'invalid_signature');
    await expectError(await postEvent(completed, { signature: 't=1,v1=abc' }), 400);
    expect((await getPayment(payment.id)).status).toBe('pending');
    expect(await outcomeOf(await postEvent(completed, { secret: 'whsec_test_previous' }))).toBe('applied');
  });

  it('answers 200 to event types it does not handle', async () => {
    expect(await outcomeOf(await postEvent(event('customer.created', { id: 'cus_1', object: 'customer' })))).toBe('ignored');
  });
});

describe('refunds through Stripe', () => {
  it('refunds part, then the rest, never more than was paid, each with an idempotency key', async () => {
    const { payment } = await stripePayment(500000);
    await postEvent((await completeAtStripe(payment)).event);
    const hospital = await loginHospitalStaff();
    const partial = await api(
      `/api/v1/payments/${payment.id}/refunds`,
      jsonRequest('POST', { amount: 200000, reason: 'Trả lại tiền thuốc không dùng' }, hospital),
    );
    expect(partial.status).toBe(201);
    expect(await partial.json()).toMatchObject({ status: 'succeeded', amount: 200000 });
    expect(await getPayment(payment.id)).toMatchObject({ status: 'paid', amountRefunded: 200000 });
    await expectError(
      await api(`/api/v1/payments/${payment.id}/refunds`, jsonRequest('POST', { amount: 300001, reason: 'Quá số tiền' }, hospital)),
      409,
      'refund_exceeds_payment',
    );
    const rest = await api(`/api/v1/payments/${payment.id}/refunds`, jsonRequest('POST', { amount: 300000, reason: 'Huỷ khám' }, hospital));
    expect(rest.status).toBe(201);
    expect(await getPayment(payment.id)).toMatchObject({ status: 'refunded', amountRefunded: 500000 });
    const ledger = await expectLedgerBalanced(payment.id);
    expect(ledger.balances).toMatchObject({ [`payer:${payment.id}`]: 0, 'payable:org_hospital': 0, 'collection:stripe': 0 });
    const { data } = (await (await fetch(`${STANDIN}/_standin/requests`)).json()) as {
      data: Array<{ path: string; idempotencyKey: string | null; body: StandinForm }>;
    };
    const refundCalls = data.filter((r) => r.path === '/v1/refunds' && r.body.metadata?.paymentId === payment.id);
    expect(refundCalls).toHaveLength(2);
    expect(refundCalls.every((r) => r.idempotencyKey?.startsWith('refund:'))).toBe(true);
    // Stripe then reports the refunds; we already know them, so nothing changes.
    const charge = {
      id: 'ch_x',
      object: 'charge',
      amount_refunded: 500000,
      payment_intent: (await standinSession(payment)).payment_intent,
      metadata: { paymentId: payment.id },
    };
    expect(await outcomeOf(await postEvent(event('charge.refunded', charge)))).toBe('no_change');
  });

  it('records a refund made in the Stripe dashboard from charge.refunded', async () => {
    const { payment } = await stripePayment(300000);
    const { session, event: completed } = await completeAtStripe(payment);
    await postEvent(completed);
    const charge = {
      id: `ch_${payment.id}`,
      object: 'charge',
      amount_refunded: 100000,
      payment_intent: session.payment_intent,
      metadata: { paymentId: payment.id },
    };
    expect(await outcomeOf(await postEvent(event('charge.refunded', charge)))).toBe('applied');
    expect(await getPayment(payment.id)).toMatchObject({ status: 'paid', amountRefunded: 100000 });
    const ledger = await expectLedgerBalanced(payment.id);
    expect(ledger.balances['payable:org_hospital']).toBe(200000);
  });

  it("is for admins and the payee's staff only", async () => {
    const { payment } = await stripePayment(300000);
    await postEvent((await completeAtStripe(payment)).event);
    await expectError(
      await api(
        `/api/v1/payments/${payment.id}/refunds`,
        jsonRequest('POST', { amount: 1000, reason: 'Không phải của tôi' }, await login('biller@choso.test')),
      ),
      404,
    );
    await expectError(
      await api(
        `/api/v1/payments/${payment.id}/refunds`,
        jsonRequest('POST', { amount: 1000, reason: 'Khách' }, await login('shopper@choso.test')),
      ),
      404,
    );
    await expectError(await api(`/api/v1/payments/${payment.id}/refunds`, jsonRequest('POST', { amount: 1000, reason: 'x' })), 401);
    const admin = await api(
      `/api/v1/payments/${payment.id}/refunds`,
      jsonRequest('POST', { amount: 1000, reason: 'Điều chỉnh' }, await login('admin@choso.test')),
    );
    expect(admin.status).toBe(201);
  });
});

/** A staff account of the hospital, made for these tests (the seed has none). */
async function loginHospitalStaff(): Promise<string> {
  const email = 'vienphi@benhvien.test';
  const exists = await env.DB.prepare('SELECT 1 FROM users WHERE email = ?1').bind(email).first();
  if (!exists) {
    const { hashPassword } = await import('../src/domain/password');
    await env.DB.prepare(
      "INSERT INTO users (id, email, name, role, organization_id, password_hash) VALUES ('usr_hospital', ?1, 'Kế toán viện phí', 'biller_staff', 'org_hospital', ?2)",
    )
      .bind(email, await hashPassword('demo1234'))
      .run();
  }
  return login(email);
}

describe('Stripe payouts', () => {
  async function payout(paymentIntentIds: string[], fee = 5000) {
    const res = await fetch(`${STANDIN}/_standin/payouts`, { method: 'POST', body: JSON.stringify({ paymentIntentIds, fee }) });
    return (await res.json()) as { id: string; amount: number };
  }

  it('checks a payout: gross − fees − refunds = net, and every charge is a paid payment', async () => {
    const first = await stripePayment(300000);
    const second = await stripePayment(200000);
    const intents: string[] = [];
    for (const { payment } of [first, second]) {
      const { session, event: completed } = await completeAtStripe(payment);
      await postEvent(completed);
      intents.push(session.payment_intent!);
    }
    const po = await payout(intents, 5000);
    expect(po.amount).toBe(500000 - 2 * 5000);
    const admin = await login('admin@choso.test');
    const res = await api(`/api/v1/reconciliation/stripe-payouts/${po.id}/check`, jsonRequest('POST', {}, admin));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      payoutId: po.id,
      gross: 500000,
      fees: 10000,
      refunds: 0,
      net: 490000,
      balanced: true,
      charges: 2,
      exceptions: 0,
      alreadyChecked: false,
    });
    expect(await (await api(`/api/v1/reconciliation/stripe-payouts/${po.id}/check`, jsonRequest('POST', {}, admin))).json()).toMatchObject({
      alreadyChecked: true,
    });
    await expectError(
      await api(`/api/v1/reconciliation/stripe-payouts/${po.id}/check`, jsonRequest('POST', {}, await login('market@choso.test'))),
      403,
    );
  });

  it('raises an exception for a charge we never counted as paid, from the payout.paid webhook', async () => {
    const { payment } = await stripePayment(150000);
    // Stripe took the money but its webhook never reached us.
    const { session } = await completeAtStripe(payment);
    const po = await payout([session.payment_intent!], 3000);
    const outcome = await outcomeOf(
      await postEvent(event('payout.paid', { id: po.id, object: 'payout', amount: po.amount, status: 'paid' })),
    );
    expect(outcome).toBe('exception');
    const { results } = await env.DB.prepare('SELECT type, amount, payment_id FROM payment_exceptions WHERE details LIKE ?1')
      .bind(`%${po.id}%`)
      .all();
    // We never learned this payment intent, so the charge cannot even be tied to our payment.
    expect(results).toEqual([{ type: 'unmatched_credit', amount: 150000, payment_id: null }]);
    expect((await getPayment(payment.id)).status).toBe('pending');
    expect(await outcomeOf(await postEvent(event('payout.paid', { id: po.id, object: 'payout' })))).toBe('duplicate');
  });
});

describe('Stripe edge cases found in review', () => {
  it('books every dashboard refund of one charge, not just the first', async () => {
    const { payment } = await stripePayment(300000);
    const { session, event: completed } = await completeAtStripe(payment);
    await postEvent(completed);
    const charge = (refunded: number) => ({
      id: `ch_two_${payment.id}`,
      object: 'charge',
      amount_refunded: refunded,
      payment_intent: session.payment_intent,
      metadata: { paymentId: payment.id },
    });
    expect(await outcomeOf(await postEvent(event('charge.refunded', charge(100000))))).toBe('applied');
    expect(await outcomeOf(await postEvent(event('charge.refunded', charge(150000))))).toBe('applied');
    expect(await outcomeOf(await postEvent(event('charge.refunded', charge(150000))))).toBe('duplicate');
    expect((await getPayment(payment.id)).amountRefunded).toBe(150000);
    expect((await expectLedgerBalanced(payment.id)).balances['payable:org_hospital']).toBe(150000);
  });

  it("does not book our own refund twice when Stripe's webhook for it arrives first", async () => {
    const { payment } = await stripePayment(300000);
    const { session, event: completed } = await completeAtStripe(payment);
    await postEvent(completed);
    // Our refund is in flight (reserved, processing) when Stripe reports it.
    await env.DB.batch([
      env.DB.prepare('UPDATE payments SET amount_refunded = 100000 WHERE id = ?1').bind(payment.id),
      env.DB.prepare(
        "INSERT INTO refunds (id, payment_id, amount, reason, method, status, requested_by) VALUES ('ref_inflight', ?1, 100000, 'x', 'stripe', 'processing', 'usr_admin')",
      ).bind(payment.id),
    ]);
    const charge = {
      id: `ch_if_${payment.id}`,
      object: 'charge',
      amount_refunded: 100000,
      payment_intent: session.payment_intent,
      metadata: { paymentId: payment.id },
    };
    expect(await outcomeOf(await postEvent(event('charge.refunded', charge)))).toBe('no_change');
    expect((await expectLedgerBalanced(payment.id)).balances['payable:org_hospital']).toBe(300000);
  });

  it('files an exception for a card payment made after its bill was cancelled', async () => {
    const { code, payment } = await stripePayment(120000);
    const staff = await loginHospitalStaff();
    const bill = await env.DB.prepare('SELECT id FROM bills WHERE code = ?1').bind(code).first<{ id: string }>();
    expect((await api(`/api/v1/bills/${bill!.id}/cancel`, jsonRequest('POST', {}, staff))).status).toBe(200);
    const { event: completed } = await completeAtStripe(payment);
    expect(await outcomeOf(await postEvent(completed))).toBe('exception');
    expect((await exceptionsFor({ paymentId: payment.id })).map((e) => e.type)).toEqual(['paid_after_expiry']);
    expect((await getPayment(payment.id)).status).toBe('expired');
  });
});
