import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BankCredit } from '../src/domain/bank-credit';
import { newBillCode } from '../src/domain/codes';
import { applyBankCredits } from '../src/payments/credits';
import { faultyD1 } from './d1-faults';
import { seedDemo } from './helpers';
import {
  createPayment,
  DEMO_BILLS,
  exceptionsFor,
  expectLedgerBalanced,
  getPayment,
  insertOpenBill,
  type PaymentJson,
} from './payment-helpers';

const NOW = () => new Date().toISOString();

function creditFor(payment: PaymentJson, transactionId: string): BankCredit {
  return {
    accountNumber: payment.payee.accountNumber,
    transactionId,
    amount: payment.amount,
    description: `IBFT ${payment.reference} hoc phi`,
    bookedAt: new Date().toISOString(),
    source: 'statement',
  };
}

let account: string;

beforeAll(async () => {
  await seedDemo();
  account = (await env.DB.prepare("SELECT bank_account_no FROM organizations WHERE id = 'org_hospital'").first<{
    bank_account_no: string;
  }>())!.bank_account_no;
});

describe('the credit writer: one credit fails, the others land', () => {
  it('writes the others, and keeps the failing credit as an exception while its payment stays pending', async () => {
    const payments = [
      await createPayment({ billCode: DEMO_BILLS.tuitionAn.code }),
      await createPayment({ billCode: DEMO_BILLS.tuitionNgoc.code }),
      await createPayment({ billCode: await insertOpenBill(newBillCode(), 'org_school_dinh_bang', 125000) }),
    ];
    const failing = payments[1]!;
    // As if a constraint refused this payment's confirmation (a stock CHECK, a paid bill…).
    const fault = faultyD1(env.DB, ({ sql, params }) => sql.includes('UPDATE payments SET status') && params.includes(failing.id));
    const credits = payments.map((payment, index) => creditFor(payment, `FT-FALLBACK-${index}`));

    const outcomes = await applyBankCredits(fault.db, payments[0]!.payee.accountNumber, credits, NOW());

    expect(outcomes.map((o) => o.outcome)).toEqual(['matched', 'exception', 'matched']);
    expect(outcomes[1]).toMatchObject({ outcome: 'exception', type: 'unmatched_credit', paymentId: null });
    expect((await getPayment(payments[0]!.id)).status).toBe('paid');
    expect((await getPayment(failing.id)).status).toBe('pending');
    expect((await getPayment(payments[2]!.id)).status).toBe('paid');
    await expectLedgerBalanced(payments[0]!.id);
    await expectLedgerBalanced(payments[2]!.id);
    expect((await expectLedgerBalanced(failing.id)).lines).toEqual([]);
    const [kept] = await exceptionsFor({ bankTransactionId: 'FT-FALLBACK-1' });
    expect(kept).toMatchObject({
      type: 'unmatched_credit',
      status: 'open',
      amount: failing.amount,
      organization_id: 'org_school_dinh_bang',
    });
    // The first batch held all three and failed; then each credit went alone, the failing one twice.
    expect(fault.batches.length).toBe(5);
    const credited = await env.DB.prepare(
      "SELECT transaction_id, outcome FROM bank_credits WHERE transaction_id LIKE 'FT-FALLBACK-%' ORDER BY transaction_id",
    ).all();
    expect(credited.results).toEqual([
      { transaction_id: 'FT-FALLBACK-0', outcome: 'matched' },
      { transaction_id: 'FT-FALLBACK-1', outcome: 'exception' },
      { transaction_id: 'FT-FALLBACK-2', outcome: 'matched' },
    ]);
  });

  it('writes nothing twice when the same credits arrive again after a failure', async () => {
    const payment = await createPayment({ billCode: await insertOpenBill(newBillCode(), 'org_school_dinh_bang', 90000) });
    const credit = creditFor(payment, 'FT-AGAIN');
    const fault = faultyD1(env.DB, ({ sql, params }) => sql.includes('UPDATE payments SET status') && params.includes(payment.id));
    await applyBankCredits(fault.db, credit.accountNumber, [credit], NOW());
    expect(await applyBankCredits(env.DB, credit.accountNumber, [credit], NOW())).toEqual([{ outcome: 'duplicate' }]);
    expect(await exceptionsFor({ bankTransactionId: 'FT-AGAIN' })).toHaveLength(1);
  });
});

describe('the credit writer: a statement larger than one batch', () => {
  it('lands whole, over several batches, without splitting a credit across two', async () => {
    const payment = await createPayment({ billCode: await insertOpenBill(newBillCode(), 'org_hospital', 777000) });
    const credits: BankCredit[] = Array.from({ length: 300 }, (_, index) => ({
      accountNumber: account,
      transactionId: `FT-BIG-${String(index).padStart(3, '0')}`,
      amount: 1000 + index,
      description: `chuyen tien ${index}`,
      bookedAt: new Date().toISOString(),
      source: 'statement',
    }));
    credits.splice(150, 0, creditFor(payment, 'FT-BIG-PAY'));
    const fault = faultyD1(env.DB);

    const outcomes = await applyBankCredits(fault.db, account, credits, NOW());

    expect(outcomes).toHaveLength(301);
    expect(outcomes[150]).toEqual({ outcome: 'matched', paymentId: payment.id });
    expect(outcomes.filter((o) => o.outcome === 'exception')).toHaveLength(300);
    const landed = await env.DB.prepare("SELECT count(*) AS n FROM bank_credits WHERE transaction_id LIKE 'FT-BIG-%'").first<{
      n: number;
    }>();
    expect(landed!.n).toBe(301);
    expect((await getPayment(payment.id)).status).toBe('paid');
    // Written in more than one batch, none much over the limit, and each credit's rows in one batch.
    const writes = fault.batches.filter((batch) => batch.some((s) => s.sql.includes('INSERT INTO bank_credits')));
    expect(writes.length).toBeGreaterThan(1);
    for (const batch of writes) expect(batch.length).toBeLessThan(420);
    for (const batch of writes) {
      const credited = batch.filter((s) => s.sql.includes('INSERT INTO bank_credits')).map((s) => s.params[0]);
      const filed = batch.filter((s) => s.sql.includes('INSERT INTO payment_exceptions')).map((s) => s.params[3]);
      expect(filed.every((creditId) => credited.includes(creditId))).toBe(true);
    }
  });
});
