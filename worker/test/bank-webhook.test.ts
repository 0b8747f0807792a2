import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCharacter, newBillCode } from '../src/domain/codes';
import { api, expectError, seedDemo } from './helpers';
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

/** A fresh open bill of the school, so each test pays its own. */
const freshBill = (amount = 200000) => insertOpenBill(newBillCode(), 'org_school_dinh_bang', amount);

async function paymentFor(amount = 200000): Promise<PaymentJson> {
  return createPayment({ billCode: await freshBill(amount) });
}

async function billStatus(code: string) {
  return (await env.DB.prepare('SELECT status, payment_id FROM bills WHERE code = ?1')
    .bind(code)
    .first<{ status: string; payment_id: string | null }>())!;
}

/** Rows in every table a bank notice can write to: "changes nothing" means these stay equal. */
const TABLES = ['bank_credits', 'payments', 'payment_events', 'payment_exceptions', 'ledger_lines', 'refunds', 'exception_resolutions'];

async function rowCounts(): Promise<Record<string, number>> {
  const rows = await env.DB.batch(TABLES.map((table) => env.DB.prepare(`SELECT count(*) AS n FROM ${table}`)));
  const paidBills = await env.DB.prepare("SELECT count(*) AS n FROM bills WHERE status = 'paid'").first<{ n: number }>();
  return {
    ...Object.fromEntries(TABLES.map((table, index) => [table, (rows[index]!.results[0] as { n: number }).n])),
    paid_bills: paidBills!.n,
  };
}

/** What one call changed: the difference in row counts, tables that did not change left out. */
async function rowsWrittenBy(action: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = await rowCounts();
  await action();
  const after = await rowCounts();
  return Object.fromEntries(Object.entries(after).flatMap(([table, n]) => (n === before[table] ? [] : [[table, n - before[table]!]])));
}

beforeAll(seedDemo);

describe('POST /api/v1/webhooks/bank: signatures', () => {
  it.each([
    ['a missing signature', { signature: null }],
    ['a wrong signature', { signature: 'deadbeef'.repeat(8) }],
    ['a signature made with another secret', { secret: 'not-our-secret' }],
    ['a timestamp 301 s old', { timestampOffset: -301 }],
    ['a timestamp 310 s ahead', { timestampOffset: 310 }],
    ['a timestamp that is not a number', { timestamp: 'yesterday' }],
  ])(
    'refuses %s with 401 and changes nothing',
    async (_name, {
      timestampOffset,
      ...options
    }: { timestampOffset?: number; timestamp?: string; secret?: string; signature?: string | null }) => {
      const payment = await paymentFor();
      const notice = noticeFor(payment);
      // Computed now, not when the table was built: time has moved on since.
      const timestamp = timestampOffset === undefined ? options.timestamp : String(Math.floor(Date.now() / 1000) + timestampOffset);
      expect(
        await rowsWrittenBy(async () => expectError(await postBankNotice(notice, { ...options, timestamp }), 401, 'invalid_signature')),
      ).toEqual({});
      expect((await getPayment(payment.id)).status).toBe('pending');
      const credits = await env.DB.prepare('SELECT count(*) AS n FROM bank_credits WHERE transaction_id = ?1')
        .bind(notice.transactionId)
        .first<{ n: number }>();
      expect(credits!.n).toBe(0);
    },
  );

  it('refuses a body altered after signing', async () => {
    const payment = await paymentFor();
    const notice = noticeFor(payment);
    const { signBankNotification } = await import('../src/domain/hmac');
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = await signBankNotification('test-bank-secret', timestamp, JSON.stringify(notice));
    expect(
      await rowsWrittenBy(async () =>
        expectError(await postBankNotice({ ...notice, amount: notice.amount + 1 }, { timestamp, signature }), 401, 'invalid_signature'),
      ),
    ).toEqual({});
    expect((await getPayment(payment.id)).status).toBe('pending');
  });

  it('accepts the previous secret while secrets rotate', async () => {
    const payment = await paymentFor();
    const res = await postBankNotice(noticeFor(payment), { secret: 'previous-bank-secret' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ outcome: 'matched', paymentId: payment.id, exceptionType: null });
    expect((await getPayment(payment.id)).status).toBe('paid');
  });

  it('answers a signed but invalid body with 400, and stores nothing', async () => {
    expect(await rowsWrittenBy(async () => expectError(await postBankNotice('{"transactionId": 1}'), 400, 'validation_failed'))).toEqual(
      {},
    );
    expect(await rowsWrittenBy(async () => expectError(await postBankNotice('not json'), 400, 'bad_request'))).toEqual({});
  });

  it.each([
    ['an amount of 0', { amount: 0 }, 'amount'],
    ['a negative amount', { amount: -200000 }, 'amount'],
    ['an amount with a fraction', { amount: 200000.5 }, 'amount'],
    ['an account number with letters', { accountNumber: '1201ABC' }, 'accountNumber'],
    ['a booking time that is not a date', { bookedAt: 'hôm qua' }, 'bookedAt'],
    ['an empty transaction id', { transactionId: ' ' }, 'transactionId'],
    ['a field we do not know', { fee: 1000 }, null],
  ])('answers a signed notice with %s with 400, and stores nothing', async (_name, change, path) => {
    const payment = await paymentFor();
    const written = await rowsWrittenBy(async () => {
      const body = await expectError(await postBankNotice({ ...noticeFor(payment), ...change }), 400, 'validation_failed');
      if (path !== null) expect(body.error.details.map((d) => d.path)).toContain(path);
    });
    expect(written).toEqual({});
    expect((await getPayment(payment.id)).status).toBe('pending');
  });
});

