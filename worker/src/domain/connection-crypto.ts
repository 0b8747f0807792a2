/**
 * Credentials of bank connections at rest: AES-GCM through WebCrypto, with a key derived by
 * HKDF-SHA256 from the platform secret CONNECTION_SECRETS_KEY. A database copy alone then
 * reveals no provider key. The setting may hold two secrets, comma-separated, while rotating:
 * new writes use the first, reads try each in turn (the convention of BANK_WEBHOOK_SECRET).
 *
 * Stored form: `v1.<base64 iv>.<base64 ciphertext+tag>`. The connection id is bound as
 * additional data, so a ciphertext copied onto another connection's row does not decrypt.
 */

const encoder = new TextEncoder();
const HKDF_INFO = encoder.encode('choso bank-connection credentials v1');
const HKDF_SALT = encoder.encode('choso');

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (char) => char.charCodeAt(0));

/** The secrets of the setting, first the one new writes use. */
export function connectionSecrets(setting: string | undefined): string[] {
  return (setting ?? '')
    .split(',')
    .map((secret) => secret.trim())
    .filter(Boolean);
}

async function deriveKey(secret: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: HKDF_SALT, info: HKDF_INFO },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

export async function encryptCredentials(secrets: readonly string[], connectionId: string, plain: unknown): Promise<string> {
  const secret = secrets[0];
  if (!secret) throw new Error('CONNECTION_SECRETS_KEY is not set');
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: encoder.encode(connectionId) },
    await deriveKey(secret),
    encoder.encode(JSON.stringify(plain)),
  );
  return `v1.${toBase64(iv)}.${toBase64(new Uint8Array(sealed))}`;
}

/** The credentials, or null when no secret of the setting opens them. */
export async function decryptCredentials(secrets: readonly string[], connectionId: string, stored: string): Promise<unknown> {
  const [version, iv, sealed] = stored.split('.');
  if (version !== 'v1' || !iv || !sealed) return null;
  for (const secret of secrets) {
    try {
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: fromBase64(iv), additionalData: encoder.encode(connectionId) },
        await deriveKey(secret),
        fromBase64(sealed),
      );
      return JSON.parse(new TextDecoder().decode(plain));
    } catch {
      // Not this secret: try the next.
    }
  }
  return null;
}

/** What the list shows of a credential: its last 4 characters. @example lastFour("sk_live_abcd1234") // "…1234" */
export function lastFour(value: string): string {
  return `…${value.slice(-4)}`;
}
