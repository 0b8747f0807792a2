/**
 * An amount of đồng in Vietnamese words, as printed under the figures on a bill
 * ("Ba trăm năm mươi nghìn đồng"). Written here rather than taken from a package: the
 * rules are short (groups of three digits; "linh" for a zero ten, "mốt", "lăm", "mười"),
 * and amounts never pass the one ceiling of 10 tỷ (domain/money.ts).
 */
const DIGITS = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín'];
const GROUPS = ['', 'nghìn', 'triệu', 'tỷ'];

/** Three digits; `full` when a higher group precedes them, so "không trăm" and "linh" are said. */
function readGroup(value: number, full: boolean): string[] {
  const hundreds = Math.floor(value / 100);
  const tens = Math.floor((value % 100) / 10);
  const ones = value % 10;
  const words: string[] = [];
  if (hundreds > 0 || full) words.push(DIGITS[hundreds]!, 'trăm');
  if (tens === 0) {
    if (ones > 0 && (hundreds > 0 || full)) words.push('linh');
  } else if (tens === 1) {
    words.push('mười');
  } else {
    words.push(DIGITS[tens]!, 'mươi');
  }
  if (ones === 1 && tens >= 2) words.push('mốt');
  else if (ones === 5 && tens >= 1) words.push('lăm');
  else if (ones > 0) words.push(DIGITS[ones]!);
  return words;
}

/**
 * @example amountInWords(350000) // "Ba trăm năm mươi nghìn đồng"
 * @example amountInWords(1_250_000) // "Một triệu hai trăm năm mươi nghìn đồng"
 */
export function amountInWords(amount: number): string {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError('amount must be a whole, non-negative number of đồng');
  if (amount === 0) return 'Không đồng';
  const groups: number[] = [];
  for (let rest = amount; rest > 0; rest = Math.floor(rest / 1000)) groups.push(rest % 1000);
  const words: string[] = [];
  for (let index = groups.length - 1; index >= 0; index--) {
    const group = groups[index]!;
    // Above 999 tỷ the tỷ group itself holds thousands: read the count of tỷ as a number.
    if (index >= 3) {
      const billions = Math.floor(amount / 1_000_000_000);
      words.push(
        ...amountInWords(billions)
          .replace(/ đồng$/, '')
          .toLowerCase()
          .split(' '),
        'tỷ',
      );
      index = 3;
      continue;
    }
    if (group === 0) continue;
    words.push(...readGroup(group, words.length > 0), ...(GROUPS[index] ? [GROUPS[index]!] : []));
  }
  const text = `${words.join(' ')} đồng`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}
