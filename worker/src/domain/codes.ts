/**
 * Short codes that people and banks carry around: payment references, which travel inside
 * bank transfer descriptions, and bill codes, which are printed on paper and read aloud.
 *
 * Both end in a check character, so that a code mangled on its way (a mistyped or misread
 * character, two neighbours swapped) is rejected instead of matching some other payment
 * or bill. This module imports nothing, so Node scripts can use it as well as the worker.
 */

/**
 * The 31 symbols codes are written in: digits and upper-case letters without 0/O, 1/I/L.
 * Those look alike on paper, in bank apps' fonts and when spelt out over the phone, so
 * leaving them out means no reader ever has to guess. 31 is prime, which is what lets
 * the check character catch every single-character mistake (see {@link checkCharacter}).
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

const BASE = CODE_ALPHABET.length;

/** Symbol value by UTF-16 code unit; -1 for anything outside the alphabet. */
const VALUE_BY_CODE_UNIT = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let value = 0; value < BASE; value += 1) table[CODE_ALPHABET.charCodeAt(value)] = value;
  return table;
})();

function symbolValue(text: string, index: number): number {
  return VALUE_BY_CODE_UNIT[text.charCodeAt(index)] ?? -1;
}

/**
 * Σ weight × value over `text`, weights alternating 2, 1, 2, … from `firstWeight` at
 * the rightmost character, mod 31; null if a character is outside the alphabet.
 */
function weightedSum(text: string, firstWeight: 1 | 2): number | null {
  let sum = 0;
  let weight: number = firstWeight;
  for (let index = text.length - 1; index >= 0; index -= 1) {
    const value = symbolValue(text, index);
    if (value < 0) return null;
    sum += weight * value;
    weight = 3 - weight;
  }
  return sum % BASE;
}

/**
 * The check character for `payload`: Luhn mod N with N = 31. From the right, payload
 * symbols are weighted 2, 1, 2, …, and the check symbol (weight 1) makes the total a
 * multiple of 31.
 *
 * One deliberate difference from the textbook Luhn mod N: a doubled value is taken mod 31
 * instead of "folded" (quotient + remainder). The fold exists because doubling mod 10 is
 * not one-to-one; doubling mod a prime is, whereas for an odd N the fold maps two values
 * onto one (3 and J both fold to 2), so the textbook scheme would let about 1.6% of
 * substitutions through. With the fold gone every single substitution changes the sum by
 * w × d ≢ 0 (mod 31), and every swap of two different neighbours by ±d ≢ 0, so all
 * adjacent transpositions are caught too. Blind spot: swapping characters two apart
 * (abc → cba) keeps the sum, as weights repeat with period 2.
 *
 * @throws {RangeError} if the payload has a character outside {@link CODE_ALPHABET}.
 * @example checkCharacter('CS') // "8", so "CS8" passes isValidCheck
 */
export function checkCharacter(payload: string): string {
  const sum = weightedSum(payload, 2);
  if (sum === null) {
    throw new RangeError(`checkCharacter: ${JSON.stringify(payload)} has a character outside the code alphabet`);
  }
  return CODE_ALPHABET.charAt((BASE - sum) % BASE);
}

/**
 * Whether the last character of `code` is the check character of the rest. Exact
 * upper-case alphabet characters only; anything else is simply not valid.
 *
 * @example isValidCheck('CS8') // true
 * @example isValidCheck('CS9') // false
 */
export function isValidCheck(code: string): boolean {
  return code.length >= 2 && weightedSum(code, 1) === 0;
}

/** A source of random bytes; the default is the platform CSPRNG. */
export type RandomBytes = (count: number) => Uint8Array;

const cryptoRandomBytes: RandomBytes = (count) => crypto.getRandomValues(new Uint8Array(count));

/** Bytes at or above this are discarded: 248 = 8 × 31, so `byte % 31` is exactly uniform. */
const REJECT_FROM = BASE * Math.floor(256 / BASE);

/**
 * How long a random source may keep failing us before we give up. A real CSPRNG rejects
 * 1 byte in 32 and yields a "CS"-prefixed bill payload 1 time in 961, so reaching this
 * limit means the source is broken (say, a test double stuck on one value).
 */
const MAX_RANDOM_ROUNDS = 64;

function randomSymbols(count: number, random: RandomBytes): string {
  let symbols = '';
  for (let round = 0; round < MAX_RANDOM_ROUNDS && symbols.length < count; round += 1) {
    for (const byte of random(count - symbols.length)) {
      // Rejection sampling: mapping all 256 byte values with % 31 would make the first
      // 8 symbols about 3% likelier than the rest.
      if (byte < REJECT_FROM) symbols += CODE_ALPHABET.charAt(byte % BASE);
      if (symbols.length === count) break;
    }
  }
  if (symbols.length < count) throw new Error('random source keeps returning rejected bytes');
  return symbols;
}

const PAYMENT_REFERENCE_PREFIX = 'CS';
const PAYMENT_REFERENCE_RANDOM_LENGTH = 7;
/** `CS` + 7 random symbols + check. */
export const PAYMENT_REFERENCE_LENGTH = PAYMENT_REFERENCE_PREFIX.length + PAYMENT_REFERENCE_RANDOM_LENGTH + 1;

/**
 * A new payment reference: `CS`, 7 random symbols and a check character over all nine,
 * prefix included, so a description fragment such as "CX…" cannot pass for one.
 *
 * 31^7 ≈ 2.75 × 10^10 references: enough to be unguessable in practice, not enough to
 * skip a uniqueness check. Store them under a UNIQUE constraint and draw again on conflict.
 *
 * @example newPaymentReference() // e.g. "CS7KQM2X9G": "CS", 7 random symbols, check "G"
 */
