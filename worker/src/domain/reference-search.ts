/**
 * Finding our payment reference inside a bank transfer description ("nội dung chuyển
 * khoản"). Banks and apps change case, drop diacritics and spaces, add prefixes and
 * suffixes, split tokens with `.` or `-`, and statements wrap long descriptions over
 * lines (see /work/shared/VIETQR.md). So the reference is looked for anywhere, not at
 * the start or the end, and only its check character decides what counts.
 *
 * Everything here is linear in the length of the description: it runs over every line of
 * statements with a million lines, and descriptions are text from outside.
 */
import { PAYMENT_REFERENCE_LENGTH, isPaymentReference } from './codes.ts';

const COMBINING_MARKS = /\p{M}+/gu;
const D_WITH_STROKE = /[đĐ]/g;
const SEPARATORS_AND_SPACE = /[.\-_/,;:()#+\s]+/g;
const NOT_ALPHANUMERIC = /[^A-Z0-9]+/g;

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

function isAsciiAlphanumeric(codeUnit: number): boolean {
  return (codeUnit >= 48 && codeUnit <= 57) || (codeUnit >= 65 && codeUnit <= 90);
}

/**
 * Calls `found` for every valid payment reference in `text`, at every index where "CS"
 * occurs, overlapping ones included ("CSCS7K…"). A regex with word boundaries would miss
 * references glued to their neighbours, which is exactly what banks produce.
 */
function scanForReferences(text: string, found: (reference: string, start: number) => void): void {
  for (let start = text.indexOf('CS'); start !== -1; start = text.indexOf('CS', start + 1)) {
    const candidate = text.slice(start, start + PAYMENT_REFERENCE_LENGTH);
    if (isPaymentReference(candidate)) found(candidate, start);
  }
}

/**
 * Every distinct valid payment reference in a transfer description, best first:
 * 1. standing alone as a word of the normalized description;
 * 2. touching a word boundary on one side only (`CS7KQM2X9Gchuyen`, `toiCS7KQM2X9G`);
 * 3. found only once every separator is removed (`CS7K QM2X9G`, `CS7KQM2-X9G`,
 *    `toiCS7KQM2X9Gchuyen`, a reference wrapped over two statement lines).
 * Within a rank, in order of appearance.
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
  const text = normalizeDescription(description);
  const wholeWords: string[] = [];
  const atOneBoundary: string[] = [];
  scanForReferences(text, (reference, start) => {
    const end = start + PAYMENT_REFERENCE_LENGTH;
    const boundaryBefore = start === 0 || !isAsciiAlphanumeric(text.charCodeAt(start - 1));
    const boundaryAfter = end === text.length || !isAsciiAlphanumeric(text.charCodeAt(end));
    if (boundaryBefore && boundaryAfter) wholeWords.push(reference);
    else if (boundaryBefore || boundaryAfter) atOneBoundary.push(reference);
  });
  // Everything of ranks 1 and 2 shows up again here; the Set below keeps its best rank.
  const joinedUp: string[] = [];
  scanForReferences(text.replace(NOT_ALPHANUMERIC, ''), (reference) => joinedUp.push(reference));
  return [...new Set([...wholeWords, ...atOneBoundary, ...joinedUp])];
}
