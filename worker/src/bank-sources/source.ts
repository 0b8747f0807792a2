/**
 * The one interface every bank-credit source implements. An adapter only authenticates a
 * request, parses it, says whether each transaction is money in or out, and builds the one
 * credit shape (domain/bank-credit.ts). It decides nothing and writes nothing: the caller
 * (payments/bank-notifications.ts) hands the credits to the pipeline that decides and writes
 * every credit (payments/credits.ts). A new source (payOS, a bank's own API) is one file
 * implementing this, one line in registry.ts, and its fixtures.
 */
import { z } from 'zod';
import type { CreditLine } from '../domain/bank-credit';
import { isAcceptableAmount } from '../domain/money';
import { toHex } from '../domain/tokens';

/** What a source tells us of one transaction on one account. */
export interface SourceTransaction {
  direction: 'in' | 'out';
  /** The account the provider says the transaction is on (digits only). */
  accountNumber: string;
  credit: CreditLine;
}

/** The request as an adapter sees it: headers by lower-case name, the exact bytes of the body. */
export interface SourceRequest {
  headers: (name: string) => string | undefined;
  rawBody: string;
  nowMs: number;
  connectionId: string;
}

/** An answer in the provider's own shape. */
export interface SourceAnswer {
  status: 200 | 400 | 401;
  body: unknown;
}

export type AnswerKind =
  /** Received: applied, a duplicate, or money out that we ignore. The provider must not retry. */
  | { kind: 'received'; transactionIds: string[]; outcomes: string[] }
  /** Wrong or missing key: nothing read. */
  | { kind: 'unauthorized' }
  /** Not the provider's format. */
  | { kind: 'invalid'; message: string }
  /** A transaction for an account that is not the connection's own: refused for good. */
  | { kind: 'refused'; message: string };

export class SourceFormatError extends Error {}

export interface BankSource<Credentials> {
  provider: string;
  /** How the credentials are given when the connection is created (bounded). */
  credentials: z.ZodType<Credentials>;
  /** The credentials a list may hint at (last 4 characters), by name. */
  secretsOf(credentials: Credentials): Record<string, string>;
  /** What to enter on the provider's side, in Vietnamese. */
  instructions(webhookUrl: string, credentials: Credentials): string[];
  /** True when the request proves it comes from the provider with these credentials. */
  authenticate(request: SourceRequest, credentials: Credentials): Promise<boolean>;
  /** The transactions the body carries; throws SourceFormatError when it is not the provider's format. */
  parse(rawBody: string): SourceTransaction[];
  answer(kind: AnswerKind): SourceAnswer;
}

/** JSON of a body, or the source's format error. */
export function parseJson(rawBody: string): unknown {
  try {
    return JSON.parse(rawBody);
  } catch {
    throw new SourceFormatError('Nội dung thông báo không phải JSON');
  }
}

/** A provider's amount as whole đồng within the ceiling (sign dropped: direction is said apart). */
export function dong(value: unknown, field: string): number {
  const number = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof number !== 'number' || !isAcceptableAmount(Math.abs(number)))
    throw new SourceFormatError(`Số tiền (${field}) phải là số nguyên đồng từ 1 ₫ đến 10.000.000.000 ₫`);
  return Math.abs(number);
}

/** Digits of an account number, or the format error. */
export function accountDigits(value: unknown, field: string): string {
  const text = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
  if (!/^\d{1,19}$/.test(text)) throw new SourceFormatError(`Số tài khoản (${field}) phải gồm 1 đến 19 chữ số`);
  return text;
}

/** Bounded text of a field; missing becomes empty. */
/** A credential a provider gives us (key, token, password): at least `min` characters, trimmed. */
export const credentialSecret = (min = 8) => z.string().trim().min(min, `Tối thiểu ${min} ký tự`).max(200, 'Tối đa 200 ký tự');

export function text(value: unknown, field: string, max = 1000): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string' && typeof value !== 'number') throw new SourceFormatError(`Trường ${field} phải là chữ`);
  const result = String(value);
  if (result.length > max) throw new SourceFormatError(`Trường ${field} dài quá ${max} ký tự`);
  return result;
}

/** An id the provider gives, prefixed by the provider so two providers' ids never collide on one account. */
export function transactionId(provider: string, value: unknown, field: string): string {
  const id = text(value, field, 90).trim();
  if (!id) throw new SourceFormatError(`Thiếu mã giao dịch (${field})`);
  return `${provider}:${id}`;
}

export async function hmac(hash: 'SHA-256' | 'SHA-512', secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash }, false, ['sign']);
  return toHex(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(message)));
}
