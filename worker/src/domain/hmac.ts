/** HMAC-SHA256 signatures for bank notifications, checked in constant time. */
import { constantTimeEqual, toHex } from './tokens';

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const signature = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(message));
  return toHex(signature);
}

/**
 * The lowercase hex HMAC-SHA256 of `${timestamp}.${body}`: binding the timestamp into the
 * signature stops an old notice from being replayed with a fresh timestamp.
 *
 * @example await signBankNotification("dev-bank-secret", "1764460800", "{}")
 */
export function signBankNotification(secret: string, timestamp: string, rawBody: string): Promise<string> {
  return hmacHex(secret, `${timestamp}.${rawBody}`);
}

export const BANK_SIGNATURE_TOLERANCE_SECONDS = 300;

/** True when the signature matches any of the secrets and the timestamp is within 300 s of now. */
export async function verifyBankNotification(
  secrets: string[],
  timestamp: string | undefined,
  signature: string | undefined,
  rawBody: string,
  nowSeconds: number,
): Promise<boolean> {
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > BANK_SIGNATURE_TOLERANCE_SECONDS) return false;
  for (const secret of secrets) {
    if (constantTimeEqual(await signBankNotification(secret, timestamp, rawBody), signature)) return true;
  }
  return false;
}
