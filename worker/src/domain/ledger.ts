/**
 * Double-entry journals for payments. Every money movement is one journal whose lines'
 * debits equal its credits. Accounts are wallets: a debit is money into the account, a
 * credit money out of it. Money flows payer → collection account → payee's payable, and
 * a refund flows back the same way.
 */

export interface LedgerLine {
  account: string;
  debit: number;
  credit: number;
  memo: string;
}

export interface PayeeShare {
  organizationId: string;
  amount: number;
}

export const payerAccount = (paymentId: string) => `payer:${paymentId}`;
export const payableAccount = (organizationId: string) => `payable:${organizationId}`;

/** Where the money lands: the bank account for VietQR, the Stripe balance for cards. */
export function collectionAccount(method: 'vietqr' | 'stripe', bankBin: string, accountNo: string): string {
  return method === 'stripe' ? 'collection:stripe' : `collection:vietqr:${bankBin}:${accountNo}`;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/**
 * Money received for a payment: from the payer into the collection account, then on to
 * what is owed to each payee (the biller, or each seller of an order).
 *
 * @example receiptJournal("pay_1", "collection:stripe", 300, [{ organizationId: "org_a", amount: 300 }])
 */
export function receiptJournal(paymentId: string, collection: string, amount: number, payees: PayeeShare[]): LedgerLine[] {
  if (sum(payees.map((p) => p.amount)) !== amount) throw new RangeError('payee shares must add up to the amount');
  return [
    { account: payerAccount(paymentId), debit: 0, credit: amount, memo: 'paid by the payer' },
    { account: collection, debit: amount, credit: 0, memo: 'received' },
    { account: collection, debit: 0, credit: amount, memo: 'owed to the payee' },
    ...payees.map((p) => ({ account: payableAccount(p.organizationId), debit: p.amount, credit: 0, memo: 'payable' })),
  ];
}

/** Money returned to the payer: out of the payees' payables, back through the collection account. */
export function refundJournal(paymentId: string, collection: string, amount: number, payees: PayeeShare[]): LedgerLine[] {
  if (sum(payees.map((p) => p.amount)) !== amount) throw new RangeError('payee shares must add up to the amount');
  return [
    ...payees.map((p) => ({ account: payableAccount(p.organizationId), debit: 0, credit: p.amount, memo: 'refund' })),
    { account: collection, debit: amount, credit: 0, memo: 'refund from payee' },
    { account: collection, debit: 0, credit: amount, memo: 'refund sent' },
    { account: payerAccount(paymentId), debit: amount, credit: 0, memo: 'refunded to the payer' },
  ];
}

/**
 * Splits `amount` over payees in proportion to their shares, in whole đồng, by largest
 * remainder: the parts always add up exactly, and no payee gets more than its share.
 *
 * @example allocate(100, [{ organizationId: "a", amount: 200 }, { organizationId: "b", amount: 100 }]) // a 67, b 33
 */
export function allocate(amount: number, shares: PayeeShare[]): PayeeShare[] {
  const total = sum(shares.map((s) => s.amount));
  if (!Number.isSafeInteger(amount) || amount < 0 || amount > total) throw new RangeError('cannot allocate more than the shares');
  const exact = shares.map((s) => ({ ...s, floor: Math.floor((amount * s.amount) / total), remainder: (amount * s.amount) % total }));
  let left = amount - sum(exact.map((e) => e.floor));
  const order = [...exact.keys()].sort((a, b) => exact[b]!.remainder - exact[a]!.remainder || a - b);
  for (const index of order) {
    if (left === 0) break;
    exact[index]!.floor += 1;
    left -= 1;
  }
  return exact.map((e) => ({ organizationId: e.organizationId, amount: e.floor })).filter((s) => s.amount > 0);
}

export function isBalanced(lines: LedgerLine[]): boolean {
  return sum(lines.map((l) => l.debit)) === sum(lines.map((l) => l.credit));
}
