/** Words for payer lists and bill runs on the biller's pages, in one place. */

import type { z } from 'zod';
import { BILL_TYPE_NAMES } from '#worker/db/bills';
import { defaultBillType, isBillerKind } from '#worker/domain/billers';
import { formatVnd } from '#worker/domain/money';
import { formatMonth } from '#worker/domain/vietnam-time';
import type { BillRunSchema, PayerSchema } from '#worker/routes/payer-lists';

// The answers' shapes come from the API's own schemas, so the pages cannot drift from them
// (type-only: nothing of the routes is bundled into the pages).
export type PayerJson = z.infer<typeof PayerSchema>;
export type BillRunJson = z.infer<typeof BillRunSchema>;

/**
 * What a run has collected, as the list shows it.
 *
 * @example collectionSummary({ billsPaid: 12, billsIssued: 30, amountPaid: 4200000, amountIssued: 10500000 })
 * // 'Đã thu 12/30 hoá đơn · 4.200.000 ₫ / 10.500.000 ₫'
 */
export function collectionSummary(run: Pick<BillRunJson, 'billsPaid' | 'billsIssued' | 'amountPaid' | 'amountIssued'>): string {
  return `Đã thu ${run.billsPaid}/${run.billsIssued} hoá đơn · ${formatVnd(run.amountPaid)} / ${formatVnd(run.amountIssued)}`;
}

/**
 * What a run's bills say when the biller writes nothing: the kind of bill and the month.
 *
 * @example defaultRunDescription('school', '2026-12') // 'Học phí tháng 12/2026'
 */
export function defaultRunDescription(kind: string, period: string): string {
  const type = isBillerKind(kind) ? defaultBillType(kind) : 'tuition';
  return `${BILL_TYPE_NAMES[type]} ${formatMonth(period)}`;
}

/** Whole đồng from what a person types in an amount box ("350.000", "350 000"), or undefined when empty. */
export function typedAmount(text: string): number | undefined {
  const compact = text.replace(/[.,\s₫]/g, '');
  if (compact === '') return undefined;
  return /^\d{1,15}$/.test(compact) ? Number(compact) : Number.NaN;
}
