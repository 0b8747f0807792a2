/**
 * The payout state machine, on the model of the payment and refund ones: every status a
 * seller payout can have and the one table of moves between them. Nothing changes a
 * payout's status except through `payoutTransition()`, and each change writes a
 * `payout_events` row in the same batch.
 *
 * A payout run makes one payout per seller. A seller without a bank account gets a `held`
 * payout that moves no money (its balance stays available for the next run). The others
 * wait for a second admin's approval of the run, are then transferred by the bank from the
 * bulk-transfer file, and are confirmed when the platform account's statement shows the
 * debit; a transfer the bank bounced is marked failed and its money is available again.
 */
import { type Edge, nextStatus } from './state-table.ts';

export const PAYOUT_STATUSES = ['held', 'awaiting_approval', 'approved', 'paid', 'failed'] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

export const PAYOUT_EVENTS = ['create', 'hold', 'approve', 'confirm', 'fail'] as const;
export type PayoutEvent = (typeof PAYOUT_EVENTS)[number];

export type PayoutTransition = Edge<PayoutStatus, PayoutEvent>;

export const PAYOUT_TRANSITIONS: readonly PayoutTransition[] = [
  // The run reserves the seller's available money for this payout.
  { from: null, event: 'create', to: 'awaiting_approval' },
  // No bank account to pay into: recorded with its reason, nothing reserved.
  { from: null, event: 'hold', to: 'held' },
  // A second admin approved the run: the payout goes into the bulk-transfer file.
  { from: 'awaiting_approval', event: 'approve', to: 'approved' },
  // The statement debit with the payout's reference and amount: the money has left.
  { from: 'approved', event: 'confirm', to: 'paid' },
  // The bank refused or returned the transfer: the money is available again.
  { from: 'approved', event: 'fail', to: 'failed' },
];

export class IllegalPayoutTransitionError extends Error {
  constructor(
    readonly from: PayoutStatus | null,
    readonly event: PayoutEvent,
  ) {
    super(from === null ? `A payout cannot begin with the event ${event}` : `A payout that is ${from} cannot take the event ${event}`);
  }
}

/**
 * @example payoutTransition('approved', 'confirm') // "paid"
 * @example payoutTransition(null, 'hold') // "held"
 */
export function payoutTransition(from: PayoutStatus | null, event: PayoutEvent): PayoutStatus {
  const to = nextStatus(PAYOUT_TRANSITIONS, from, event);
  if (to === undefined) throw new IllegalPayoutTransitionError(from, event);
  return to;
}

export function canPayoutTransition(from: PayoutStatus | null, event: PayoutEvent): boolean {
  return nextStatus(PAYOUT_TRANSITIONS, from, event) !== undefined;
}

/** What each status is called on the seller's and the admin's pages. */
export const PAYOUT_STATUS_NAMES: Record<PayoutStatus, string> = {
  held: 'tạm giữ',
  awaiting_approval: 'chờ duyệt',
  approved: 'đã duyệt, chờ ngân hàng chuyển',
  paid: 'đã chuyển',
  failed: 'chuyển không thành công',
};

/** Why a payout is held, as the admin and the seller read it. */
export const HOLD_NO_BANK_ACCOUNT = 'Chưa có tài khoản ngân hàng nhận tiền: hãy bổ sung số tài khoản, mã ngân hàng và tên chủ tài khoản';
