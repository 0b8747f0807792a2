import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StatementLine } from './bank-credit';
import { CODE_ALPHABET, checkCharacter } from './codes';
import {
  type KnownBill,
  type KnownPayment,
  type KnownStall,
  type LineDecision,
  type MatcherState,
  type MatchResult,
  matchStatement,
  type OpenTarget,
} from './statement-matcher';

const ACCOUNT = '0011001234567';
const OTHER_ACCOUNT = '9990001112223';

/** A valid reference built from a payload, so no test hand-computes a check character. */
function reference(random7: string): string {
  return `CS${random7}${checkCharacter(`CS${random7}`)}`;
}

/** `ref` with its check character replaced by a wrong one. */
function withWrongCheck(ref: string): string {
  return ref.slice(0, 9) + (ref.charAt(9) === '2' ? '3' : '2');
}

const REF_A = reference('7KQM2X9');
const REF_B = reference('ABCDEFG');
const REF_UNKNOWN = reference('HJKMNPQ');
const REF_DEC = reference('DECDEC2');

function payment(overrides: Partial<KnownPayment> & Pick<KnownPayment, 'id' | 'reference'>): KnownPayment {
  return {
    amount: 350_000,
    status: 'pending',
    expiresAt: '2025-06-01T10:00:00.000Z',
    payeeAccountNo: ACCOUNT,
    billId: null,
    orderId: null,
    ...overrides,
  };
}

let nextLine = 1;
function line(overrides: Partial<StatementLine> = {}): StatementLine {
  nextLine += 1;
  return {
    lineNumber: nextLine,
    transactionId: `FT${nextLine}`,
    bookedAt: '2025-06-01T03:15:00.000Z', // 10:15 on 1 June in Vietnam
    amount: 350_000,
    description: 'chuyen tien',
    ...overrides,
  };
}

function state(overrides: Partial<MatcherState> & { payments?: KnownPayment[] } = {}): MatcherState {
  const { payments = [], ...rest } = overrides;
  return {
    accountNumber: ACCOUNT,
    confirmedTransactionIds: new Set(),
    paymentsByReference: new Map(payments.map((p) => [p.reference, p])),
    openTargets: [],
    ...rest,
  };
}

/** A decision without its line, which the tests know already. */
type Outcome = LineDecision extends infer D ? (D extends LineDecision ? Omit<D, 'line'> : never) : never;

function outcomes(result: MatchResult): Outcome[] {
  return result.decisions.map(({ line: _line, ...rest }) => rest as Outcome);
}

const payA = payment({ id: 'pay_a', reference: REF_A });
const payB = payment({ id: 'pay_b', reference: REF_B, amount: 120_000 });

