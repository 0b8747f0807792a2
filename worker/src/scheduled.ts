import { deleteExpiredSessions } from './db/users';
import { sweepExpired } from './payments/expiry';
import { releaseDue } from './payouts/balance';
import { payoutSettings } from './payouts/settings';
import { flagOverduePayouts } from './reconciliation/statement-debits';

/** The Cron Trigger: expire overdue payments (releasing stock), then housekeeping. Rate limits clean up after themselves (RateLimiter alarms). */
export async function runScheduledMaintenance(env: Env, scheduledTime: number): Promise<void> {
  const now = new Date(scheduledTime).toISOString();
  await sweepExpired(env.DB, now);
  await deleteExpiredSessions(env.DB, now);
  // Seller payouts: release money whose hold ended; flag approved payouts the bank never debited.
  const payouts = payoutSettings(env);
  await releaseDue(env.DB, now, payouts);
  await flagOverduePayouts(env.DB, now, payouts.confirmDays);
}
