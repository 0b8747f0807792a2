/**
 * Deciding what each credit is: already confirmed, the payment its reference names, the
 * oldest open bill of the stall whose static-QR reference it carries, the one open payment
 * or bill its amount and date fit, or an exception for a person to resolve. Nothing is
 * silently dropped (docs/vietqr.md, "Confirmation"): every line gets exactly one decision,
 * and this is the only place that decides. A bank notification is a statement of one line.
 *
 * Pure: the caller loads the state from D1 (payments/credit-load.ts), calls matchStatement,
 * and writes what it decided (payments/credit-plan.ts, credit-write.ts). Statements can have
 * a million lines, so the hot path avoids work it does not need (one reference search per
 * line, targets indexed by amount).
 */
import type { StatementLine } from './bank-credit.ts';
import { CREDIT_EXCEPTION_TYPES, type CreditExceptionType, zeroCounts } from './exception-types.ts';
import { findBillCodes, findPaymentReferences } from './reference-search.ts';
import { VIETNAM_OFFSET_MS } from './vietnam-time.ts';

export interface KnownPayment {
  id: string;
  reference: string;
  amount: number;
  status: 'pending' | 'paid' | 'failed' | 'expired' | 'partially_refunded' | 'refunded';
  expiresAt: string;
  payeeAccountNo: string;
  billId: string | null;
  orderId: string | null;
  /** The rail the payment is on; bank money confirms only a VietQR payment (undefined: VietQR). */
  method?: 'vietqr' | 'stripe';
  /** Its bill's status, when it is a bill's payment (undefined: open, or no bill). */
  billStatus?: 'open' | 'paid' | 'cancelled';
}

/** A market stall whose static QR carries `reference`: money sent to it pays the stall's oldest open bill. */
export interface KnownStall {
  id: string;
  code: string;
  reference: string;
  /** The market board's account, where the stall's QR sends the money. */
  accountNumber: string;
  /** The stall's open bills, oldest first (arrears first). */
  openBills: readonly StallBill[];
}

export interface StallBill {
  id: string;
  amount: number;
  /** The bill's pending payment, if someone started paying it: the money confirms that one. */
  pendingPaymentId: string | null;
}

/** A bill whose printed code a line carries: the resident typed it instead of opening our payment page. */
export interface KnownBill {
  id: string;
  code: string;
  amount: number;
  status: 'open' | 'paid' | 'cancelled';
  /** The biller's account, where the bill's money goes. */
  accountNumber: string;
  /** The bill's pending VietQR payment, if someone started paying it: the money confirms that one. */
  pendingPaymentId: string | null;
  /** Someone is paying it by card (a pending Stripe payment): bank money does not pay it meanwhile. */
  onOtherRail: boolean;
}

export interface OpenTarget {
  kind: 'payment' | 'bill';
  id: string;
  amount: number;
  /** YYYY-MM-DD (Vietnam date) the payment was created or the bill is due. */
  date: string;
}

export interface MatcherState {
  /** The account the statement is for. */
  accountNumber: string;
  /** Bank transaction ids already applied (by a notification or an earlier import). */
  confirmedTransactionIds: ReadonlySet<string>;
  paymentsByReference: ReadonlyMap<string, KnownPayment>;
  /** Stalls by their static-QR reference (none: no line names a stall). */
  stallsByReference?: ReadonlyMap<string, KnownStall>;
  /** Bills by their code (none: no line names a bill). */
  billsByCode?: ReadonlyMap<string, KnownBill>;
  /** Open payments and bills on this account, for lines that carry no reference. */
  openTargets: readonly OpenTarget[];
}

/** The exceptions a line can become (the one list is domain/exception-types.ts). */
export type ExceptionType = CreditExceptionType;

/** The stall a line's reference named, on exceptions about a stall payment. */
export interface StallRef {
  id: string;
  code: string;
  reference: string;
}