describe('matchStatement, one rule at a time', () => {
  const target = (kind: OpenTarget['kind'], id: string, date: string, amount = 500_000): OpenTarget => ({ kind, id, amount, date });

  const cases: Array<[string, StatementLine[], MatcherState, Outcome[]]> = [
    // Rule 1
    [
      'a transaction id confirmed already (by a notification) is already_confirmed',
      [line({ transactionId: 'FT-NOTIFIED', description: `thanh toan ${REF_A}` })],
      state({ payments: [payA], confirmedTransactionIds: new Set(['FT-NOTIFIED']) }),
      [{ kind: 'already_confirmed' }],
    ],
    [
      'a transaction id seen earlier in the statement is already_confirmed',
      [line({ transactionId: 'FT-TWICE', description: REF_A }), line({ transactionId: 'FT-TWICE', description: REF_A })],
      state({ payments: [payA] }),
      [{ kind: 'matched', paymentId: 'pay_a', how: 'reference' }, { kind: 'already_confirmed' }],
    ],
    // Rule 2
    [
      'a reference of a pending payment, the right amount, in time: matched',
      [line({ description: `MBVCB.4530998360.029552.${REF_A.toLowerCase()} chuyen tien.CT tu 0351000646393` })],
      state({ payments: [payA] }),
      [{ kind: 'matched', paymentId: 'pay_a', how: 'reference' }],
    ],
    [
      'booked at the very instant the payment expires: still matched',
      [line({ bookedAt: '2025-06-01T10:00:00.000Z', description: REF_A })],
      state({ payments: [payA] }),
      [{ kind: 'matched', paymentId: 'pay_a', how: 'reference' }],
    ],
    [
      'an expiry written with an offset is compared as an instant',
      [line({ bookedAt: '2025-06-01T10:00:00.000Z', description: REF_A })],
      state({ payments: [{ ...payA, expiresAt: '2025-06-01T17:00:00+07:00' }] }),
      [{ kind: 'matched', paymentId: 'pay_a', how: 'reference' }],
    ],
    [
      'the first reference we issued is the payment, even after one we did not',
      [line({ description: `${REF_UNKNOWN} ${REF_A}` })],
      state({ payments: [payA] }),
      [{ kind: 'matched', paymentId: 'pay_a', how: 'reference' }],
    ],
    [
      'references are tried best first: the one standing alone wins',
      [line({ amount: 120_000, description: `toi${REF_A}chuyen ${REF_B}` })],
      state({ payments: [payA, payB] }),
      [{ kind: 'matched', paymentId: 'pay_b', how: 'reference' }],
    ],
    [
      "a card payment's reference on a bank transfer: unknown_reference, naming the payment (bank money never pays a card payment)",
      [line({ description: REF_A })],
      state({ payments: [{ ...payA, method: 'stripe' }] }),
      [{ kind: 'exception', type: 'unknown_reference', paymentId: 'pay_a' }],
    ],
    [
      'a pending payment whose bill was paid another way: duplicate_payment',
      [line({ description: REF_A })],
      state({ payments: [{ ...payA, billId: 'bil_a', billStatus: 'paid' }] }),
      [{ kind: 'exception', type: 'duplicate_payment', paymentId: 'pay_a' }],
    ],
    [
      'a pending payment whose bill was cancelled: paid_after_expiry',
      [line({ description: REF_A })],
      state({ payments: [{ ...payA, billId: 'bil_a', billStatus: 'cancelled' }] }),
      [{ kind: 'exception', type: 'paid_after_expiry', paymentId: 'pay_a' }],
    ],
    [
      'a valid reference we never issued: unknown_reference',
      [line({ description: `thanh toan ${REF_UNKNOWN}` })],
      state({ payments: [payA] }),
      [{ kind: 'exception', type: 'unknown_reference', paymentId: null }],
    ],
    [
      'a reference of a payment to another account: unknown_reference, no payment named',
      [line({ description: REF_A })],
      state({ payments: [{ ...payA, payeeAccountNo: OTHER_ACCOUNT }] }),
      [{ kind: 'exception', type: 'unknown_reference', paymentId: null }],
    ],
    [
      'a payment already paid: duplicate_payment',
      [line({ description: REF_A })],
      state({ payments: [{ ...payA, status: 'paid' }] }),
      [{ kind: 'exception', type: 'duplicate_payment', paymentId: 'pay_a' }],
    ],
    [
      'a payment partially refunded: duplicate_payment',
      [line({ description: REF_A })],
      state({ payments: [{ ...payA, status: 'partially_refunded' }] }),
      [{ kind: 'exception', type: 'duplicate_payment', paymentId: 'pay_a' }],
    ],
    [
      'a payment refunded: duplicate_payment',
      [line({ description: REF_A })],
      state({ payments: [{ ...payA, status: 'refunded' }] }),
      [{ kind: 'exception', type: 'duplicate_payment', paymentId: 'pay_a' }],
    ],
    [
      'paid twice in one statement (two bank transactions): the second is duplicate_payment',
      [line({ description: REF_A }), line({ description: `lan 2 ${REF_A}` })],
      state({ payments: [payA] }),
      [
        { kind: 'matched', paymentId: 'pay_a', how: 'reference' },
        { kind: 'exception', type: 'duplicate_payment', paymentId: 'pay_a' },
      ],
    ],
    [
      'matched earlier in the statement beats a wrong amount: duplicate_payment',
      [line({ description: REF_A }), line({ amount: 1_000, description: REF_A })],
      state({ payments: [payA] }),
      [
        { kind: 'matched', paymentId: 'pay_a', how: 'reference' },
        { kind: 'exception', type: 'duplicate_payment', paymentId: 'pay_a' },
      ],
    ],
    [
      'a wrong amount first, the right amount after: the second matches',
      [line({ amount: 35_000, description: REF_A }), line({ description: REF_A })],
      state({ payments: [payA] }),
      [
        { kind: 'exception', type: 'amount_mismatch', paymentId: 'pay_a' },
        { kind: 'matched', paymentId: 'pay_a', how: 'reference' },
      ],
    ],
    [
      'a pending payment, another amount: amount_mismatch',
      [line({ amount: 305_000, description: REF_A })],
      state({ payments: [payA] }),
      [{ kind: 'exception', type: 'amount_mismatch', paymentId: 'pay_a' }],
    ],
    [
      'another amount and late as well: amount_mismatch comes first',
      [line({ amount: 305_000, bookedAt: '2025-06-02T00:00:00.000Z', description: REF_A })],
      state({ payments: [payA] }),
      [{ kind: 'exception', type: 'amount_mismatch', paymentId: 'pay_a' }],
    ],
    [
      'booked a second after expiry: paid_after_expiry',
      [line({ bookedAt: '2025-06-01T10:00:01.000Z', description: REF_A })],
      state({ payments: [payA] }),
      [{ kind: 'exception', type: 'paid_after_expiry', paymentId: 'pay_a' }],
    ],
    [
      'a payment expired by the sweeper: paid_after_expiry',
      [line({ description: REF_A })],
      state({ payments: [{ ...payA, status: 'expired' }] }),
      [{ kind: 'exception', type: 'paid_after_expiry', paymentId: 'pay_a' }],
    ],
    [
      'a failed payment, whatever the amount: paid_after_expiry',
      [line({ amount: 1, description: REF_A })],
      state({ payments: [{ ...payA, status: 'failed' }] }),
      [{ kind: 'exception', type: 'paid_after_expiry', paymentId: 'pay_a' }],
    ],
    [
      'a reference with a broken check character is no reference: rule 3 decides',
      [line({ description: `thanh toan ${withWrongCheck(REF_A)}` })],
      state({ payments: [payA] }),
      [{ kind: 'exception', type: 'unmatched_credit', paymentId: null }],
    ],
    // Rule 3
    [
      'no reference and no open target: unmatched_credit',
      [line({ amount: 500_000 })],
      state({ openTargets: [target('bill', 'bill_other_amount', '2025-06-01', 499_000)] }),
      [{ kind: 'exception', type: 'unmatched_credit', paymentId: null }],
    ],
    [
      'no reference, one open target of that amount within 3 days: matched_target',
      [line({ amount: 500_000 })],
      state({ openTargets: [target('bill', 'bill_1', '2025-06-04')] }),
      [{ kind: 'matched_target', target: target('bill', 'bill_1', '2025-06-04'), how: 'amount_and_date' }],
    ],
    [
      'the date counts in Vietnam: 18:00 UTC on 31 May is 1 June there, 4 days before 5 June',
      [line({ amount: 500_000, bookedAt: '2025-05-31T18:00:00.000Z' })],
      state({ openTargets: [target('bill', 'bill_late', '2025-06-05'), target('payment', 'pay_early', '2025-05-29')] }),
      [{ kind: 'matched_target', target: target('payment', 'pay_early', '2025-05-29'), how: 'amount_and_date' }],
    ],
    [
      'a target 4 days away does not fit: unmatched_credit',
      [line({ amount: 500_000 })],
      state({ openTargets: [target('bill', 'bill_far', '2025-06-05'), target('bill', 'bill_far_before', '2025-05-28')] }),
      [{ kind: 'exception', type: 'unmatched_credit', paymentId: null }],
    ],
    [
      'two fitting targets: ambiguous, with both as candidates',
      [line({ amount: 500_000 })],
      state({ openTargets: [target('bill', 'bill_1', '2025-06-01'), target('payment', 'pay_9', '2025-05-30')] }),
      [{ kind: 'exception', type: 'ambiguous', paymentId: null, candidates: ['bill_1', 'pay_9'] }],
    ],
    [
      'a target taken by an earlier line is not offered again',
      [line({ amount: 500_000 }), line({ amount: 500_000 })],
      state({ openTargets: [target('bill', 'bill_1', '2025-06-01')] }),
      [
        { kind: 'matched_target', target: target('bill', 'bill_1', '2025-06-01'), how: 'amount_and_date' },
        { kind: 'exception', type: 'unmatched_credit', paymentId: null },
      ],
    ],
    [
      'of two fitting targets, one taken: the other is matched',
      [line({ amount: 500_000, description: REF_A }), line({ amount: 500_000 })],
      state({
        payments: [{ ...payA, amount: 500_000, billId: 'bill_1' }],
        openTargets: [target('bill', 'bill_1', '2025-06-01'), target('bill', 'bill_2', '2025-06-02')],
      }),
      [
        { kind: 'matched', paymentId: 'pay_a', how: 'reference' },
        { kind: 'matched_target', target: target('bill', 'bill_2', '2025-06-02'), how: 'amount_and_date' },
      ],
    ],
    [
      'a payment matched by reference is not also matched as a target',
      [line({ description: REF_A }), line()],
      state({ payments: [payA], openTargets: [target('payment', 'pay_a', '2025-06-01', 350_000)] }),
      [
        { kind: 'matched', paymentId: 'pay_a', how: 'reference' },
        { kind: 'exception', type: 'unmatched_credit', paymentId: null },
      ],
    ],
    [
      'a reference later in the file wins over a guess earlier in it',
      [line({ transactionId: 'GUESS', amount: 500_000 }), line({ transactionId: 'SURE', amount: 500_000, description: REF_A })],
      state({ payments: [{ ...payA, amount: 500_000, billId: 'bill_1' }], openTargets: [target('bill', 'bill_1', '2025-06-01')] }),
      [
        { kind: 'exception', type: 'unmatched_credit', paymentId: null },
        { kind: 'matched', paymentId: 'pay_a', how: 'reference' },
      ],
    ],
    [
      'the same target listed twice is one target',
      [line({ amount: 500_000 })],
      state({ openTargets: [target('bill', 'bill_1', '2025-06-01'), target('bill', 'bill_1', '2025-06-02')] }),
      [{ kind: 'matched_target', target: target('bill', 'bill_1', '2025-06-01'), how: 'amount_and_date' }],
    ],
    [
      'an unknown reference is not matched by amount and date',
      [line({ amount: 500_000, description: REF_UNKNOWN })],
      state({ openTargets: [target('bill', 'bill_1', '2025-06-01')] }),
      [{ kind: 'exception', type: 'unknown_reference', paymentId: null }],
    ],
  ];

  it.each(cases)('%s', (_rule, lines, matcherState, expected) => {
    const result = matchStatement(lines, matcherState);
    expect(outcomes(result)).toEqual(expected);
    for (const [index, decision] of result.decisions.entries()) expect(decision.line).toBe(lines[index]);
  });

  it('counts every line once', () => {
    const lines = [
      line({ transactionId: 'SEEN', description: REF_A }),
      line({ description: REF_A }),
      line({ amount: 1, description: REF_B }),
      line({ description: REF_UNKNOWN }),
      line({ amount: 500_000 }),
      line({ amount: 777 }),
    ];
    const { counts } = matchStatement(
      lines,
      state({ payments: [payA, payB], confirmedTransactionIds: new Set(['SEEN']), openTargets: [target('bill', 'b', '2025-06-01')] }),
    );
    expect(counts).toEqual({
      lines: 6,
      alreadyConfirmed: 1,
      matched: 2,
      exceptions: {
        unmatched_credit: 1,
        unknown_reference: 1,
        amount_mismatch: 1,
        paid_after_expiry: 0,
        duplicate_payment: 0,
        ambiguous: 0,
      },
    });
  });

  it('matches nothing in an empty statement', () => {
    expect(matchStatement([], state({ payments: [payA] }))).toEqual({
      decisions: [],
      counts: {
        lines: 0,
        alreadyConfirmed: 0,
        matched: 0,
        exceptions: {
          unmatched_credit: 0,
          unknown_reference: 0,
          amount_mismatch: 0,
          paid_after_expiry: 0,
          duplicate_payment: 0,
          ambiguous: 0,
        },
      },
    });
  });

  it.each([
    ['a target date that is not YYYY-MM-DD', [line({ amount: 500_000 })], state({ openTargets: [target('bill', 'b', '01/06/2025')] })],
    [
      'a bookedAt that is not a date, on a line without reference',
      [line({ amount: 500_000, bookedAt: 'yesterday' })],
      state({ openTargets: [target('bill', 'b', '2025-06-01')] }),
    ],
    ['an expiresAt that is not a date', [line({ description: REF_A })], state({ payments: [{ ...payA, expiresAt: 'soon' }] })],
  ])('throws a RangeError for %s', (_what, lines, matcherState) => {
    expect(() => matchStatement(lines, matcherState)).toThrow(RangeError);
  });
});