export function newPaymentReference(random: RandomBytes = cryptoRandomBytes): string {
  const payload = PAYMENT_REFERENCE_PREFIX + randomSymbols(PAYMENT_REFERENCE_RANDOM_LENGTH, random);
  return payload + checkCharacter(payload);
}

/**
 * Whether `text` is exactly a payment reference: `CS`, 8 alphabet characters, valid
 * check. No trimming or case folding here; `findPaymentReferences` in
 * reference-search.ts is the forgiving reader of bank descriptions.
 *
 * @example isPaymentReference(newPaymentReference()) // true
 * @example isPaymentReference('CS7KQM2X9G') // true
 * @example isPaymentReference('cs7kqm2x9g') // false: lower case
 * @example isPaymentReference('CS7KQM2X9H') // false: wrong check
 */
export function isPaymentReference(text: string): boolean {
  return text.length === PAYMENT_REFERENCE_LENGTH && text.startsWith(PAYMENT_REFERENCE_PREFIX) && isValidCheck(text);
}

const PAYOUT_REFERENCE_PREFIX = 'PO';
const PAYOUT_REFERENCE_RANDOM_LENGTH = 4;
/** `PO` + 4 random symbols + check. */
export const PAYOUT_REFERENCE_LENGTH = PAYOUT_REFERENCE_PREFIX.length + PAYOUT_REFERENCE_RANDOM_LENGTH + 1;

/**
 * A new seller payout reference, e.g. `PO7KQ2M`: it goes into the transfer content of the
 * bulk-transfer file ("CHOSO PO7KQ2M") and comes back in the statement's debit line.
 *
 * "PO" reads as "payout" to the admins who look at these lines, but O is outside the code
 * alphabet, so the check character covers the four random symbols only; the prefix is
 * matched literally. 31^4 ≈ 923,000 references: payouts are a few per seller and month,
 * and references are stored under a UNIQUE constraint and drawn again on conflict. They
 * are not secrets: a payout reference only names money we send.
 *
 * @example newPayoutReference() // e.g. "PO7KQ2M"
 */
export function newPayoutReference(random: RandomBytes = cryptoRandomBytes): string {
  const body = randomSymbols(PAYOUT_REFERENCE_RANDOM_LENGTH, random);
  return PAYOUT_REFERENCE_PREFIX + body + checkCharacter(body);
}

/**
 * @example isPayoutReference('PO7KQ2M') // true
 * @example isPayoutReference('PO7KQ2N') // false: wrong check
 */
export function isPayoutReference(text: string): boolean {
  return (
    text.length === PAYOUT_REFERENCE_LENGTH &&
    text.startsWith(PAYOUT_REFERENCE_PREFIX) &&
    isValidCheck(text.slice(PAYOUT_REFERENCE_PREFIX.length))
  );
}

const BILL_CODE_RANDOM_LENGTH = 9;
export const BILL_CODE_LENGTH = BILL_CODE_RANDOM_LENGTH + 1;

/**
 * A new bill code: 9 random symbols and a check character, about 2.6 × 10^13 codes.
 *
 * A bill code never starts with `CS`. Payers sometimes type the code from a paper bill
 * into the transfer description, and a bill code that happened to look like a payment
 * reference could then be matched to the wrong payment; with this rule the two kinds can
 * never be confused.
 *
 * @example formatBillCode(newBillCode()) // e.g. "7KQM2-X9PAQ"
 */
export function newBillCode(random: RandomBytes = cryptoRandomBytes): string {
  for (let attempt = 0; attempt < MAX_RANDOM_ROUNDS; attempt += 1) {
    const payload = randomSymbols(BILL_CODE_RANDOM_LENGTH, random);
    if (!payload.startsWith(PAYMENT_REFERENCE_PREFIX)) return payload + checkCharacter(payload);
  }
  throw new Error('random source keeps producing bill codes that look like payment references');
}

const BILL_CODE_SEPARATORS = /[\s.-]+/g;

/**
 * Reads a bill code as a person types or dictates it: any case, with spaces, dashes or
 * dots anywhere. Returns the canonical 10-character code, or null unless the result is 10
 * alphabet characters with a valid check (and not `CS`-prefixed, see {@link newBillCode}).
 *
 * Look-alikes are not guessed at: 0, O, 1, I and L are not in the alphabet, so a code
 * containing them was misread, and guessing could land on someone else's bill. The check
 * character is what guarantees a single mistyped character finds no bill at all.
 *
 * @example normalizeBillCode(' 7kqm2-x9paq ') // "7KQM2X9PAQ"
 * @example normalizeBillCode('7KQM2-X9PAB') // null: wrong check character
 * @example normalizeBillCode('7KQM0-X9PAQ') // null: 0 is not in the alphabet
 */
export function normalizeBillCode(input: string): string | null {
  const code = input.trim().toUpperCase().replace(BILL_CODE_SEPARATORS, '');
  if (code.length !== BILL_CODE_LENGTH || code.startsWith(PAYMENT_REFERENCE_PREFIX)) return null;
  return isValidCheck(code) ? code : null;
}

/**
 * The printed form of a bill code, two groups of five, which people read and type more
 * reliably than ten characters in a row. Accepts anything {@link normalizeBillCode} does.
 *
 * @throws {RangeError} if `code` is not a valid bill code.
 * @example formatBillCode('7kqm2x9paq') // "7KQM2-X9PAQ"
 */
export function formatBillCode(code: string): string {
  const normalized = normalizeBillCode(code);
  if (normalized === null) throw new RangeError(`formatBillCode: ${JSON.stringify(code)} is not a valid bill code`);
  return `${normalized.slice(0, 5)}-${normalized.slice(5)}`;
}