/** The bill a line's code named, on decisions about it. */
export interface BillRef {
  id: string;
  code: string;
}

export type LineDecision =
  | { line: StatementLine; kind: 'already_confirmed' }
  | { line: StatementLine; kind: 'matched'; paymentId: string; how: 'reference' }
  | {
      line: StatementLine;
      kind: 'matched_stall';
      stall: StallRef;
      billId: string;
      /** The bill's pending payment to confirm, or null: a payment is made for the bill on the spot. */
      paymentId: string | null;
      how: 'stall_reference';
    }
  | {
      line: StatementLine;
      kind: 'matched_bill';
      bill: BillRef;
      /** The bill's pending payment to confirm, or null: a payment is made for the bill on the spot. */
      paymentId: string | null;
      how: 'bill_code';
    }
  | { line: StatementLine; kind: 'matched_target'; target: OpenTarget; how: 'amount_and_date' }
  | {
      line: StatementLine;
      kind: 'exception';
      type: ExceptionType;
      paymentId: string | null;
      candidates?: string[];
      /** For a stall's money: the stall, and the bill it would have paid with what that bill expects. */
      stall?: StallRef;
      /** For money that named a bill by its code: that bill. */
      bill?: BillRef;
      billId?: string;
      expectedAmount?: number;
      reason?: string;
    };

export interface MatchResult {
  /** One per line, in the order of the lines. */
  decisions: LineDecision[];
  counts: {
    lines: number;
    alreadyConfirmed: number;
    /** Every kind: by reference, by a stall's reference, by a bill's code, and by amount and date. */
    matched: number;
    /** Every exception type is present, 0 when none occurred. */
    exceptions: Record<ExceptionType, number>;
  };
}

/** How far, in Vietnam calendar days, a credit without a reference may be from its target's date. */
const MAX_DAYS_APART = 3;

const DAY_MS = 24 * 60 * 60 * 1000;

interface TargetSlot {
  readonly target: OpenTarget;
  readonly day: number;
  taken: boolean;
}

/**
 * An add-only set of strings that numbers its keys 0, 1, 2… in the order they were added.
 *
 * Used for transaction ids and target ids, where a JS Set or Map was the slowest part of
 * matching: it compares a key with the other keys in its bucket by reading those
 * strings, and at a million lines every such read is a cache miss. Here each slot keeps
 * the key's hash next to its number, so a lookup reads another key only when the two
 * hashes are equal. Open addressing with linear probing, sized up front. The hash has no
 * secret key: a file crafted to collide could make matching slow, never wrong.
 */
class StringIndex {
  private readonly keys: string[] = [];
  /** Per slot, the key's hash and 1 + its number (0: empty), side by side. */
  private table: Int32Array;
  private mask: number;

  constructor(expected: number) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.table = new Int32Array(capacity * 2);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.keys.length;
  }

  /** The number of `key`, or -1 if it was never added. */
  indexOf(key: string): number {
    const hash = hashString(key);
    const table = this.table;
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = table[slot * 2 + 1]!;
      if (entry === 0) return -1;
      if (table[slot * 2] === hash && this.keys[entry - 1] === key) return entry - 1;
    }
  }

  /** Adds `key`; false if it was there already. */
  add(key: string): boolean {
    const hash = hashString(key);
    const table = this.table;
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = table[slot * 2 + 1]!;
      if (entry === 0) {
        table[slot * 2] = hash;
        table[slot * 2 + 1] = this.keys.push(key);
        if (this.keys.length * 2 > this.mask + 1) this.grow();
        return true;
      }
      if (table[slot * 2] === hash && this.keys[entry - 1] === key) return false;
    }
  }

  private grow(): void {
    const old = this.table;
    this.table = new Int32Array(old.length * 2);
    this.mask = old.length - 1;
    for (let slot = 0; slot < old.length; slot += 2) {
      const entry = old[slot + 1]!;
      if (entry === 0) continue;
      let free = old[slot]! & this.mask;
      while (this.table[free * 2 + 1] !== 0) free = (free + 1) & this.mask;
      this.table[free * 2] = old[slot]!;
      this.table[free * 2 + 1] = entry;
    }
  }
}

