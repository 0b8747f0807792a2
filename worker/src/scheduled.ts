import { deleteExpiredSessions } from './db/users';
import { sweepExpired } from './payments/expiry';

/** The Cron Trigger: expire overdue payments (releasing stock), then housekeeping. Rate limits clean up after themselves (RateLimiter alarms). */
export async function runScheduledMaintenance(env: Env, scheduledTime: number): Promise<void> {
  const now = new Date(scheduledTime).toISOString();
  await sweepExpired(env.DB, now);
  await deleteExpiredSessions(env.DB, now);
}
