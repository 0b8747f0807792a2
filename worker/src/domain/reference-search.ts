/**
 * Finding our payment reference inside a bank transfer description ("nội dung chuyển
 * khoản"). Banks and apps change case, drop diacritics and spaces, add prefixes and
 * suffixes, split tokens with `.` or `-`, and statements wrap long descriptions over
 * lines (see docs/bank-transfer-content.md). So the reference is looked for anywhere, not at
 * the start or the end, and only its check character decides what counts.
 *
 * Everything here is linear in the length of the description: it runs over every line of
 * statements with a million lines, and descriptions are text from outside.
 */
import {
  BILL_CODE_LENGTH,
  CODE_ALPHABET,
  isPaymentReference,
  isPayoutReference,
  normalizeBillCode,
  PAYMENT_REFERENCE_LENGTH,
  PAYOUT_REFERENCE_LENGTH,
} from './codes.ts';

const COMBINING_MARKS = /\p{M}+/gu;
const D_WITH_STROKE = /[đĐ]/g;
const SEPARATORS_AND_SPACE = /[.\-_/,;:()#+\s]+/g;

/**
 * A description folded to plain upper-case ASCII words separated by single spaces:
 * diacritics stripped (đ/Đ, a letter of its own in Unicode, becomes D), and the
 * punctuation banks use to join fields (`. - _ / , ; : ( ) # +`) and line breaks
 * turned into spaces.
 *
 * @example normalizeDescription('Thanh toán cs7kqm2x9g-0353460723.\nđơn #12') // "THANH TOAN CS7KQM2X9G 0353460723 DON 12"
 */
export function normalizeDescription(text: string): string {
  return text
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(D_WITH_STROKE, 'D')
    .toUpperCase()
    .replace(SEPARATORS_AND_SPACE, ' ')
    .trim();
}

/** 1 for each ASCII code unit that is a symbol of the code alphabet, 0 otherwise. */
const IN_CODE_ALPHABET = (() => {
  const table = new Uint8Array(128);
  for (let index = 0; index < CODE_ALPHABET.length; index += 1) table[CODE_ALPHABET.charCodeAt(index)] = 1;
  return table;
})();

const CHAR_C = 67;
const CHAR_S = 83;
const CHAR_P = 80;
const CHAR_O = 79;
/** Stands for every code unit outside ASCII: neither alphanumeric nor in the code alphabet. */
const NOT_ASCII = 0;

function isAsciiAlphanumeric(codeUnit: number): boolean {
  return (codeUnit >= 48 && codeUnit <= 57) || (codeUnit >= 65 && codeUnit <= 90);
}

/**
 * Non-ASCII code units whose folding (NFD, marks stripped, đ → D, upper case) is looked
 * up instead of computed: Latin-1, Latin Extended-A and B, combining diacritics and
 * Latin Extended Additional, which hold every Vietnamese letter. Each of those steps
 * works character by character (canonical reordering moves only marks, which are
 * dropped anyway), so folding the characters one by one gives what folding the whole
 * string gives. Built on first use from the very same steps; anything outside these
 * ranges (a surrogate, say) sends the whole description down the general path.
 */
const FOLDED_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x0080, 0x024f],
  [0x0300, 0x036f],
  [0x1e00, 0x1eff],
];
const FOLDED_LIMIT = 0x1f00;
let foldedByCodeUnit: (string | undefined)[] | null = null;
/** The longest folding in the table ("ß" → "SS"), for sizing buffers. */
let maxFoldedLength = 1;

/** NFD, combining marks stripped, đ/Đ → D, upper case: normalizeDescription less its separator step. */
function foldAll(text: string): string {
  return text.normalize('NFD').replace(COMBINING_MARKS, '').replace(D_WITH_STROKE, 'D').toUpperCase();
}