/** FNV-1a over the UTF-16 code units, then murmur3's finaliser to spread the bits. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  return hash ^ (hash >>> 16);
}

function epochMs(value: string, what: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`matchStatement: ${what} ${JSON.stringify(value)} is not a date`);
  return ms;
}

/** Whether `text` is in the one form Date#toISOString gives, e.g. 2025-06-01T03:15:00.000Z. */
function isCanonicalUtc(text: string): boolean {
  return (
    text.length === 24 && text.charCodeAt(23) === 90 /* Z */ && text.charCodeAt(19) === 46 /* . */ && text.charCodeAt(10) === 84
  ); /* T */
}

/**
 * bookedAt <= expiresAt. Both usually come from toISOString (the statement parser and
 * the payments table), and two strings of that one fixed-width form compare like the
 * instants they name, which spares two Date.parse calls per matched line.
 */
function bookedNoLaterThan(bookedAt: string, expiresAt: string, lineNumber: number, paymentId: string): boolean {
  if (isCanonicalUtc(bookedAt) && isCanonicalUtc(expiresAt)) return bookedAt <= expiresAt;
  return epochMs(bookedAt, `bookedAt of line ${lineNumber}`) <= epochMs(expiresAt, `expiresAt of payment ${paymentId}`);
}

function vietnamDay(bookedAt: string, lineNumber: number): number {
  return Math.floor((epochMs(bookedAt, `bookedAt of line ${lineNumber}`) + VIETNAM_OFFSET_MS) / DAY_MS);
}

/**
 * Matches statement credits against what we know, line by line in file order:
 *
 * 1. A bank transaction id already confirmed, or seen on an earlier line of this
 *    statement, is `already_confirmed`.
 * 2. Otherwise the references found in the description are tried in order; the first we
 *    issued is the payment. The payment is for another account: `unknown_reference`
 *    (paymentId null: that payment is none of this account's business). Already settled,
 *    or matched by an earlier line: `duplicate_payment`. Pending, same amount, booked no
 *    later than it expires: `matched`. Pending with another amount: `amount_mismatch`.
 *    Expired, failed, or booked after expiry: `paid_after_expiry`. A pending payment whose
 *    bill was paid another way: `duplicate_payment`; whose bill was cancelled:
 *    `paid_after_expiry`. A card payment (Stripe) is not paid by bank money, whatever its
 *    reference says: `unknown_reference`, with the payment named for the person.
 *    No payment of ours, but a stall's static-QR reference: the stall's oldest open bill not
 *    yet taken by an earlier line. Same amount: `matched_stall`. Another amount:
 *    `amount_mismatch`; no open bill left: `duplicate_payment`; the stall's account is not
 *    this one: `unknown_reference`. Neither a payment nor a stall: `unknown_reference`.
 * 3. No reference at all: the open targets not yet taken with the same amount and a date
 *    at most {@link MAX_DAYS_APART} days from the line's Vietnam date. One: `matched_target`;
 *    several: `ambiguous` (candidates are their ids); none: `unmatched_credit`.
 *
 * Lines without a reference are decided after every line with one, so a guess on amount
 * and date can never take a payment or bill that a reference later in the file names
 * for certain. A payment matched by reference also takes its own target and its bill's;
 * a stall's bill takes its bill's target and its pending payment's.
 * No payment, bill or target is matched twice; the result depends only on the arguments.
 *
 * `references` and `billCodes`, when given, are the references and bill codes already found
 * in each line's description (the loader searches them to know what to load); otherwise
 * they are searched here (bill codes only when `billsByCode` has bills). Either way each
 * description is searched once.
 *
 * @throws {RangeError} if a line's bookedAt, a payment's expiresAt or a target's date
 *   is not a date: the caller's data is broken, and guessing would hide it.
 * @example
 * const line = { lineNumber: 2, transactionId: 'FT1', bookedAt: '2025-06-01T03:15:00.000Z', amount: 350000, description: 'CS7KQM2X9G chuyen tien' };
 * matchStatement([line], {
 *   accountNumber: '0011001234567',
 *   confirmedTransactionIds: new Set(),
 *   paymentsByReference: new Map([['CS7KQM2X9G', { id: 'pay_1', reference: 'CS7KQM2X9G', amount: 350000, status: 'pending',
 *     expiresAt: '2025-06-02T00:00:00.000Z', payeeAccountNo: '0011001234567', billId: 'bill_1', orderId: null }]]),
 *   openTargets: [],
 * }).decisions // [{ line, kind: 'matched', paymentId: 'pay_1', how: 'reference' }]
 */
