/**
 * Masks a payer's name for the public bill lookup: whoever knows a bill's code sees
 * enough to recognise their own bill, not the full name of a stranger. The family name
 * (first word in Vietnamese order) stays; every other word keeps its first letter.
 *
 * @example maskPersonName("Nguyễn Văn An") // "Nguyễn V** A**"
 */
export function maskPersonName(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '';
  const initial = (word: string) => `${[...word][0] ?? ''}**`;
  if (words.length === 1) return initial(words[0]!);
  return [words[0]!, ...words.slice(1).map(initial)].join(' ');
}