function foldedTable(): (string | undefined)[] {
  if (foldedByCodeUnit !== null) return foldedByCodeUnit;
  const table = new Array<string | undefined>(FOLDED_LIMIT).fill(undefined);
  for (const [first, last] of FOLDED_RANGES) {
    for (let codeUnit = first; codeUnit <= last; codeUnit += 1) {
      const folded = foldAll(String.fromCharCode(codeUnit));
      table[codeUnit] = folded;
      maxFoldedLength = Math.max(maxFoldedLength, folded.length);
    }
  }
  foldedByCodeUnit = table;
  return table;
}

// Scratch space reused by every call. findPaymentReferences runs over every line of
// statements with a million lines, and allocating two strings (the normalized text and
// its joined-up form) per line was most of its cost. Calls are synchronous, so sharing
// is safe; the buffers grow to the longest description seen and stay that size.
let upperBuffer = new Uint8Array(256);
let joinedBuffer = new Uint8Array(256);

function withCapacity(buffer: Uint8Array<ArrayBuffer>, length: number): Uint8Array<ArrayBuffer> {
  return length <= buffer.length ? buffer : new Uint8Array(Math.max(length, buffer.length * 2));
}

/**
 * Folds a description with non-ASCII characters into upperBuffer as foldAll would, code
 * units outside ASCII written as NOT_ASCII, and returns the folded length.
 */
function foldNonAscii(description: string): number {
  const table = foldedTable();
  upperBuffer = withCapacity(upperBuffer, description.length * maxFoldedLength);
  const upper = upperBuffer;
  let length = 0;
  for (let index = 0; index < description.length; index += 1) {
    const codeUnit = description.charCodeAt(index);
    if (codeUnit < 128) {
      upper[length++] = codeUnit >= 97 && codeUnit <= 122 ? codeUnit - 32 : codeUnit;
      continue;
    }
    const folded = codeUnit < FOLDED_LIMIT ? table[codeUnit] : undefined;
    if (folded === undefined) return foldWhole(description);
    for (let k = 0; k < folded.length; k += 1) {
      const foldedUnit = folded.charCodeAt(k);
      upper[length++] = foldedUnit < 128 ? foldedUnit : NOT_ASCII;
    }
  }
  return length;
}

/** foldNonAscii for any text at all, by folding the whole string at once. */
function foldWhole(description: string): number {
  const text = foldAll(description);
  upperBuffer = withCapacity(upperBuffer, text.length);
  const upper = upperBuffer;
  for (let index = 0; index < text.length; index += 1) {
    const codeUnit = text.charCodeAt(index);
    upper[index] = codeUnit < 128 ? codeUnit : NOT_ASCII;
  }
  return text.length;
}

/** A kind of code searched for: its two-letter prefix, its length, and what makes it valid. */
interface CodeKind {
  first: number;
  second: number;
  length: number;
  isValid: (candidate: string) => boolean;
  /** Bill codes have no prefix: every position is a start (first and second are then -1). */
  prefixed: boolean;
}

const PAYMENT_KIND: CodeKind = {
  first: CHAR_C,
  second: CHAR_S,
  length: PAYMENT_REFERENCE_LENGTH,
  isValid: isPaymentReference,
  prefixed: true,
};
/** Seller payout references ("PO…"), found in statement debits. */
const PAYOUT_KIND: CodeKind = {
  first: CHAR_P,
  second: CHAR_O,
  length: PAYOUT_REFERENCE_LENGTH,
  isValid: isPayoutReference,
  prefixed: true,
};
/** Bill codes typed from a paper bill ("7KQM2 X9PAQ"): no prefix, the check character alone decides. */
const BILL_KIND: CodeKind = {
  first: -1,
  second: -1,
  length: BILL_CODE_LENGTH,
  isValid: (candidate) => normalizeBillCode(candidate) === candidate,
  prefixed: false,
};

/**
 * The candidate of `kind.length` code units at `start`, if it is a valid
 * payment reference. The alphabet filter is only there to avoid building strings for
 * hopeless candidates; codes.ts alone decides what is valid.
 */
