import { deleteOldRateLimitWindows } from './db/rate-limits';
import { deleteExpiredSessions } from './db/users';

/** Housekeeping run by the Cron Trigger: expired sessions and old rate-limit windows. */
export async function runScheduledMaintenance(env: Env, scheduledTime: number): Promise<void> {
  await deleteExpiredSessions(env.DB, new Date(scheduledTime).toISOString());
  await deleteOldRateLimitWindows(env.DB, scheduledTime, 24 * 60 * 60);
}
