/**
 * Accent-insensitive Vietnamese search text. Shoppers on phones often type without
 * diacritics ("banh phu the"), so both the index and the query are folded to plain
 * letters. NFD separates tone and vowel marks from their letters; đ/Đ is a letter of its
 * own in Unicode and has to be mapped by hand.
 */

/** @example foldVietnamese("Bánh phu thê Đình Bảng") // "banh phu the dinh bang" */
export function foldVietnamese(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase();
}

const MAX_QUERY_TERMS = 8;

/** The words of a query, as typed (NFC, lower case), at most eight. */
function queryWords(input: string): string[] {
  return input
    .normalize('NFC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((term) => term.length > 0)
    .slice(0, MAX_QUERY_TERMS);
}

/**
 * True when the shopper typed a tone or vowel mark (or đ): only then does the spelling
 * tell "gốm" from "gồm", and exact spellings rank first.
 */
export function hasDiacritics(input: string): boolean {
  const words = queryWords(input).join(' ');
  return foldVietnamese(words) !== words;
}

/**
 * How the last word matches. `whole`: as a whole word. `prefix`: as the start of a word,
 * for a shopper still typing. A Vietnamese word is one syllable, so "ho" as a prefix would
 * also find "hộp", "hoa", "hoàn": the search tries the whole word first and falls back
 * to the prefix only when the whole word finds nothing.
 */
export type LastWordMatch = 'whole' | 'prefix';

function toMatch(terms: string[], last: LastWordMatch): string | null {
  if (terms.length === 0) return null;
  // Each term is quoted, so FTS5 operators typed by a user (OR, NEAR, -, *) are plain words.
  return terms.map((term, index) => (index === terms.length - 1 && last === 'prefix' ? `"${term}"*` : `"${term}"`)).join(' ');
}

/**
 * Turns what a shopper typed into an FTS5 MATCH expression for the folded index: every
 * word must appear (AND), marks optional. Returns null when nothing searchable is left
 * (only punctuation, say), so the caller can treat the query as absent instead of sending
 * FTS5 a syntax error.
 *
 * @example toFtsQuery("Bánh phu thê") // '"banh" "phu" "the"*'
 */
export function toFtsQuery(input: string, last: LastWordMatch = 'prefix'): string | null {
  return toMatch(queryWords(foldVietnamese(input)), last);
}

/**
 * The same words with their marks kept, for the index that keeps them: "gốm" matches
 * "gốm" there, never "gồm".
 *
 * @example toExactFtsQuery("Gốm Phù", "whole") // '"gốm" "phù"'
 */
export function toExactFtsQuery(input: string, last: LastWordMatch = 'prefix'): string | null {
  return toMatch(queryWords(input), last);
}
