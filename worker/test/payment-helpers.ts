import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { signBankNotification } from '../src/domain/hmac';
import { api, jsonRequest } from './helpers';

/** Demo bills from the dev seed (worker/src/seed/bills.ts), as the README lists them. */
export const DEMO_BILLS = {
  tuitionAn: { code: 'HP8A26DBA5', amount: 350000, billerId: 'org_school_dinh_bang' },
  tuitionNgoc: { code: 'BT8C26DBNM', amount: 480000, billerId: 'org_school_dinh_bang' },
  stallA12: { code: 'KQAHT25269', amount: 300000, billerId: 'org_market_board' },
  stallB07: { code: 'KQBTM2526A', amount: 250000, billerId: 'org_market_board' },
  hospital: { code: 'VPBNH2628W', amount: 1250000, billerId: 'org_hospital' },
  adminFee: { code: 'HCCTD2637Z', amount: 50000, billerId: 'org_commune_office' },
} as const;

export interface PaymentJson {
  id: string;
  reference: string;
  amount: number;
  amountRefunded: number;
  currency: 'VND';
  method: 'vietqr' | 'stripe';
  status: 'pending' | 'paid' | 'failed' | 'expired' | 'refunded';
  expiresAt: string;
  paidAt: string | null;
  billCode: string | null;
  orderId: string | null;
  payee: { name: string; bankBin: string; accountNumber: string };
  vietqr: { payload: string; svgUrl: string } | null;
  stripe: { checkoutUrl: string; qrSvgUrl: string } | null;
  receiptUrl: string | null;
}

/**
 * Starts a payment as a payer would. Each call comes from an address of its own: a bill code
 * is under a per-client allowance (payments/bill-code-limit.ts), which tests of that limit
 * exercise on purpose, and others should not run into.
 */
export function postPayment(body: unknown, key: string | null = crypto.randomUUID(), headers: Record<string, string> = {}) {
  const init = jsonRequest('POST', body);
  (init.headers as Record<string, string>)['CF-Connecting-IP'] = randomAddress();
  if (key !== null) (init.headers as Record<string, string>)['Idempotency-Key'] = key;
  Object.assign(init.headers as Record<string, string>, headers);
  return api('/api/v1/payments', init);
}

export async function createPayment(body: unknown, key?: string): Promise<PaymentJson> {
  const res = await postPayment(body, key);
  expect(res.status).toBe(201);
  return res.json<PaymentJson>();
}

export async function getPayment(id: string): Promise<PaymentJson> {
  const res = await api(`/api/v1/payments/${id}`);
  expect(res.status).toBe(200);
  return res.json<PaymentJson>();
}

/** An address of the documentation range (2001:db8::/32), a different one each time. */
export function randomAddress(): string {
  const [a, b, c] = crypto.getRandomValues(new Uint16Array(3));
  return `2001:db8:${a!.toString(16)}:${b!.toString(16)}::${c!.toString(16)}`;
}

export interface BankNotice {
  transactionId: string;
  accountNumber: string;
  amount: number;
  description: string;
  bookedAt: string;
}

/** Posts a bank notification signed as the bank (or an aggregator) would sign it. */
export async function postBankNotice(
  notice: BankNotice | string,
  {
    secret = 'test-bank-secret',
    timestamp = String(Math.floor(Date.now() / 1000)),
    signature,
  }: { secret?: string; timestamp?: string; signature?: string | null } = {},
) {
  const body = typeof notice === 'string' ? notice : JSON.stringify(notice);
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-Bank-Timestamp': timestamp };
  const signed = signature === undefined ? await signBankNotification(secret, timestamp, body) : signature;
  if (signed !== null) headers['X-Bank-Signature'] = signed;
  return api('/api/v1/webhooks/bank', { method: 'POST', headers, body });
}

/** A notice paying `payment` exactly, with the reference buried in a realistic description. */
export function noticeFor(payment: PaymentJson, overrides: Partial<BankNotice> = {}): BankNotice {
  return {
    transactionId: `FT${crypto.randomUUID().replace(/-/g, '').slice(0, 14).toUpperCase()}`,
    accountNumber: payment.payee.accountNumber,
    amount: payment.amount,
    description: `MBVCB.4530998360.029552.${payment.reference} chuyen tien.CT tu 0351000646393 NGUYEN VAN AN toi ${payment.payee.accountNumber}`,
    bookedAt: new Date().toISOString(),
    ...overrides,
  };
}

/** Debits and credits of one payment's ledger lines, and per-journal balance. */
export async function ledgerOf(paymentId: string) {
  const { results } = await env.DB.prepare('SELECT journal_id, account, debit, credit FROM ledger_lines WHERE payment_id = ?1 ORDER BY id')
    .bind(paymentId)
    .all<{ journal_id: string; account: string; debit: number; credit: number }>();
  const totals = { debits: 0, credits: 0 };
  const balances = new Map<string, number>();
  const journals = new Map<string, number>();
  for (const line of results) {
    totals.debits += line.debit;
    totals.credits += line.credit;
    balances.set(line.account, (balances.get(line.account) ?? 0) + line.debit - line.credit);
    journals.set(line.journal_id, (journals.get(line.journal_id) ?? 0) + line.debit - line.credit);
  }
  return {
    lines: results,
    ...totals,
    balances: Object.fromEntries(balances),
    journalsBalanced: [...journals.values()].every((v) => v === 0),
  };
}

export async function expectLedgerBalanced(paymentId: string) {
  const ledger = await ledgerOf(paymentId);
  expect(ledger.debits).toBe(ledger.credits);
  expect(ledger.journalsBalanced).toBe(true);
  return ledger;
}

export async function exceptionsFor(where: { paymentId?: string; bankTransactionId?: string }) {
  const { results } = await env.DB.prepare(
    `SELECT e.type, e.status, e.amount, e.expected_amount, e.payment_id, e.organization_id FROM payment_exceptions e
     LEFT JOIN bank_credits b ON b.id = e.bank_credit_id
     WHERE (?1 IS NULL OR e.payment_id = ?1) AND (?2 IS NULL OR b.transaction_id = ?2)`,
  )
    .bind(where.paymentId ?? null, where.bankTransactionId ?? null)
    .all<{
      type: string;
      status: string;
      amount: number;
      expected_amount: number | null;
      payment_id: string | null;
      organization_id: string | null;
    }>();
  return results;
}

/** Inserts an open bill straight into the database, for a test that pays its own bill. */
export async function insertOpenBill(code: string, billerId: string, amount: number): Promise<string> {
  await env.DB.prepare(
    `INSERT INTO bills (id, code, biller_id, type, payer_name, payer_ref, description, amount, due_date)
     VALUES (?1, ?2, ?3, 'tuition', 'Ngô Văn Nam', 'HS-X', 'Khoản thu thử', ?4, '2026-12-31')`,
  )
    .bind(`bil_${code}`, code, billerId, amount)
    .run();
  return code;
}
