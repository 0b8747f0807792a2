/**
 * A seller's money after a marketplace order is paid, as ledger accounts and journals (the
 * same wallet convention as ledger.ts: a debit is money into an account). A seller's
 * balance is never stored; it is these accounts' sums:
 *
 *   payable:<seller>   pending: paid sub-orders not yet delivered, or still in their hold
 *   available:<seller> released after the hold, less the platform's commission
 *   outgoing:<seller>  reserved by a payout run, waiting for the bank's debit
 *   paid_out:<seller>  what the statement shows has left for the seller's bank account
 *
 * Release:  payable → available (+ commission:platform)
 * Run:      available → outgoing
 * Debit:    outgoing → paid_out
 * Failed:   outgoing → available
 */
import { type LedgerLine, payableAccount } from './ledger.ts';

export const availableAccount = (organizationId: string) => `available:${organizationId}`;
export const outgoingAccount = (organizationId: string) => `outgoing:${organizationId}`;
export const paidOutAccount = (organizationId: string) => `paid_out:${organizationId}`;
export const COMMISSION_ACCOUNT = 'commission:platform';
export { payableAccount as pendingAccount };

/** Basis points in a whole: 10,000 bps = 100 %. */
const BPS = 10_000;

/**
 * The platform's commission on a sub-order, in whole đồng, **rounded down**: the fraction of
 * a đồng always stays with the seller, so a seller is never charged more than the rate.
 *
 * @example commissionOf(300_000, 250) // 7500 (2.5 %)
 * @example commissionOf(99_999, 250) // 2499 (2499.975 rounded down)
 * @example commissionOf(150_000, 0) // 0
 */
export function commissionOf(gross: number, bps: number): number {
  if (!Number.isSafeInteger(gross) || gross < 0) throw new RangeError('gross must be whole đồng');
  if (!Number.isInteger(bps) || bps < 0 || bps > BPS) throw new RangeError('commission must be 0–10,000 basis points');
  return Math.floor((gross * bps) / BPS);
}

/**
 * When a delivered sub-order's money becomes available: `holdDays` whole days after delivery.
 *
 * @example releaseTime('2026-11-20T03:00:00.000Z', 7) // "2026-11-27T03:00:00.000Z"
 */
export function releaseTime(deliveredAt: string, holdDays: number): string {
  return new Date(Date.parse(deliveredAt) + holdDays * 86_400_000).toISOString();
}

/** The latest delivery time whose hold has ended by `now`. */
export function deliveredBy(now: string, holdDays: number): string {
  return new Date(Date.parse(now) - holdDays * 86_400_000).toISOString();
}

/**
 * A delivered sub-order's hold ended: its amount moves from pending to available, the
 * commission (if any) to the platform.
 *
 * @example releaseJournal('org_a', 300000, 7500) // payable −300000, available +292500, commission +7500
 */
export function releaseJournal(organizationId: string, gross: number, commission: number): LedgerLine[] {
  return [
    { account: payableAccount(organizationId), debit: 0, credit: gross, memo: 'released after the hold' },
    { account: availableAccount(organizationId), debit: gross - commission, credit: 0, memo: 'available to pay out' },
    ...(commission > 0 ? [{ account: COMMISSION_ACCOUNT, debit: commission, credit: 0, memo: 'platform commission' }] : []),
  ];
}

/** A payout run reserves the available amount, so no later run pays it twice. */
export function reserveJournal(organizationId: string, amount: number): LedgerLine[] {
  return [
    { account: availableAccount(organizationId), debit: 0, credit: amount, memo: 'reserved for a payout' },
    { account: outgoingAccount(organizationId), debit: amount, credit: 0, memo: 'payout to transfer' },
  ];
}

/** The statement shows the debit: the money has left for the seller's bank. */
export function paidJournal(organizationId: string, amount: number): LedgerLine[] {
  return [
    { account: outgoingAccount(organizationId), debit: 0, credit: amount, memo: 'transferred' },
    { account: paidOutAccount(organizationId), debit: amount, credit: 0, memo: 'paid out to the seller' },
  ];
}

/** The transfer failed: the reserved money is available again. */
export function failedJournal(organizationId: string, amount: number): LedgerLine[] {
  return [
    { account: outgoingAccount(organizationId), debit: 0, credit: amount, memo: 'transfer failed' },
    { account: availableAccount(organizationId), debit: amount, credit: 0, memo: 'available again' },
  ];
}

export interface SellerBalance {
  pending: number;
  available: number;
  /** Reserved by a payout run and not yet seen leaving on a statement. */
  inTransfer: number;
  paidOut: number;
}

/**
 * A seller's balance from the sums (debit − credit) of its accounts; accounts with no lines are 0.
 *
 * @example sellerBalance('org_a', new Map([['available:org_a', 292500]])) // { pending: 0, available: 292500, inTransfer: 0, paidOut: 0 }
 */
export function sellerBalance(organizationId: string, sums: ReadonlyMap<string, number>): SellerBalance {
  const of = (account: string) => sums.get(account) ?? 0;
  return {
    pending: of(payableAccount(organizationId)),
    available: of(availableAccount(organizationId)),
    inTransfer: of(outgoingAccount(organizationId)),
    paidOut: of(paidOutAccount(organizationId)),
  };
}

export function sellerAccounts(organizationId: string): string[] {
  return [
    payableAccount(organizationId),
    availableAccount(organizationId),
    outgoingAccount(organizationId),
    paidOutAccount(organizationId),
  ];
}
