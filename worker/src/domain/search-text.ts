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

/**
 * Turns what a shopper typed into an FTS5 MATCH expression: every word must appear,
 * and the last word matches as a prefix so results appear while still typing.
 * Returns null when nothing searchable is left (only punctuation, say), so the caller
 * can treat the query as absent instead of sending FTS5 a syntax error.
 *
 * @example toFtsQuery("Bánh phu thê") // '"banh" "phu" "the"*'
 */
export function toFtsQuery(input: string): string | null {
  const terms = foldVietnamese(input)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((term) => term.length > 0)
    .slice(0, MAX_QUERY_TERMS);
  if (terms.length === 0) return null;
  // Each term is quoted, so FTS5 operators typed by a user (OR, NEAR, -, *) are plain words.
  return terms.map((term, index) => (index === terms.length - 1 ? `"${term}"*` : `"${term}"`)).join(' ');
}
