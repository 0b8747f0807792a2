/** Random identifiers and secrets, and the hashes under which secrets are stored. */

const ID_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * A prefixed random id such as "prd_8k2m4q7t9v1x3z5b" (80 bits). The prefix tells a
 * reader what kind of object an id names, in logs and in support requests.
 */
export function newId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let id = '';
  for (const byte of bytes) id += ID_ALPHABET[byte & 31];
  return `${prefix}_${id}`;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A 256-bit secret token, for sessions and order access. */
export function newSecretToken(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** Lowercase hex of a digest or signature, by table: every signed-in request hashes its token. */
export function toHex(bytes: ArrayBuffer): string {
  let hex = '';
  for (const byte of new Uint8Array(bytes)) hex += HEX_BYTES[byte];
  return hex;
}

/** Hex SHA-256, used to store tokens so that the database never holds a usable secret. */
export async function sha256Hex(text: string): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/** Compares two strings (hex hashes, signatures) in constant time for equal lengths. */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
