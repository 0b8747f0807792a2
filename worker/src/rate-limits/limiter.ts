import { DurableObject } from 'cloudflare:workers';
import { decideHit, type RateLimitResult, stateExpiresAt, type WindowRule, type WindowState } from '../domain/rate-window';

const STATE_KEY = 'state';
const REMEMBERED_KEY = 'remembered-until';

/**
 * One rate-limit counter, one object per limited key (`login-account:lan@example.vn`), so
 * counters spread over as many objects as there are keys and no two keys share a writer.
 * The state is a few numbers kept in the object's own storage, so it survives eviction; an
 * alarm forgets it once it no longer matters. Requests to one object are handled one at a
 * time (its input gate), so concurrent hits cannot both slip under a limit.
 */
export class RateLimiter extends DurableObject<Env> {
  async hit(rule: WindowRule, nowMs: number): Promise<RateLimitResult> {
    const previous = (await this.ctx.storage.get<WindowState>(STATE_KEY)) ?? null;
    const { state, result } = decideHit(rule, previous, nowMs);
    if (result.allowed) {
      await this.ctx.storage.put(STATE_KEY, state);
      await this.ctx.storage.setAlarm(stateExpiresAt(rule, state));
    }
    return result;
  }

  /**
   * Marks this object's key as known until `untilMs` (a device that signed in to an account).
   * Objects that remember are never the ones that count, so the alarm below serves both.
   */
  async remember(untilMs: number): Promise<void> {
    await this.ctx.storage.put(REMEMBERED_KEY, untilMs);
    await this.ctx.storage.setAlarm(untilMs);
  }

  async isRemembered(nowMs: number): Promise<boolean> {
    return ((await this.ctx.storage.get<number>(REMEMBERED_KEY)) ?? 0) > nowMs;
  }

  /** Forgets the count, e.g. after the right password proves the caller is the owner. */
  async reset(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
