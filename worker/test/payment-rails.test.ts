import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { newBillCode } from '../src/domain/codes';
import { seedDemo } from './helpers';
import {
  createPayment,
  exceptionsFor,
  expectLedgerBalanced,
  getPayment,
  insertOpenBill,
  noticeFor,
  type PaymentJson,
  postBankNotice,
} from './payment-helpers';
import { completeAtStripe, event, outcomeOf, postEvent, standinSession, standinStripe } from './stripe-helpers';

beforeAll(seedDemo);

const freshBill = (amount = 260000) => insertOpenBill(newBillCode(), 'org_hospital', amount);

async function eventsOf(paymentId: string) {
  const { results } = await env.DB.prepare('SELECT event, from_status, to_status FROM payment_events WHERE payment_id = ?1 ORDER BY rowid')
    .bind(paymentId)
    .all();
  return results;
}

const collectionAccounts = async (paymentId: string) =>
  Object.keys((await expectLedgerBalanced(paymentId)).balances)
    .filter((account) => account.startsWith('collection:'))
    .sort();

describe('one payment is on one rail', () => {
  it('gives a VietQR payment to a payer who asks for one after starting by card, and stops the card checkout', async () => {
    const code = await freshBill();
    const card = await createPayment({ billCode: code, method: 'stripe' });
    const transfer = await createPayment({ billCode: code, method: 'vietqr' });

    expect(transfer.id).not.toBe(card.id);
    expect(transfer).toMatchObject({ method: 'vietqr', status: 'pending', stripe: null });
    expect(transfer.vietqr?.payload).toContain(transfer.reference);
    expect((await getPayment(card.id)).status).toBe('expired');
    expect((await standinSession(card)).status).toBe('expired');
    expect(await eventsOf(card.id)).toEqual([
      { event: 'create', from_status: null, to_status: 'pending' },
      { event: 'supersede', from_status: 'pending', to_status: 'expired' },
    ]);

    // The payer transfers by bank: booked on the bank rail, never on collection:stripe.
    expect(await (await postBankNotice(noticeFor(transfer))).json()).toMatchObject({ outcome: 'matched', paymentId: transfer.id });
    expect((await getPayment(transfer.id)).status).toBe('paid');
    expect(await collectionAccounts(transfer.id)).toEqual([`collection:vietqr:${transfer.payee.bankBin}:${transfer.payee.accountNumber}`]);
    expect((await expectLedgerBalanced(card.id)).lines).toEqual([]);
  });

  it('gives a card payment to a payer who asks for one after starting by transfer; a late transfer is kept as an exception', async () => {
    const code = await freshBill();
    const transfer = await createPayment({ billCode: code, method: 'vietqr' });
    const card = await createPayment({ billCode: code, method: 'stripe' });

    expect(card).toMatchObject({ method: 'stripe', status: 'pending', vietqr: null });
    expect(card.stripe?.checkoutUrl).toBeTruthy();
    expect((await getPayment(transfer.id)).status).toBe('expired');

    const notice = noticeFor(transfer);
    expect(await (await postBankNotice(notice)).json()).toMatchObject({ outcome: 'exception', exceptionType: 'paid_after_expiry' });
    expect(await exceptionsFor({ bankTransactionId: notice.transactionId })).toEqual([
      expect.objectContaining({ type: 'paid_after_expiry', status: 'open', amount: 260000, payment_id: transfer.id }),
    ]);
    expect((await getPayment(card.id)).status).toBe('pending');
  });

  it('never books bank money on a card payment: a transfer naming its reference is an exception', async () => {
    const card = await createPayment({ billCode: await freshBill(), method: 'stripe' });
    const notice = { ...noticeFor(card), accountNumber: card.payee.accountNumber };
    expect(await (await postBankNotice(notice)).json()).toMatchObject({ outcome: 'exception', exceptionType: 'unknown_reference' });
    expect((await getPayment(card.id)).status).toBe('pending');
    expect((await expectLedgerBalanced(card.id)).lines).toEqual([]);
    expect(await exceptionsFor({ bankTransactionId: notice.transactionId })).toEqual([
      expect.objectContaining({ type: 'unknown_reference', payment_id: card.id, organization_id: 'org_hospital' }),
    ]);
  });

  it('returns the same payment to a payer who asks for the same rail again', async () => {
    const code = await freshBill();
    const first = await createPayment({ billCode: code, method: 'stripe' });
    const again = await createPayment({ billCode: code, method: 'stripe' });
    expect(again.id).toBe(first.id);
  });

  it('books card money on the card rail', async () => {
    const card = await createPayment({ billCode: await freshBill(), method: 'stripe' });
    expect(await outcomeOf(await postEvent((await completeAtStripe(card)).event))).toBe('applied');
    expect(await collectionAccounts(card.id)).toEqual(['collection:stripe']);
  });
});

describe('Stripe events confirm only Stripe payments, through the session we created', () => {
  /** A Checkout Session made at Stripe by someone else than us (the dashboard, another integration), naming `paymentId`, then paid. */
  async function strangersSession(paymentId: string, amount: number) {
    const session = await standinStripe.checkout.sessions.create({
      mode: 'payment',
      currency: 'vnd',
      line_items: [{ quantity: 1, price_data: { currency: 'vnd', unit_amount: amount, product_data: { name: 'Không phải của Chợ Số' } } }],
      metadata: { paymentId },
      client_reference_id: paymentId,
      success_url: 'https://example.test/ok',
      cancel_url: 'https://example.test/cancel',
    });
    return completeAtStripe({ stripe: { checkoutUrl: session.url!, qrSvgUrl: '' } } as PaymentJson);
  }

  it('does not confirm a VietQR payment that a signed event names, and keeps the card money for a person', async () => {
    const transfer = await createPayment({ billCode: await freshBill(310000), method: 'vietqr' });
    const { event: completed } = await strangersSession(transfer.id, 310000);

    expect(await outcomeOf(await postEvent(completed))).toBe('exception');
    expect((await getPayment(transfer.id)).status).toBe('pending');
    expect((await expectLedgerBalanced(transfer.id)).lines).toEqual([]);
    const kept = await env.DB.prepare('SELECT type, amount, payment_id, organization_id FROM payment_exceptions WHERE stripe_event_id = ?1')
      .bind(completed.id)
      .first();
    expect(kept).toEqual({ type: 'unmatched_credit', amount: 310000, payment_id: null, organization_id: null });
  });

  it('does not confirm a Stripe payment from a session that is not the one we created for it', async () => {
    const target = await createPayment({ billCode: await freshBill(330000), method: 'stripe' });
    const { event: completed } = await strangersSession(target.id, 330000);

    expect(await outcomeOf(await postEvent(completed))).toBe('exception');
    expect((await getPayment(target.id)).status).toBe('pending');
    // Its own session still confirms it.
    expect(await outcomeOf(await postEvent((await completeAtStripe(target)).event))).toBe('applied');
  });

  it('does not book a refund reported for a VietQR payment', async () => {
    const transfer = await createPayment({ billCode: await freshBill(150000), method: 'vietqr' });
    await postBankNotice(noticeFor(transfer));
    const charge = {
      id: 'ch_forged',
      object: 'charge',
      amount_refunded: 150000,
      payment_intent: 'pi_forged',
      metadata: { paymentId: transfer.id },
    };
    expect(await outcomeOf(await postEvent(event('charge.refunded', charge)))).toBe('no_change');
    expect(await getPayment(transfer.id)).toMatchObject({ status: 'paid', amountRefunded: 0 });
  });
});
