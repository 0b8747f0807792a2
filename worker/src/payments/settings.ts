import { ApiError } from '../errors';

/** Secrets arrive comma-separated so that an old and a new one work together while rotating. */
function secretList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((secret) => secret.trim())
    .filter(Boolean);
}

function seconds(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}

export interface BankAccount {
  bankBin: string;
  accountNo: string;
  accountName: string;
}

export interface StripeSettings {
  secretKey: string;
  webhookSecrets: string[];
  /** Only for the local stand-in: where the SDK sends its requests instead of api.stripe.com. */
  api?: { host: string; port: number; protocol: 'http' | 'https' };
}

export function billPaymentTtlSeconds(env: Env): number {
  return seconds(env.BILL_PAYMENT_TTL_SECONDS, 24 * 60 * 60);
}

export function orderPaymentTtlSeconds(env: Env): number {
  return seconds(env.ORDER_PAYMENT_TTL_SECONDS, 30 * 60);
}

export const bankWebhookSecrets = (env: Env) => secretList(env.BANK_WEBHOOK_SECRET);

/** The platform's collection account, which receives the money for marketplace orders. */
export function platformAccount(env: Env): BankAccount {
  const bankBin = env.PLATFORM_BANK_BIN ?? '';
  const accountNo = env.PLATFORM_BANK_ACCOUNT ?? '';
  const accountName = env.PLATFORM_BANK_NAME ?? '';
  if (!/^\d{6}$/.test(bankBin) || !/^\d{1,19}$/.test(accountNo) || !accountName) {
    throw new ApiError(
      503,
      'not_configured',
      'Chưa cấu hình tài khoản thu hộ của nền tảng (PLATFORM_BANK_BIN, PLATFORM_BANK_ACCOUNT, PLATFORM_BANK_NAME)',
    );
  }
  return { bankBin, accountNo, accountName };
}

/** Stripe is on only when a secret key is configured. */
export function stripeSettings(env: Env): StripeSettings | null {
  const secretKey = env.STRIPE_SECRET_KEY?.trim();
  if (!secretKey) return null;
  const host = env.STRIPE_API_HOST?.trim();
  return {
    secretKey,
    webhookSecrets: secretList(env.STRIPE_WEBHOOK_SECRET),
    api: host
      ? { host, port: Number(env.STRIPE_API_PORT) || 12111, protocol: env.STRIPE_API_PROTOCOL === 'https' ? 'https' : 'http' }
      : undefined,
  };
}

/**
 * The address every absolute link we send is built on (receipt check links and their QR
 * codes, Stripe's return URLs): the configured PUBLIC_BASE_URL, e.g. https://cho-so.vn,
 * never the Host a caller sent. Only in development and tests, where none is set, the
 * request's own origin stands in for it.
 *
 * @example publicUrl({ PUBLIC_BASE_URL: 'https://cho-so.vn' } as Env, 'http://evil.example/x', '/bien-lai/pay_1') // "https://cho-so.vn/bien-lai/pay_1"
 */
export function publicUrl(env: Env, requestUrl: string, path: string): string {
  const configured = env.PUBLIC_BASE_URL?.trim();
  let base: URL | null = null;
  try {
    base = configured ? new URL(configured) : null;
  } catch {
    base = null;
  }
  if (base && (base.protocol === 'https:' || base.protocol === 'http:')) return new URL(path, base.origin).toString();
  if (env.ENVIRONMENT === 'development' || env.ENVIRONMENT === 'test') return new URL(path, new URL(requestUrl).origin).toString();
  throw new ApiError(503, 'not_configured', 'Chưa cấu hình địa chỉ công khai của trang (PUBLIC_BASE_URL): không tạo được đường dẫn');
}