function referenceAt(text: Uint8Array, start: number, kind: CodeKind = PAYMENT_KIND): string | null {
  const length = kind.length;
  for (let index = kind.prefixed ? start + 2 : start; index < start + length; index += 1) {
    if (IN_CODE_ALPHABET[text[index]!] !== 1) return null;
  }
  const candidate =
    length === 10
      ? // One string, built at once: this runs for every reference of every statement line.
        String.fromCharCode(
          text[start]!,
          text[start + 1]!,
          text[start + 2]!,
          text[start + 3]!,
          text[start + 4]!,
          text[start + 5]!,
          text[start + 6]!,
          text[start + 7]!,
          text[start + 8]!,
          text[start + 9]!,
        )
      : String.fromCharCode(...text.subarray(start, start + length));
  return kind.isValid(candidate) ? candidate : null;
}

/** Up to this many results, a linear search is cheaper than a Set. */
const LINEAR_SEARCH_LIMIT = 16;
const seenScratch = new Set<string>();
const foundScratch: string[] = [];

/**
 * Appends `reference` unless `found` has it. Results are nearly always one or two, but a
 * hostile description can hold thousands; past a few, a Set keeps this linear.
 */
function addDistinct(found: string[], reference: string): void {
  if (found.length < LINEAR_SEARCH_LIMIT) {
    if (!found.includes(reference)) found.push(reference);
    return;
  }
  if (seenScratch.size === 0) for (const earlier of found) seenScratch.add(earlier);
  if (seenScratch.has(reference)) return;
  seenScratch.add(reference);
  found.push(reference);
}

/**
 * Every distinct valid payment reference in a transfer description, best first:
 * 1. standing alone as a word of the normalized description;
 * 2. touching a word boundary on one side only (`CS7KQM2X9Gchuyen`, `toiCS7KQM2X9G`);
 * 3. found only once every separator is removed (`CS7K QM2X9G`, `CS7KQM2-X9G`,
 *    `toiCS7KQM2X9Gchuyen`, a reference wrapped over two statement lines).
 * Within a rank, in order of appearance. References are looked for at every index where
 * "CS" occurs, overlapping ones included ("CSCS7K…"): a regex with word boundaries would
 * miss references glued to their neighbours, which is exactly what banks produce.
 *
 * Each result has a valid check character, but the later ranks can hold chance
 * look-alikes made of neighbouring words (about 1 in 31 of the "CS" + 8 alphabet
 * characters runs there), so callers try the results in order against references they
 * actually issued, together with the amount.
 *
 * @example findPaymentReferences('MBVCB.4530998360.029552.CS7KQM2X9G chuyen tien') // ["CS7KQM2X9G"]
 * @example findPaymentReferences('thanh toán cs7kqm2 x9g') // ["CS7KQM2X9G"]
 * @example findPaymentReferences('chuyen tien') // []
 */
export function findPaymentReferences(description: string): string[] {
  return findReferences(description, PAYMENT_KIND);
}

/**
 * Every distinct valid payout reference (`PO` + 4 symbols + check) in a statement debit's
 * description, best first, with the same tolerance as {@link findPaymentReferences}.
 *
 * @example findPayoutReferences('IBFT CHOSO PO7KQ2M HTX GOM') // ["PO7KQ2M"] when PO7KQ2M is valid
 */
export function findPayoutReferences(description: string): string[] {
  return findReferences(description, PAYOUT_KIND);
}

/**
 * Every distinct valid bill code (10 symbols, the last a check character, see codes.ts) in
 * a transfer description, best first, with the same tolerance and ranks as
 * {@link findPaymentReferences}: residents type the code printed on a paper bill into
 * their banking app, often split in its two groups. Bill codes have no prefix, so chance
 * look-alikes are more common than for references; callers try the results against bills
 * that exist, together with the amount.
 *
 * @example findBillCodes('MBVCB.4530998360.029552.7KQM2 X9PAQ.CT tu 0351000646393') // ["7KQM2X9PAQ"]
 */