describe("matchStatement, money sent to a stall's static QR", () => {
  const REF_STALL = reference('STAK2X7');
  const REF_OTHER_STALL = reference('STAK3X8');
  const stallRef = { id: 'stl_a12', code: 'A12', reference: REF_STALL };
  const stall = (overrides: Partial<KnownStall> = {}): KnownStall => ({
    ...stallRef,
    accountNumber: ACCOUNT,
    openBills: [
      { id: 'bil_nov', amount: 300_000, pendingPaymentId: null },
      { id: 'bil_dec', amount: 300_000, pendingPaymentId: 'pay_dec' },
    ],
    ...overrides,
  });
  const withStalls = (...stalls: KnownStall[]) => state({ stallsByReference: new Map(stalls.map((s) => [s.reference, s])) });

  const cases: Array<[string, StatementLine[], MatcherState, Outcome[]]> = [
    [
      "the right amount pays the stall's oldest open bill (arrears first)",
      [line({ amount: 300_000, description: `NGUYEN THI HANH ${REF_STALL} phi cho` })],
      withStalls(stall()),
      [{ kind: 'matched_stall', stall: stallRef, billId: 'bil_nov', paymentId: null, how: 'stall_reference' }],
    ],
    [
      'a second transfer pays the next bill, and confirms its pending payment',
      [line({ amount: 300_000, description: REF_STALL }), line({ amount: 300_000, description: REF_STALL })],
      withStalls(stall()),
      [
        { kind: 'matched_stall', stall: stallRef, billId: 'bil_nov', paymentId: null, how: 'stall_reference' },
        { kind: 'matched_stall', stall: stallRef, billId: 'bil_dec', paymentId: 'pay_dec', how: 'stall_reference' },
      ],
    ],
    [
      'once every bill is paid, more money is a duplicate_payment',
      [line({ amount: 300_000, description: REF_STALL })],
      withStalls(stall({ openBills: [] })),
      [{ kind: 'exception', type: 'duplicate_payment', paymentId: null, stall: stallRef, reason: 'no open bill for this stall' }],
    ],
    [
      'another amount than the oldest bill is an amount_mismatch naming that bill, which stays open',
      [line({ amount: 200_000, description: REF_STALL }), line({ amount: 300_000, description: REF_STALL })],
      withStalls(stall()),
      [
        { kind: 'exception', type: 'amount_mismatch', paymentId: null, stall: stallRef, billId: 'bil_nov', expectedAmount: 300_000 },
        { kind: 'matched_stall', stall: stallRef, billId: 'bil_nov', paymentId: null, how: 'stall_reference' },
      ],
    ],
    [
      "a stall of another account's market is an unknown_reference",
      [line({ amount: 300_000, description: REF_STALL })],
      withStalls(stall({ accountNumber: OTHER_ACCOUNT })),
      [{ kind: 'exception', type: 'unknown_reference', paymentId: null, stall: stallRef }],
    ],
    [
      "a payment's reference wins over a stall's in the same description",
      [line({ description: `${REF_STALL} ${REF_A}` })],
      state({ payments: [payA], stallsByReference: new Map([[REF_STALL, stall()]]) }),
      [{ kind: 'matched', paymentId: 'pay_a', how: 'reference' }],
    ],
    [
      'a reference that is neither a payment nor a stall of ours is an unknown_reference',
      [line({ description: REF_OTHER_STALL })],
      withStalls(stall()),
      [{ kind: 'exception', type: 'unknown_reference', paymentId: null }],
    ],
    [
      "the bill's pending payment, confirmed through the stall, is not matched again by its own reference",
      [line({ amount: 300_000, description: REF_STALL }), line({ amount: 300_000, description: REF_DEC })],
      state({
        payments: [payment({ id: 'pay_dec', reference: REF_DEC, amount: 300_000, billId: 'bil_dec' })],
        stallsByReference: new Map([[REF_STALL, stall({ openBills: [{ id: 'bil_dec', amount: 300_000, pendingPaymentId: 'pay_dec' }] })]]),
      }),
      [
        { kind: 'matched_stall', stall: stallRef, billId: 'bil_dec', paymentId: 'pay_dec', how: 'stall_reference' },
        { kind: 'exception', type: 'duplicate_payment', paymentId: 'pay_dec' },
      ],
    ],
    [
      "a bill paid by its payment's reference earlier is not paid again through the stall",
      [line({ amount: 300_000, description: REF_DEC }), line({ amount: 300_000, description: REF_STALL })],
      state({
        payments: [payment({ id: 'pay_dec', reference: REF_DEC, amount: 300_000, billId: 'bil_dec' })],
        stallsByReference: new Map([[REF_STALL, stall({ openBills: [{ id: 'bil_dec', amount: 300_000, pendingPaymentId: 'pay_dec' }] })]]),
      }),
      [
        { kind: 'matched', paymentId: 'pay_dec', how: 'reference' },
        { kind: 'exception', type: 'duplicate_payment', paymentId: null, stall: stallRef, reason: 'no open bill for this stall' },
      ],
    ],
    [
      "a stall's bill is not also taken by a credit without a reference",
      [line({ amount: 300_000, description: 'chuyen tien phi cho' }), line({ amount: 300_000, description: REF_STALL })],
      {
        ...withStalls(stall({ openBills: [{ id: 'bil_nov', amount: 300_000, pendingPaymentId: null }] })),
        openTargets: [{ kind: 'bill', id: 'bil_nov', amount: 300_000, date: '2025-06-01' }],
      },
      [
        { kind: 'exception', type: 'unmatched_credit', paymentId: null },
        { kind: 'matched_stall', stall: stallRef, billId: 'bil_nov', paymentId: null, how: 'stall_reference' },
      ],
    ],
  ];

  it.each(cases)('%s', (_rule, lines, matcherState, expected) => {
    expect(outcomes(matchStatement(lines, matcherState))).toEqual(expected);
  });

  it('counts stall matches with the matches, and stall exceptions with their type', () => {
    const lines = [line({ amount: 300_000, description: REF_STALL }), line({ amount: 1, description: REF_STALL })];
    const { counts } = matchStatement(lines, withStalls(stall()));
    expect(counts.matched).toBe(1);
    expect(counts.exceptions.amount_mismatch).toBe(1);
  });

  it('searches each description once: references found by the caller are used as they are', () => {
    const lines = [line({ amount: 300_000, description: 'the caller found the reference already' })];
    expect(outcomes(matchStatement(lines, withStalls(stall()), [[REF_STALL]]))).toEqual([
      { kind: 'matched_stall', stall: stallRef, billId: 'bil_nov', paymentId: null, how: 'stall_reference' },
    ]);
  });
});

