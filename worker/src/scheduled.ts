import { deleteOldRateLimitWindows } from './db/rate-limits';
import { deleteExpiredSessions } from './db/users';
import { sweepExpired } from './payments/expiry';

/** The Cron Trigger: expire overdue payments (releasing stock), then housekeeping. */
export async function runScheduledMaintenance(env: Env, scheduledTime: number): Promise<void> {
  const now = new Date(scheduledTime).toISOString();
  await sweepExpired(env.DB, now);
  await deleteExpiredSessions(env.DB, now);
  await deleteOldRateLimitWindows(env.DB, scheduledTime, 24 * 60 * 60);
}
