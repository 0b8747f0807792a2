import { z } from '@hono/zod-openapi';
import './vietnamese-errors';

/**
 * Text fields of every schema. Each refuses control characters (NUL and the rest of C0 and C1,
 * DEL), lone UTF-16 surrogates (which JSON allows and D1 cannot store as UTF-8), and the
 * bidirectional overrides that make a name read differently from what it is. A multi-line
 * field (a description, a note) also accepts newline and tab; a single-line one accepts
 * neither. Use these instead of a bare `z.string()` for anything a client sends.
 */

// \p{Cs} matches a surrogate that is not half of a pair (with the u flag, pairs are one code point).
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const ALWAYS_REFUSED = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|\p{Cs}/u;
const REFUSED_IN_ONE_LINE = /[\t\n\r\u2028\u2029]/;

export const CONTROL_CHARACTER_MESSAGE = 'Không được chứa ký tự điều khiển (như NUL) hay ký tự Unicode lỗi';
const NEWLINE_MESSAGE = 'Phải nằm trên một dòng, không có dấu xuống dòng hay tab';

/** True when `text` has a character that no text field accepts. */
export function hasRefusedCharacter(text: string): boolean {
  return ALWAYS_REFUSED.test(text);
}

const clean = (schema: z.ZodString) => schema.refine((text) => !ALWAYS_REFUSED.test(text), CONTROL_CHARACTER_MESSAGE);

/**
 * A single-line text, trimmed: a name, a title, a phone number, an address line.
 *
 * @example
 * singleLine(1, 100) // name: at least one character after trimming, at most 100
 */
export function singleLine(min: number, max: number) {
  return clean(z.string().trim().min(min).max(max)).refine((text) => !REFUSED_IN_ONE_LINE.test(text), NEWLINE_MESSAGE);
}

/** A text that may run over several lines (newline and tab allowed), trimmed. */
export function multiLine(min: number, max: number) {
  return clean(z.string().trim().min(min).max(max));
}

/**
 * An identifier, code, token or cursor a client passes back to us: not trimmed (it must
 * match exactly), printable ASCII only, so garbage fails here and not in a query.
 */
export function token(max: number, min = 1) {
  return z
    .string()
    .min(min)
    .max(max)
    .regex(/^[\x21-\x7E]*$/, 'Chỉ gồm chữ, số và dấu ASCII, không có khoảng trắng');
}