describe('matchStatement, money that carries a bill code typed from the paper bill', () => {
  const billCode = (payload9: string) => payload9 + checkCharacter(payload9);
  const CODE = billCode('W7KQM2X9P');
  const CODE_OTHER = billCode('W7KQM2X9Q');
  /** As a banking app sends it: the printed code's two groups split by a space. */
  const typed = (code: string) =>
    `MBVCB.4530998360.029552.${code.slice(0, 5)} ${code.slice(5)}.CT tu 0351000646393 NGUYEN VAN A toi 0011001234567`;
  const billRef = { id: 'bil_water', code: CODE };
  const bill = (overrides: Partial<KnownBill> = {}): KnownBill => ({
    ...billRef,
    amount: 187_000,
    status: 'open',
    accountNumber: ACCOUNT,
    pendingPaymentId: null,
    onOtherRail: false,
    ...overrides,
  });
  const withBills = (...bills: KnownBill[]) => state({ billsByCode: new Map(bills.map((b) => [b.code, b])) });

  const cases: Array<[string, StatementLine[], MatcherState, Outcome[]]> = [
    [
      'the exact amount pays the open bill: a payment is made on the spot',
      [line({ amount: 187_000, description: typed(CODE) })],
      withBills(bill()),
      [{ kind: 'matched_bill', bill: billRef, paymentId: null, how: 'bill_code' }],
    ],
    [
      'the code in lower case, joined or with a dash, is found the same',
      [line({ amount: 187_000, description: `tien nuoc ${CODE.slice(0, 5).toLowerCase()}-${CODE.slice(5).toLowerCase()}` })],
      withBills(bill()),
      [{ kind: 'matched_bill', bill: billRef, paymentId: null, how: 'bill_code' }],
    ],
    [
      'the bill has a pending VietQR payment: the money confirms that payment',
      [line({ amount: 187_000, description: typed(CODE) })],
      withBills(bill({ pendingPaymentId: 'pay_water' })),
      [{ kind: 'matched_bill', bill: billRef, paymentId: 'pay_water', how: 'bill_code' }],
    ],
    [
      'another amount is an amount_mismatch naming the bill, which stays open',
      [line({ amount: 180_000, description: typed(CODE) })],
      withBills(bill()),
      [{ kind: 'exception', type: 'amount_mismatch', paymentId: null, bill: billRef, billId: 'bil_water', expectedAmount: 187_000 }],
    ],
    [
      'a bill already paid is a duplicate_payment',
      [line({ amount: 187_000, description: typed(CODE) })],
      withBills(bill({ status: 'paid' })),
      [{ kind: 'exception', type: 'duplicate_payment', paymentId: null, bill: billRef, billId: 'bil_water' }],
    ],
    [
      'the same code twice in one statement: the second is a duplicate_payment',
      [line({ amount: 187_000, description: typed(CODE) }), line({ amount: 187_000, description: typed(CODE) })],
      withBills(bill()),
      [
        { kind: 'matched_bill', bill: billRef, paymentId: null, how: 'bill_code' },
        { kind: 'exception', type: 'duplicate_payment', paymentId: null, bill: billRef, billId: 'bil_water' },
      ],
    ],
    [
      'a cancelled bill is paid_after_expiry, as for a payment whose bill was cancelled',
      [line({ amount: 187_000, description: typed(CODE) })],
      withBills(bill({ status: 'cancelled' })),
      [{ kind: 'exception', type: 'paid_after_expiry', paymentId: null, bill: billRef, billId: 'bil_water', reason: 'bill cancelled' }],
    ],
    [
      "a bill of another organization's account is an unknown_reference, as for a stall",
      [line({ amount: 187_000, description: typed(CODE) })],
      withBills(bill({ accountNumber: OTHER_ACCOUNT })),
      [{ kind: 'exception', type: 'unknown_reference', paymentId: null, bill: billRef, billId: 'bil_water' }],
    ],
    [
      'a bill being paid by card is not paid by bank money meanwhile',
      [line({ amount: 187_000, description: typed(CODE) })],
      withBills(bill({ onOtherRail: true })),
      [
        {
          kind: 'exception',
          type: 'unknown_reference',
          paymentId: null,
          bill: billRef,
          billId: 'bil_water',
          reason: 'bill being paid by card',
        },
      ],
    ],
    [
      'a code with a wrong check character names no bill: the line is matched like one without a code',
      [line({ amount: 187_000, description: typed(CODE.slice(0, 9) + (CODE.endsWith('2') ? '3' : '2')) })],
      withBills(bill()),
      [{ kind: 'exception', type: 'unmatched_credit', paymentId: null }],
    ],
    [
      'a valid code of no bill of ours is ignored',
      [line({ amount: 187_000, description: typed(CODE_OTHER) })],
      { ...withBills(bill()), openTargets: [{ kind: 'bill', id: 'bil_x', amount: 187_000, date: '2025-06-01' }] },
      [{ kind: 'matched_target', target: { kind: 'bill', id: 'bil_x', amount: 187_000, date: '2025-06-01' }, how: 'amount_and_date' }],
    ],
    [
      "a payment's reference wins over a bill code in the same description",
      [line({ description: `${typed(CODE)} ${REF_A}` })],
      state({ payments: [payA], billsByCode: new Map([[CODE, bill()]]) }),
      [{ kind: 'matched', paymentId: 'pay_a', how: 'reference' }],
    ],
    [
      'the pending payment confirmed through the code is not matched again by its own reference',
      [line({ amount: 187_000, description: typed(CODE) }), line({ amount: 187_000, description: REF_DEC })],
      state({
        payments: [payment({ id: 'pay_water', reference: REF_DEC, amount: 187_000, billId: 'bil_water' })],
        billsByCode: new Map([[CODE, bill({ pendingPaymentId: 'pay_water' })]]),
      }),
      [
        { kind: 'matched_bill', bill: billRef, paymentId: 'pay_water', how: 'bill_code' },
        { kind: 'exception', type: 'duplicate_payment', paymentId: 'pay_water' },
      ],
    ],
    [
      'a bill named by its code is not also taken by a credit without a code',
      [line({ amount: 187_000, description: 'tien nuoc' }), line({ amount: 187_000, description: typed(CODE) })],
      { ...withBills(bill()), openTargets: [{ kind: 'bill', id: 'bil_water', amount: 187_000, date: '2025-06-01' }] },
      [
        { kind: 'exception', type: 'unmatched_credit', paymentId: null },
        { kind: 'matched_bill', bill: billRef, paymentId: null, how: 'bill_code' },
      ],
    ],
  ];

  it.each(cases)('%s', (_rule, lines, matcherState, expected) => {
    expect(outcomes(matchStatement(lines, matcherState))).toEqual(expected);
  });

  it('searches each description once: bill codes found by the caller are used as they are', () => {
    const lines = [line({ amount: 187_000, description: 'the caller found the code already' })];
    expect(outcomes(matchStatement(lines, withBills(bill()), [[]], [[CODE]]))).toEqual([
      { kind: 'matched_bill', bill: billRef, paymentId: null, how: 'bill_code' },
    ]);
  });
});