describe('POST /api/v1/webhooks/bank: confirming a payment', () => {
  it('marks the payment and the bill paid, writes a balanced ledger, and offers a receipt', async () => {
    const code = await freshBill(350000);
    const payment = await createPayment({ billCode: code });
    const res = await postBankNotice(noticeFor(payment));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ outcome: 'matched', paymentId: payment.id, exceptionType: null });
    const paid = await getPayment(payment.id);
    expect(paid.status).toBe('paid');
    expect(paid.paidAt).not.toBeNull();
    expect(paid.receiptUrl).toBe(`/api/v1/payments/${payment.id}/receipt`);
    expect(await billStatus(code)).toEqual({ status: 'paid', payment_id: payment.id });
    const ledger = await expectLedgerBalanced(payment.id);
    expect(ledger.balances).toEqual({
      [`payer:${payment.id}`]: -350000,
      [`collection:vietqr:${payment.payee.bankBin}:${payment.payee.accountNumber}`]: 0,
      'payable:org_school_dinh_bang': 350000,
    });
    const events = await env.DB.prepare(
      'SELECT event, from_status, to_status, source FROM payment_events WHERE payment_id = ?1 ORDER BY rowid',
    )
      .bind(payment.id)
      .all();
    expect(events.results).toEqual([
      { event: 'create', from_status: null, to_status: 'pending', source: 'api' },
      { event: 'confirm', from_status: 'pending', to_status: 'paid', source: 'bank' },
    ]);
    const receipt = await api(paid.receiptUrl!);
    expect(receipt.status).toBe(200);
    const html = await receipt.text();
    expect(html).toContain(payment.reference);
    expect(html).toContain('350.000 ₫');
    expect(html).toContain('Trường THCS Đình Bảng');
    expect(html).toContain(`/bien-lai/${payment.id}`);
    expect(html).toContain('<svg');
  });

  it.each([
    ['lower case, no spaces', (ref: string) => `thanh toan hoc phi${ref.toLowerCase()}xin cam on`],
    ['diacritics around it', (ref: string) => `Chuyển tiền học phí ${ref} cho con`],
    ['split by the bank', (ref: string) => `311447.110821.213735.${ref.slice(0, 4)} ${ref.slice(4)}-0353460723-hoc phi`],
    ['dashes inside', (ref: string) => `IBFT ${ref.slice(0, 3)}-${ref.slice(3, 7)}-${ref.slice(7)} (by TPBank ChatPay)`],
  ])('finds the reference when it arrives %s', async (_name, describe) => {
    const payment = await paymentFor();
    const res = await postBankNotice(noticeFor(payment, { description: describe(payment.reference) }));
    expect((await res.json<{ outcome: string }>()).outcome).toBe('matched');
  });

  it('changes nothing for a repeated transactionId, and answers 200', async () => {
    const payment = await paymentFor();
    const notice = noticeFor(payment);
    expect((await (await postBankNotice(notice)).json<{ outcome: string }>()).outcome).toBe('matched');
    let again: Response | undefined;
    expect(
      await rowsWrittenBy(async () => {
        again = await postBankNotice(notice);
      }),
    ).toEqual({});
    expect(again!.status).toBe(200);
    expect(await again!.json()).toEqual({ outcome: 'duplicate', paymentId: null, exceptionType: null });
    const ledger = await expectLedgerBalanced(payment.id);
    expect(ledger.debits).toBe(2 * payment.amount);
    expect(await exceptionsFor({ paymentId: payment.id })).toEqual([]);
  });

  it('applies a credit once when the same notification arrives many times at once', async () => {
    const payment = await paymentFor();
    const notice = noticeFor(payment);
    let outcomes: string[] = [];
    const written = await rowsWrittenBy(async () => {
      outcomes = await Promise.all(
        Array.from({ length: 6 }, async () => (await (await postBankNotice(notice)).json<{ outcome: string }>()).outcome),
      );
    });
    // One credit, one confirmation, one ledger entry (two journals of two lines), one bill paid.
    expect(written).toEqual({ bank_credits: 1, payment_events: 1, ledger_lines: 4, paid_bills: 1 });
    expect(outcomes.filter((o) => o === 'matched')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'duplicate')).toHaveLength(5);
    expect((await expectLedgerBalanced(payment.id)).debits).toBe(2 * payment.amount);
  });
});

