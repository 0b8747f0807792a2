import type { WindowRule } from '../domain/rate-window';

/**
 * Every rate limit of the worker: its name, its size and its window, and where it counts.
 * Call sites only say `hit('loginAccount', email)` (worker/src/rate-limits/hit.ts).
 *
 * Two stores, neither of them D1 (one writer for the whole database: a row per login or
 * lookup would be the first thing to give at scale):
 *  - `binding`: the Workers Rate Limiting binding, for short per-client limits. It counts at
 *    the edge with no storage of ours, but only over 10 or 60 seconds, and its size lives in
 *    wrangler.toml (`[[ratelimits]]`); rate-limits.test.ts checks that both agree.
 *  - `object`: a Durable Object per key (RateLimiter), for limits that need a longer
 *    window or a backoff. `prefix` names the object, `<prefix>:<key>`.
 *
 * Addresses are CF-Connecting-IP, IPv6 cut to its /64 (worker/src/middleware/client.ts).
 */
export type LimitDefinition =
  | { store: 'binding'; binding: RateLimitBindingName; limit: number; periodSeconds: 10 | 60; what: string }
  | { store: 'object'; prefix: string; rule: WindowRule; what: string; message?: (wait: string) => string };

export type RateLimitBindingName = 'LOGIN_ADDRESS_LIMITER' | 'ORDER_CREATE_LIMITER';

export const RATE_LIMITS = {
  /** Guesses at one account from one address: a wrong password ten times, then wait. */
  loginAccountAddress: {
    store: 'object',
    prefix: 'login-account-address',
    rule: { kind: 'counter', limit: 10, windowSeconds: 15 * 60 },
    what: 'thử đăng nhập',
  },
  /**
   * Guesses at one account from everywhere. Much larger than the per-address limit, so that
   * strangers failing from other addresses never lock the owner out; past it, one attempt
   * per 1, 2, 4 … 60 seconds, which slows a distributed guesser to a crawl and keeps the
   * owner's wait under a minute.
   */
  loginAccount: {
    store: 'object',
    prefix: 'login-account',
    rule: { kind: 'backoff', freeAttempts: 100, windowSeconds: 15 * 60, baseDelaySeconds: 1, maxDelaySeconds: 60 },
    what: 'thử đăng nhập vào tài khoản này',
    // Strangers caused this, not the person reading it.
    message: (wait: string) =>
      `Tài khoản này vừa bị thử mật khẩu quá nhiều lần từ nhiều nơi; hãy đợi ${wait} rồi thử lại. Thiết bị bạn đã từng đăng nhập không phải đợi.`,
  },
  /**
   * Guesses at one account from a device that has signed in to it before (its `choso_device`
   * cookie). Such a device skips `loginAccount`, so its owner gets in with the right password
   * even while strangers keep the account in backoff; this keeps a stolen cookie slow.
   */
  loginAccountDevice: {
    store: 'object',
    prefix: 'login-account-device',
    rule: { kind: 'counter', limit: 10, windowSeconds: 15 * 60 },
    what: 'thử đăng nhập',
  },
  /** Sign-ins from one address, any account: generous, since carriers put many phones behind one address. */
  loginAddress: { store: 'binding', binding: 'LOGIN_ADDRESS_LIMITER', limit: 60, periodSeconds: 60, what: 'thử đăng nhập' },
  /** New accounts from one address. */
  register: {
    store: 'object',
    prefix: 'register',
    rule: { kind: 'counter', limit: 30, windowSeconds: 15 * 60 },
    what: 'tạo tài khoản',
  },
  /** Public bill lookups (and payments started by bill code) per address: enough for a family, too few to enumerate codes. */
  billLookup: {
    store: 'object',
    prefix: 'bill-lookup',
    rule: { kind: 'counter', limit: 30, windowSeconds: 10 * 60 },
    what: 'tra cứu hoá đơn',
  },
  /** Orders placed per client (account or address). The cap on open unpaid orders is in worker/src/domain/order-limits.ts. */
  orderCreate: { store: 'binding', binding: 'ORDER_CREATE_LIMITER', limit: 20, periodSeconds: 60, what: 'đặt hàng' },
} as const satisfies Record<string, LimitDefinition>;

export type LimitName = keyof typeof RATE_LIMITS;

/** How long a device that signed in to an account stays known to it (object `known-device:<email>|<device>`). */
export const KNOWN_DEVICE = { prefix: 'known-device', rememberSeconds: 180 * 24 * 60 * 60 } as const;