export function matchStatement(
  lines: readonly StatementLine[],
  state: MatcherState,
  references?: ReadonlyArray<readonly string[]>,
  billCodes?: ReadonlyArray<readonly string[]>,
): MatchResult {
  const exceptions = zeroCounts(CREDIT_EXCEPTION_TYPES);
  let alreadyConfirmed = 0;
  let matched = 0;
  // Filled in line order, so the array has no holes; lines without a reference are
  // decided last and hold null until then.
  const decisions: Array<LineDecision | null> = [];

  // Targets by amount, so a line looks only at targets it could match. The first of
  // several targets with the same kind and id wins, so no id can be matched twice.
  const slotsByAmount = new Map<number, TargetSlot[]>();
  const paymentTargets = { ids: new StringIndex(0), slots: [] as TargetSlot[] };
  const billTargets = { ids: new StringIndex(0), slots: [] as TargetSlot[] };
  for (const target of state.openTargets) {
    const sameKind = target.kind === 'payment' ? paymentTargets : billTargets;
    if (!sameKind.ids.add(target.id)) continue;
    const dayMs = Date.parse(`${target.date}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(target.date) || Number.isNaN(dayMs)) {
      throw new RangeError(`matchStatement: date ${JSON.stringify(target.date)} of ${target.kind} ${target.id} is not YYYY-MM-DD`);
    }
    const slot: TargetSlot = { target, day: dayMs / DAY_MS, taken: false };
    sameKind.slots.push(slot);
    const sameAmount = slotsByAmount.get(target.amount);
    if (sameAmount === undefined) slotsByAmount.set(target.amount, [slot]);
    else sameAmount.push(slot);
  }
  /** Marks the target of that kind and id, if there is one, as taken by a reference match. */
  const take = (targets: typeof paymentTargets, id: string | null): void => {
    if (id === null || targets.ids.size === 0) return;
    const index = targets.ids.indexOf(id);
    if (index >= 0) targets.slots[index]!.taken = true;
  };

  // The confirmed ids and every id seen so far in this statement, in one set: one
  // lookup per line answers both questions of rule 1.
  const seenTransactions = new StringIndex(lines.length + state.confirmedTransactionIds.size);
  for (const transactionId of state.confirmedTransactionIds) seenTransactions.add(transactionId);
  // Keyed by the payment objects of paymentsByReference, one per payment (one row, one
  // reference): an object carries its own hash, whereas looking up an id string means
  // reading that string, and this set can reach a million entries.
  const matchedPayments = new Set<KnownPayment>();
  const withoutReference: number[] = [];
  const { accountNumber, paymentsByReference } = state;
  const stallsByReference = state.stallsByReference;
  const billsByCode = state.billsByCode !== undefined && state.billsByCode.size > 0 ? state.billsByCode : undefined;
  // Bills and payments a stall's money took, so no later line takes them again.
  const takenBills = new Set<string>();
  const stallPaidPayments = new Set<string>();

  const exception = (line: StatementLine, type: ExceptionType, paymentId: string | null): LineDecision => {
    exceptions[type] += 1;
    return { line, kind: 'exception', type, paymentId };
  };

  /** Money sent to a stall's static QR pays its oldest open bill that no earlier line took. */
  const stallDecision = (line: StatementLine, stall: KnownStall): LineDecision => {
    const ref: StallRef = { id: stall.id, code: stall.code, reference: stall.reference };
    const stallException = (type: ExceptionType, extra: { billId?: string; expectedAmount?: number; reason?: string } = {}) => {
      exceptions[type] += 1;
      return { line, kind: 'exception' as const, type, paymentId: null, stall: ref, ...extra };
    };
    if (stall.accountNumber !== accountNumber) return stallException('unknown_reference');
    const bill = stall.openBills.find((open) => !takenBills.has(open.id));
    if (bill === undefined) return stallException('duplicate_payment', { reason: 'no open bill for this stall' });
    if (bill.amount !== line.amount) return stallException('amount_mismatch', { billId: bill.id, expectedAmount: bill.amount });
    takenBills.add(bill.id);
    take(billTargets, bill.id);
    take(paymentTargets, bill.pendingPaymentId);
    if (bill.pendingPaymentId !== null) stallPaidPayments.add(bill.pendingPaymentId);
    matched += 1;
    return { line, kind: 'matched_stall', stall: ref, billId: bill.id, paymentId: bill.pendingPaymentId, how: 'stall_reference' };
  };

  /** The first bill of ours whose code the line carries. */
  const namedBill = (index: number, line: StatementLine): KnownBill | undefined => {
    if (billsByCode === undefined) return undefined;
    const codes = billCodes ? billCodes[index]! : findBillCodes(line.description);
    for (const code of codes) {
      const bill = billsByCode.get(code);
      if (bill !== undefined) return bill;
    }
    return undefined;
  };

  /** Money that carries a bill's printed code pays that bill, as a stall's money pays its oldest bill. */
  const billDecision = (line: StatementLine, bill: KnownBill): LineDecision => {
    const ref: BillRef = { id: bill.id, code: bill.code };
    const billException = (type: ExceptionType, paymentId: string | null, extra: { expectedAmount?: number; reason?: string } = {}) => {
      exceptions[type] += 1;
      return { line, kind: 'exception' as const, type, paymentId, bill: ref, billId: bill.id, ...extra };
    };
    if (bill.accountNumber !== accountNumber) return billException('unknown_reference', null);
    if (bill.status === 'paid' || takenBills.has(bill.id)) return billException('duplicate_payment', bill.pendingPaymentId);
    if (bill.status === 'cancelled') return billException('paid_after_expiry', null, { reason: 'bill cancelled' });
    if (bill.onOtherRail) return billException('unknown_reference', null, { reason: 'bill being paid by card' });
    if (bill.amount !== line.amount) return billException('amount_mismatch', bill.pendingPaymentId, { expectedAmount: bill.amount });
    takenBills.add(bill.id);
    take(billTargets, bill.id);
    take(paymentTargets, bill.pendingPaymentId);
    if (bill.pendingPaymentId !== null) stallPaidPayments.add(bill.pendingPaymentId);
    matched += 1;
    return { line, kind: 'matched_bill', bill: ref, paymentId: bill.pendingPaymentId, how: 'bill_code' };
  };

  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!;
    const transactionId = line.transactionId;
    if (!seenTransactions.add(transactionId)) {
      alreadyConfirmed += 1;
      decisions[index] = { line, kind: 'already_confirmed' };
      continue;
    }

    const found = references ? references[index]! : findPaymentReferences(line.description);
    if (found.length === 0) {
      const bill = namedBill(index, line);
      if (bill !== undefined) {
        decisions[index] = billDecision(line, bill);
        continue;
      }
      decisions[index] = null;
      withoutReference.push(index);
      continue;
    }
    let payment: KnownPayment | undefined;
    for (let r = 0; r < found.length && payment === undefined; r += 1) payment = paymentsByReference.get(found[r]!);

    if (payment === undefined) {
      let stall: KnownStall | undefined;
      if (stallsByReference !== undefined && stallsByReference.size > 0)
        for (let r = 0; r < found.length && stall === undefined; r += 1) stall = stallsByReference.get(found[r]!);
      if (stall !== undefined) decisions[index] = stallDecision(line, stall);
      else {
        const bill = namedBill(index, line);
        decisions[index] = bill === undefined ? exception(line, 'unknown_reference', null) : billDecision(line, bill);
      }
      continue;
    }
    if (payment.payeeAccountNo !== accountNumber) {
      decisions[index] = exception(line, 'unknown_reference', null);
      continue;
    }
    if (payment.method === 'stripe') {
      decisions[index] = exception(line, 'unknown_reference', payment.id);
      continue;
    }
    const status = payment.status;
    const billClosed = payment.billStatus !== undefined && payment.billStatus !== 'open';
    if (stallPaidPayments.size > 0 && stallPaidPayments.has(payment.id)) {
      decisions[index] = exception(line, 'duplicate_payment', payment.id);
    } else if (status === 'paid' || status === 'partially_refunded' || status === 'refunded') {
      decisions[index] = exception(line, 'duplicate_payment', payment.id);
    } else if (status === 'pending' && billClosed) {
      decisions[index] = exception(line, payment.billStatus === 'paid' ? 'duplicate_payment' : 'paid_after_expiry', payment.id);
    } else if (
      status === 'pending' &&
      payment.amount === line.amount &&
      bookedNoLaterThan(line.bookedAt, payment.expiresAt, line.lineNumber, payment.id)
    ) {
      // The common case, first and with one hash operation: add, and if the set did not
      // grow, an earlier line of this statement matched the payment already.
      const matchedBefore = matchedPayments.size;
      matchedPayments.add(payment);
      if (matchedPayments.size === matchedBefore) {
        decisions[index] = exception(line, 'duplicate_payment', payment.id);
        continue;
      }
      take(paymentTargets, payment.id);
      take(billTargets, payment.billId);
      if (payment.billId !== null) takenBills.add(payment.billId);
      matched += 1;
      decisions[index] = { line, kind: 'matched', paymentId: payment.id, how: 'reference' };
    } else if (matchedPayments.has(payment)) {
      decisions[index] = exception(line, 'duplicate_payment', payment.id);
    } else if (status === 'pending' && payment.amount !== line.amount) {
      decisions[index] = exception(line, 'amount_mismatch', payment.id);
    } else {
      // expired or failed, or pending but paid too late
      decisions[index] = exception(line, 'paid_after_expiry', payment.id);
    }
  }

  for (const index of withoutReference) {
    const line = lines[index]!;
    const sameAmount = slotsByAmount.get(line.amount);
    let fit: TargetSlot | null = null;
    let candidates: string[] | null = null;
    if (sameAmount !== undefined) {
      const day = vietnamDay(line.bookedAt, line.lineNumber);
      for (const slot of sameAmount) {
        if (slot.taken || Math.abs(slot.day - day) > MAX_DAYS_APART) continue;
        if (fit === null) fit = slot;
        else {
          candidates ??= [fit.target.id];
          candidates.push(slot.target.id);
        }
      }
    }
    if (candidates !== null) {
      exceptions.ambiguous += 1;
      decisions[index] = { line, kind: 'exception', type: 'ambiguous', paymentId: null, candidates };
    } else if (fit !== null) {
      fit.taken = true;
      matched += 1;
      decisions[index] = { line, kind: 'matched_target', target: fit.target, how: 'amount_and_date' };
    } else {
      decisions[index] = exception(line, 'unmatched_credit', null);
    }
  }

  return { decisions: decisions as LineDecision[], counts: { lines: lines.length, alreadyConfirmed, matched, exceptions } };
}