describe('POST /api/v1/webhooks/bank: exceptions, never dropped', () => {
  it('records a different amount as amount_mismatch; the payment stays pending', async () => {
    const payment = await paymentFor(200000);
    const notice = noticeFor(payment, { amount: 150000 });
    const body = await (await postBankNotice(notice)).json<{ outcome: string; exceptionType: string }>();
    expect(body).toMatchObject({ outcome: 'exception', exceptionType: 'amount_mismatch' });
    expect((await getPayment(payment.id)).status).toBe('pending');
    expect(await exceptionsFor({ bankTransactionId: notice.transactionId })).toEqual([
      {
        type: 'amount_mismatch',
        status: 'open',
        amount: 150000,
        expected_amount: 200000,
        payment_id: payment.id,
        organization_id: 'org_school_dinh_bang',
      },
    ]);
    expect((await expectLedgerBalanced(payment.id)).lines).toEqual([]);
  });

  it('records a credit with no reference as unmatched_credit, queued for the account owner', async () => {
    const notice = {
      transactionId: 'FTNOREF1',
      accountNumber: (await paymentFor()).payee.accountNumber,
      amount: 120000,
      description: 'chuyen tien hoc phi con',
      bookedAt: new Date().toISOString(),
    };
    const body = await (await postBankNotice(notice)).json<{ exceptionType: string }>();
    expect(body.exceptionType).toBe('unmatched_credit');
    expect(await exceptionsFor({ bankTransactionId: 'FTNOREF1' })).toEqual([
      {
        type: 'unmatched_credit',
        status: 'open',
        amount: 120000,
        expected_amount: null,
        payment_id: null,
        organization_id: 'org_school_dinh_bang',
      },
    ]);
  });

  it('records a well-formed reference that we never issued as unknown_reference', async () => {
    const reference = `CS2345678${checkCharacter('CS2345678')}`;
    const notice = {
      transactionId: 'FTUNKNOWN1',
      accountNumber: '12010009998888',
      amount: 120000,
      description: `TT ${reference}`,
      bookedAt: new Date().toISOString(),
    };
    expect((await (await postBankNotice(notice)).json<{ exceptionType: string }>()).exceptionType).toBe('unknown_reference');
    expect(await exceptionsFor({ bankTransactionId: 'FTUNKNOWN1' })).toEqual([
      { type: 'unknown_reference', status: 'open', amount: 120000, expected_amount: null, payment_id: null, organization_id: null },
    ]);
  });

  it('treats a reference with a wrong check character as no reference: matched by amount and date only when one open payment fits', async () => {
    const payment = await paymentFor(777001);
    const wrong = payment.reference.slice(0, 9) + (payment.reference[9] === 'Z' ? 'Y' : 'Z');
    const alone = await (await postBankNotice(noticeFor(payment, { description: `TT ${wrong}` }))).json<{
      outcome: string;
      paymentId: string;
    }>();
    expect(alone).toMatchObject({ outcome: 'matched', paymentId: payment.id });
    // Two open payments of the same amount: nothing to tell them apart, so a person decides.
    const [a, b] = [await paymentFor(777002), await paymentFor(777002)];
    const notice = noticeFor(a, { description: 'chuyen tien hoc phi' });
    const body = await (await postBankNotice(notice)).json<{ exceptionType: string }>();
    expect(body.exceptionType).toBe('ambiguous');
    expect(await exceptionsFor({ bankTransactionId: notice.transactionId })).toEqual([
      {
        type: 'ambiguous',
        status: 'open',
        amount: 777002,
        expected_amount: null,
        payment_id: null,
        organization_id: 'org_school_dinh_bang',
      },
    ]);
    expect([(await getPayment(a.id)).status, (await getPayment(b.id)).status]).toEqual(['pending', 'pending']);
  });

  it('records a transfer booked after the payment expired as paid_after_expiry', async () => {
    const payment = await paymentFor();
    const late = new Date(Date.parse(payment.expiresAt) + 60_000).toISOString();
    const notice = noticeFor(payment, { bookedAt: late });
    const body = await (await postBankNotice(notice)).json<{ exceptionType: string }>();
    expect(body.exceptionType).toBe('paid_after_expiry');
    expect((await getPayment(payment.id)).status).toBe('pending');
    expect(await exceptionsFor({ bankTransactionId: notice.transactionId })).toEqual([
      {
        type: 'paid_after_expiry',
        status: 'open',
        amount: 200000,
        expected_amount: 200000,
        payment_id: payment.id,
        organization_id: 'org_school_dinh_bang',
      },
    ]);
    expect((await expectLedgerBalanced(payment.id)).lines).toEqual([]);
  });

  it('confirms a transfer booked in time even when its notice arrives late (out of order)', async () => {
    const payment = await paymentFor();
    await env.DB.prepare('UPDATE payments SET expires_at = ?2 WHERE id = ?1')
      .bind(payment.id, new Date(Date.now() - 1000).toISOString())
      .run();
    const bookedInTime = new Date(Date.now() - 60_000).toISOString();
    const body = await (await postBankNotice(noticeFor(payment, { bookedAt: bookedInTime }))).json<{ outcome: string }>();
    expect(body.outcome).toBe('matched');
  });

  it('records a second payment for an already paid bill as duplicate_payment', async () => {
    const payment = await paymentFor();
    await postBankNotice(noticeFor(payment));
    const second = noticeFor(payment);
    const body = await (await postBankNotice(second)).json<{ exceptionType: string }>();
    expect(body.exceptionType).toBe('duplicate_payment');
    expect(await exceptionsFor({ bankTransactionId: second.transactionId })).toEqual([
      {
        type: 'duplicate_payment',
        status: 'open',
        amount: 200000,
        expected_amount: 200000,
        payment_id: payment.id,
        organization_id: 'org_school_dinh_bang',
      },
    ]);
    // The money was counted once.
    expect((await expectLedgerBalanced(payment.id)).balances['payable:org_school_dinh_bang']).toBe(payment.amount);
  });

  it('records money sent to another of our accounts with a valid reference as unknown_reference', async () => {
    const payment = await paymentFor();
    const notice = noticeFor(payment, { accountNumber: '12010009998888' });
    const body = await (await postBankNotice(notice)).json<{ exceptionType: string }>();
    expect(body.exceptionType).toBe('unknown_reference');
    expect((await getPayment(payment.id)).status).toBe('pending');
    // Not linked to the school's payment: a payment of another account is none of this one's business.
    expect(await exceptionsFor({ bankTransactionId: notice.transactionId })).toEqual([
      { type: 'unknown_reference', status: 'open', amount: 200000, expected_amount: null, payment_id: null, organization_id: null },
    ]);
  });

  it('keeps every credit: each notice is one bank_credits row with an outcome', async () => {
    const payment = await paymentFor();
    const paid = noticeFor(payment);
    const twice = noticeFor(payment);
    const wrongAmount = noticeFor(await paymentFor(), { amount: 1000 });
    const outcomes = [];
    for (const notice of [paid, paid, twice, wrongAmount]) outcomes.push(await (await postBankNotice(notice)).json<{ outcome: string }>());
    expect(outcomes.map((o) => o.outcome)).toEqual(['matched', 'duplicate', 'exception', 'exception']);
    const ids = [paid, twice, wrongAmount].map((n) => n.transactionId);
    const { results: rows } = await env.DB.prepare(
      `SELECT b.transaction_id, b.outcome, b.payment_id IS NOT NULL AS linked, count(e.id) AS exceptions
       FROM bank_credits b LEFT JOIN payment_exceptions e ON e.bank_credit_id = b.id
       WHERE b.transaction_id IN (?1, ?2, ?3) GROUP BY b.id ORDER BY b.transaction_id`,
    )
      .bind(...ids)
      .all();
    expect(rows).toEqual(
      [
        { transaction_id: paid.transactionId, outcome: 'matched', linked: 1, exceptions: 0 },
        { transaction_id: twice.transactionId, outcome: 'exception', linked: 1, exceptions: 1 },
        { transaction_id: wrongAmount.transactionId, outcome: 'exception', linked: 1, exceptions: 1 },
      ].sort((a, b) => a.transaction_id.localeCompare(b.transaction_id)),
    );
    // And across everything this file has received:
    const { results } = await env.DB.prepare(
      `SELECT b.outcome, count(*) AS n, sum(e.id IS NOT NULL) AS with_exception
       FROM bank_credits b LEFT JOIN payment_exceptions e ON e.bank_credit_id = b.id GROUP BY b.outcome`,
    ).all<{ outcome: string; n: number; with_exception: number }>();
    const exception = results.find((r) => r.outcome === 'exception')!;
    expect(exception.with_exception).toBe(exception.n);
    expect(results.find((r) => r.outcome === 'matched')!.with_exception).toBe(0);
  });
});