export function findBillCodes(description: string): string[] {
  return findReferences(description, BILL_KIND);
}

function findReferences(description: string, kind: CodeKind): string[] {
  // The scans below work on code units, as if on normalizeDescription(description), and
  // look only at which units are [A-Z0-9]. Turning separator runs into one space and
  // trimming turns non-alphanumerics into non-alphanumerics, so it cannot create, remove
  // or move a candidate, nor change a word boundary: that step is skipped. For ASCII text
  // (nearly every bank description) NFD and mark stripping change nothing either, so
  // upper-casing is all the normalization left to do, on the fly.
  let length = description.length;
  upperBuffer = withCapacity(upperBuffer, length);
  joinedBuffer = withCapacity(joinedBuffer, length);
  let upper = upperBuffer;
  let joined = joinedBuffer;
  let joinedLength = 0;
  let hasC = false;
  let ascii = true;
  for (let index = 0; index < length; index += 1) {
    let codeUnit = description.charCodeAt(index);
    if (codeUnit >= 128) {
      ascii = false;
      break;
    }
    if (codeUnit >= 97 && codeUnit <= 122) codeUnit -= 32;
    upper[index] = codeUnit;
    if (isAsciiAlphanumeric(codeUnit)) {
      joined[joinedLength++] = codeUnit;
      if (codeUnit === kind.first) hasC = true;
    }
  }
  if (!kind.prefixed) hasC = true;
  if (!ascii) {
    length = foldNonAscii(description);
    upper = upperBuffer;
    joined = joinedBuffer = withCapacity(joinedBuffer, length);
    joinedLength = 0;
    hasC = false;
    for (let index = 0; index < length; index += 1) {
      const codeUnit = upper[index]!;
      if (isAsciiAlphanumeric(codeUnit)) {
        joined[joinedLength++] = codeUnit;
        if (codeUnit === kind.first || !kind.prefixed) hasC = true;
      }
    }
  }
  // Every reference starts with "CS": most descriptions without one have no "C" at all.
  if (!hasC) return [];

  // Collected in scratch space and copied out at the exact size: a fresh array grown by
  // push reserves room for 17 entries, for what is nearly always one.
  const found = foundScratch;
  found.length = 0;
  let atOneBoundary: string[] | null = null;
  const lastStart = length - kind.length;
  for (let start = 0; start <= lastStart; start += 1) {
    if (kind.prefixed && (upper[start] !== kind.first || upper[start + 1] !== kind.second)) continue;
    const reference = referenceAt(upper, start, kind);
    if (reference === null) continue;
    const end = start + kind.length;
    const boundaryBefore = start === 0 || !isAsciiAlphanumeric(upper[start - 1]!);
    const boundaryAfter = end === length || !isAsciiAlphanumeric(upper[end]!);
    if (boundaryBefore && boundaryAfter) addDistinct(found, reference);
    else if (boundaryBefore || boundaryAfter) {
      atOneBoundary ??= [];
      atOneBoundary.push(reference);
    }
  }
  if (atOneBoundary !== null) for (const reference of atOneBoundary) addDistinct(found, reference);

  // Everything of ranks 1 and 2 shows up again here; addDistinct keeps its best rank.
  const lastJoinedStart = joinedLength - kind.length;
  for (let start = 0; start <= lastJoinedStart; start += 1) {
    if (kind.prefixed && (joined[start] !== kind.first || joined[start + 1] !== kind.second)) continue;
    const reference = referenceAt(joined, start, kind);
    if (reference !== null) addDistinct(found, reference);
  }
  if (seenScratch.size > 0) seenScratch.clear();
  const result = found.slice();
  found.length = 0;
  return result;
}
