/** The payout settings (wrangler.toml [vars]; docs/payouts.md), read with their defaults. */

export interface PayoutSettings {
  /** Days a delivered sub-order's money is held for returns and disputes. */
  holdDays: number;
  /** The platform's commission in basis points (0–10,000). */
  commissionBps: number;
  /** The smallest payout a run makes, in đồng: smaller balances wait for the next run. */
  minimumAmount: number;
  /** Days after approval before a payout with no statement debit becomes an exception. */
  confirmDays: number;
}

function whole(value: string | undefined, fallback: number, max: number): number {
  const parsed = Number(value);
  return value !== undefined && value !== '' && Number.isInteger(parsed) && parsed >= 0 && parsed <= max ? parsed : fallback;
}

export function payoutSettings(env: Env): PayoutSettings {
  return {
    holdDays: whole(env.PAYOUT_HOLD_DAYS, 7, 365),
    commissionBps: whole(env.PLATFORM_COMMISSION_BPS, 0, 10_000),
    minimumAmount: whole(env.PAYOUT_MINIMUM_AMOUNT, 50_000, 10_000_000_000),
    confirmDays: whole(env.PAYOUT_CONFIRM_DAYS, 3, 90),
  };
}