describe('matchStatement, properties', () => {
  const DAY_MS = 86_400_000;
  const START_MS = Date.parse('2025-06-01T00:00:00.000Z');
  const symbol = fc.constantFrom(...CODE_ALPHABET);
  const referenceArb = fc.array(symbol, { minLength: 7, maxLength: 7 }).map((chars) => reference(chars.join('')));
  const statusArb = fc.constantFrom<KnownPayment['status']>(
    'pending',
    'pending',
    'pending',
    'paid',
    'failed',
    'expired',
    'partially_refunded',
    'refunded',
  );
  const amountArb = fc.constantFrom(50_000, 120_000, 350_000, 500_000);

  const paymentArb = fc.record({
    reference: referenceArb,
    amount: amountArb,
    status: statusArb,
    expiresInHours: fc.integer({ min: -24, max: 24 * 10 }),
    otherAccount: fc.integer({ min: 0, max: 7 }).map((n) => n === 0), // now and then, a payment to another account
    hasBill: fc.boolean(),
  });

  /** How a description carries a reference: the shapes banks produce. */
  const shapeArb = fc.constantFrom(
    (ref: string) => `MBVCB.4530998360.029552.${ref} chuyen tien.CT tu 0351000646393 NGUYEN THE HUNG`,
    (ref: string) => `311447.110821.213735.15330734312-0353460723-${ref.toLowerCase()} ri khung`,
    (ref: string) => `${ref.slice(0, 6)} ${ref.slice(6)} (by TPBank ChatPay)`,
    (ref: string) => `Thanh toán ${ref.slice(0, 4)}\n${ref.slice(4)} phí chợ`,
    (ref: string) => ref,
  );

  type LinePlan =
    | { kind: 'known'; payment: number; amountDelta: number; hoursFromNow: number; shape: (ref: string) => string }
    | { kind: 'unknown'; reference: string; shape: (ref: string) => string }
    | { kind: 'brokenCheck'; payment: number; shape: (ref: string) => string; fitting: number }
    | { kind: 'noReference'; amount: number; fitting: number; dayOffset: number }
    | { kind: 'duplicateOf'; earlier: number }
    | { kind: 'confirmed'; payment: number };

  const linePlanArb: fc.Arbitrary<LinePlan> = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('known' as const),
        payment: fc.nat(),
        amountDelta: fc.constantFrom(0, 0, 0, 1_000, -5_000),
        hoursFromNow: fc.integer({ min: 0, max: 72 }),
        shape: shapeArb,
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('unknown' as const), reference: referenceArb, shape: shapeArb }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('brokenCheck' as const),
        payment: fc.nat(),
        shape: shapeArb,
        fitting: fc.integer({ min: 0, max: 2 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('noReference' as const),
        amount: amountArb,
        fitting: fc.integer({ min: 0, max: 2 }),
        dayOffset: fc.integer({ min: -5, max: 5 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicateOf' as const), earlier: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('confirmed' as const), payment: fc.nat() }) },
  );

  interface Scenario {
    lines: StatementLine[];
    state: MatcherState;
  }

  /** Builds a statement with every kind of fault the matcher tells apart. */
  const scenarioArb: fc.Arbitrary<Scenario> = fc
    .record({
      payments: fc.uniqueArray(paymentArb, { selector: (p) => p.reference, minLength: 1, maxLength: 12 }),
      plans: fc.array(linePlanArb, { maxLength: 40 }),
      strayTargets: fc.array(
        fc.record({
          amount: amountArb,
          dayOffset: fc.integer({ min: -6, max: 6 }),
          kind: fc.constantFrom<OpenTarget['kind']>('payment', 'bill'),
        }),
        { maxLength: 6 },
      ),
    })
    .map(({ payments: specs, plans, strayTargets }) => {
      const payments = specs.map(
        (spec, index): KnownPayment => ({
          id: `pay_${index}`,
          reference: spec.reference,
          amount: spec.amount,
          status: spec.status,
          expiresAt: new Date(START_MS + spec.expiresInHours * 3_600_000).toISOString(),
          payeeAccountNo: spec.otherAccount ? OTHER_ACCOUNT : ACCOUNT,
          billId: spec.hasBill ? `bill_of_${index}` : null,
          orderId: null,
        }),
      );
      const confirmed = new Set<string>();
      const openTargets: OpenTarget[] = [];
      // Open targets for some payments and their bills, so reference matches must take them.
      payments.forEach((p, index) => {
        if (p.status !== 'pending' || index % 2 === 1) return;
        openTargets.push({ kind: 'payment', id: p.id, amount: p.amount, date: '2025-06-01' });
        if (p.billId !== null) openTargets.push({ kind: 'bill', id: p.billId, amount: p.amount, date: '2025-06-01' });
      });
      const lines: StatementLine[] = [];
      const addTargets = (amount: number, day: string, fitting: number, index: number) => {
        for (let k = 0; k < fitting; k += 1)
          openTargets.push({ kind: k === 0 ? 'bill' : 'payment', id: `open_${index}_${k}`, amount, date: day });
      };
      plans.forEach((plan, index) => {
        const base = {
          lineNumber: index + 2,
          transactionId: `FT${index}`,
          bookedAt: new Date(START_MS + 3_600_000).toISOString(),
          amount: 350_000,
          description: 'chuyen tien',
        };
        switch (plan.kind) {
          case 'known': {
            const p = payments[plan.payment % payments.length]!;
            lines.push({
              ...base,
              amount: p.amount + plan.amountDelta,
              bookedAt: new Date(START_MS + plan.hoursFromNow * 3_600_000).toISOString(),
              description: plan.shape(p.reference),
            });
            break;
          }
          case 'unknown':
            lines.push({ ...base, description: plan.shape(plan.reference) });
            break;
          case 'brokenCheck': {
            const p = payments[plan.payment % payments.length]!;
            lines.push({ ...base, amount: p.amount, description: plan.shape(withWrongCheck(p.reference)) });
            addTargets(p.amount, '2025-06-01', plan.fitting, index);
            break;
          }
          case 'noReference': {
            const bookedMs = START_MS + plan.dayOffset * DAY_MS + 3_600_000;
            lines.push({
              ...base,
              amount: plan.amount,
              bookedAt: new Date(bookedMs).toISOString(),
              description: 'NGUYEN VAN A chuyen tien',
            });
            addTargets(plan.amount, new Date(bookedMs + 7 * 3_600_000).toISOString().slice(0, 10), plan.fitting, index);
            break;
          }
          case 'duplicateOf': {
            const earlier = lines.length === 0 ? base : lines[plan.earlier % lines.length]!;
            lines.push({ ...earlier, lineNumber: base.lineNumber });
            break;
          }
          case 'confirmed': {
            const p = payments[plan.payment % payments.length]!;
            confirmed.add(base.transactionId);
            lines.push({ ...base, amount: p.amount, description: p.reference });
            break;
          }
        }
      });
      strayTargets.forEach((stray, index) => {
        const day = new Date(START_MS + stray.dayOffset * DAY_MS).toISOString().slice(0, 10);
        openTargets.push({ kind: stray.kind, id: `stray_${index}`, amount: stray.amount, date: day });
      });
      return {
        lines,
        state: {
          accountNumber: ACCOUNT,
          confirmedTransactionIds: confirmed,
          paymentsByReference: new Map(payments.map((p) => [p.reference, p])),
          openTargets,
        },
      };
    });

  const runs = { numRuns: 200 };

  it('(a) decides every line exactly once', () => {
    fc.assert(
      fc.property(scenarioArb, ({ lines, state: matcherState }) => {
        const { decisions, counts } = matchStatement(lines, matcherState);
        expect(decisions).toHaveLength(lines.length);
        for (const [index, decision] of decisions.entries()) expect(decision.line).toBe(lines[index]);
        const exceptions = Object.values(counts.exceptions).reduce((sum, count) => sum + count, 0);
        expect(counts.lines).toBe(lines.length);
        expect(counts.alreadyConfirmed + counts.matched + exceptions).toBe(lines.length);
        // And the counts agree with the decisions.
        expect(counts.alreadyConfirmed).toBe(decisions.filter((d) => d.kind === 'already_confirmed').length);
        expect(counts.matched).toBe(decisions.filter((d) => d.kind === 'matched' || d.kind === 'matched_target').length);
        for (const [type, count] of Object.entries(counts.exceptions)) {
          expect(count, type).toBe(decisions.filter((d) => d.kind === 'exception' && d.type === type).length);
        }
      }),
      runs,
    );
  });

  it('(b) matches no payment and no target twice', () => {
    fc.assert(
      fc.property(scenarioArb, ({ lines, state: matcherState }) => {
        const { decisions } = matchStatement(lines, matcherState);
        const payments: string[] = [];
        const targets: string[] = [];
        for (const decision of decisions) {
          if (decision.kind === 'matched') payments.push(decision.paymentId);
          if (decision.kind === 'matched_target') {
            targets.push(`${decision.target.kind}:${decision.target.id}`);
            if (decision.target.kind === 'payment') payments.push(decision.target.id);
          }
        }
        expect(new Set(payments).size).toBe(payments.length);
        expect(new Set(targets).size).toBe(targets.length);
        // A bill paid through its payment is not also matched as an open bill.
        const byId = new Map([...matcherState.paymentsByReference.values()].map((p) => [p.id, p]));
        for (const decision of decisions) {
          const bill = decision.kind === 'matched' ? byId.get(decision.paymentId)!.billId : null;
          if (bill !== null) expect(targets).not.toContain(`bill:${bill}`);
        }
      }),
      runs,
    );
  });

  it('only matches what the rules allow', () => {
    fc.assert(
      fc.property(scenarioArb, ({ lines, state: matcherState }) => {
        const byId = new Map([...matcherState.paymentsByReference.values()].map((p) => [p.id, p]));
        for (const decision of matchStatement(lines, matcherState).decisions) {
          if (decision.kind === 'matched') {
            const p = byId.get(decision.paymentId)!;
            expect(p.status).toBe('pending');
            expect(p.amount).toBe(decision.line.amount);
            expect(p.payeeAccountNo).toBe(ACCOUNT);
            expect(Date.parse(decision.line.bookedAt)).toBeLessThanOrEqual(Date.parse(p.expiresAt));
          }
          if (decision.kind === 'matched_target') {
            expect(decision.target.amount).toBe(decision.line.amount);
            const lineDay = Math.floor((Date.parse(decision.line.bookedAt) + 7 * 3_600_000) / DAY_MS);
            expect(Math.abs(Date.parse(decision.target.date) / DAY_MS - lineDay)).toBeLessThanOrEqual(3);
          }
          if (decision.kind === 'exception' && decision.type === 'ambiguous') expect(decision.candidates!.length).toBeGreaterThan(1);
        }
      }),
      runs,
    );
  });

  it('(c) depends on nothing but its inputs', () => {
    fc.assert(
      fc.property(scenarioArb, ({ lines, state: matcherState }) => {
        const linesBefore = structuredClone(lines);
        const targetsBefore = structuredClone(matcherState.openTargets);
        const paymentsBefore = structuredClone(matcherState.paymentsByReference);
        const first = matchStatement(lines, matcherState);
        // Again, and with the maps and sets built in another order: same result.
        const again = matchStatement(lines, matcherState);
        const reordered = matchStatement(lines, {
          ...matcherState,
          confirmedTransactionIds: new Set([...matcherState.confirmedTransactionIds].reverse()),
          paymentsByReference: new Map([...matcherState.paymentsByReference].reverse()),
        });
        expect(again).toEqual(first);
        expect(reordered).toEqual(first);
        // The inputs are left as they were.
        expect(lines).toEqual(linesBefore);
        expect(matcherState.openTargets).toEqual(targetsBefore);
        expect(matcherState.paymentsByReference).toEqual(paymentsBefore);
      }),
      runs,
    );
  });
});
