import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET, checkCharacter, isPaymentReference, newBillCode, newPayoutReference } from './codes';
import { findPaymentReferences, findPayoutReferences, normalizeDescription } from './reference-search';

/** A valid reference built from a payload, so no test hand-computes a check character. */
function reference(random7: string): string {
  return `CS${random7}${checkCharacter(`CS${random7}`)}`;
}

/** `ref` with its last character replaced by a wrong check character. */
function withWrongCheck(ref: string): string {
  const right = ref.charAt(9);
  return ref.slice(0, 9) + (right === '2' ? '3' : '2');
}

const REF = reference('7KQM2X9'); // the brief's CS7KQM2X9… with its real check character
const OTHER = reference('ABCDEFG');
/** REF split in two, "CS7KQM2" + "X9" and its check, to put separators inside it. */
const [HEAD, TAIL] = [REF.slice(0, 7), REF.slice(7)];

describe('normalizeDescription', () => {
  it.each([
    ['upper-cases', 'chuyen tien', 'CHUYEN TIEN'],
    ['strips diacritics', 'Thanh toán ủng hộ lũ lụt', 'THANH TOAN UNG HO LU LUT'],
    ['maps đ and Đ to D', 'đơn Đặt', 'DON DAT'],
    ['handles decomposed input', 'to\u0301an', 'TOAN'],
    ['turns . - _ / into spaces', 'a.b-c_d/e', 'A B C D E'],
    ['turns , ; : ( ) # + into spaces', 'a,b;c:d(e)f#g+h', 'A B C D E F G H'],
    ['turns line breaks into spaces', 'a\nb\r\nc\rd', 'A B C D'],
    ['collapses runs of separators and spaces', 'a . - \t b', 'A B'],
    ['trims', '  //a//  ', 'A'],
    ['keeps other punctuation', 'a*b', 'A*B'],
    ['empty', '', ''],
    [
      'a Vietcombank description',
      'MBVCB.4530998360.029552.Nguyễn Thế Hùng chuyển tiền.CT tu 0351000646393',
      'MBVCB 4530998360 029552 NGUYEN THE HUNG CHUYEN TIEN CT TU 0351000646393',
    ],
  ])('%s: %j → %j', (_rule, text, normalized) => {
    expect(normalizeDescription(text)).toBe(normalized);
  });
});

describe('findPaymentReferences', () => {
  const lower = REF.toLowerCase();
  it.each([
    ['alone', REF, [REF]],
    ['lower case', lower, [REF]],
    ['diacritics around it', `thanh toán ${lower}`, [REF]],
    ['diacritics and đ glued to it', `Thanh toán đơn${lower}đã giao`, [REF]],
    ['a space inside', `${HEAD} ${TAIL}`, [REF]],
    ['several spaces inside', `${REF.slice(0, 2)} ${REF.slice(2, 6)}  ${REF.slice(6)}`, [REF]],
    ['a dash inside', `${HEAD}-${TAIL}`, [REF]],
    ['a dot inside', `${HEAD}.${TAIL}`, [REF]],
    ['an underscore inside', `${HEAD}_${TAIL}`, [REF]],
    ['a slash inside', `${HEAD}/${TAIL}`, [REF]],
    ['other punctuation inside', `${HEAD}*${TAIL}`, [REF]],
    [
      'Vietcombank prefix and from/to suffix',
      `MBVCB.4530998360.029552.${REF} chuyen tien.CT tu 0351000646393 NGUYEN THE HUNG toi 231814973 NGUYEN NGOC DIEP tai VPBANK`,
      [REF],
    ],
    [
      'Vietcombank shape with vanished spaces',
      `MBVCB.4530998360.029552.${lower}chuyen tien.CT tu0351000646393 NGUYEN THE HUNG toi0071000962707`,
      [REF],
    ],
    ['interbank trace.date.time.reference-phone-memo', `311447.110821.213735.${REF}-0353460723-ri khung`, [REF]],
    ['app suffix', `${REF} chuyen tien (by TPBank ChatPay)`, [REF]],
    ['app suffix after a memo', `NGUYEN VAN A ${lower} chuyen tien (by TPBank ChatPay)`, [REF]],
    ['payroll slashes', `//SAL2023304S037001180096//${REF}//LUONG T6//`, [REF]],
    ['glued to the word before', `chuyen tien toi${REF}`, [REF]],
    ['glued to the word after', `${REF}chuyen tien`, [REF]],
    ['glued on both sides', `...toi${REF}chuyen`, [REF]],
    ['glued to digits on both sides', `0351000646393${REF}0353460723`, [REF]],
    ['split across a line break', `thanh toan ${HEAD}\n${TAIL} cam on`, [REF]],
    ['split across a Windows line break, glued', `thanh toan${HEAD}\r\n${TAIL}cam on`, [REF]],
    ['after a stray CS', `CS${REF}`, [REF]],
    ['wrong check character', `thanh toan ${withWrongCheck(REF)}`, []],
    ['cut short', `thanh toan ${REF.slice(0, 9)}`, []],
    ['no reference', 'NGUYEN THE HUNG chuyen tien', []],
    ['empty', '', []],
    ['look-alike letters are not guessed (O typed for Q)', REF.replace('Q', 'O'), []],
    ['two different references, in order', `${REF} va ${OTHER}`, [REF, OTHER]],
    ['two different references, the other order', `${OTHER}.${REF}`, [OTHER, REF]],
    ['the same reference twice, once', `${REF} ${lower} ${HEAD}-${TAIL}`, [REF]],
    ['a reference standing alone ranks before one glued to both neighbours', `toi${OTHER}chuyen ${REF}`, [REF, OTHER]],
    ['a reference at one word boundary ranks before one split by a space', `${HEAD} ${TAIL} ${OTHER}chuyen`, [OTHER, REF]],
  ])('%s', (_rule, description, expected) => {
    expect(findPaymentReferences(description)).toEqual(expected);
  });

  it('does not mistake a bill code for a payment reference', () => {
    for (let n = 0; n < 200; n += 1) {
      const bill = newBillCode();
      expect(findPaymentReferences(bill)).toEqual([]);
      expect(findPaymentReferences(`${bill.slice(0, 5)}-${bill.slice(5)}`)).toEqual([]);
      // Amid other words a "CS" inside the bill code can start a chance look-alike, but the
      // bill code itself is never reported.
      expect(findPaymentReferences(`thanh toan hoa don ${bill} cam on`)).not.toContain(bill);
    }
  });

  it('stays linear on a million characters of "CS"', () => {
    // A backtracking regex would never return here; the scan looks at each "CS" once.
    const started = Date.now();
    expect(findPaymentReferences('CS'.repeat(500_000))).toEqual([]);
    expect(findPaymentReferences(`${'cs '.repeat(300_000)}${REF}`)).toEqual([REF]);
    expect(Date.now() - started).toBeLessThan(4000);
  });
});

describe('findPaymentReferences, properties', () => {
  const symbol = fc.constantFrom(...CODE_ALPHABET);
  const referenceArb = fc.array(symbol, { minLength: 7, maxLength: 7 }).map((chars) => reference(chars.join('')));
  const vietnameseWord = fc.constantFrom(
    'chuyển',
    'tiền',
    'thanh',
    'toán',
    'đơn',
    'hàng',
    'ủng',
    'hộ',
    'lũ',
    'lụt',
    'Nguyễn',
    'Thế',
    'Hùng',
    'phí',
    'chợ',
    'kiốt',
    'Đình',
    'Bảng',
    'cảm',
    'ơn',
    'tháng',
    'MBVCB',
    'TPBank',
    'ChatPay',
    'VPBANK',
    'tai',
    'toi',
  );
  const asciiWord = fc.string({
    unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'),
    maxLength: 12,
  });
  const anyWord = fc.oneof(vietnameseWord, asciiWord, fc.string({ unit: 'grapheme', maxLength: 6 }), fc.stringMatching(/^[0-9]{3,13}$/));
  const separator = fc.constantFrom(' ', '  ', '.', '-', '_', '/', '//', ',', ';', ':', '(', ')', '#', '+', '\n', '\r\n', '\t', ' - ', '');
  const noise = fc.array(fc.tuple(anyWord, separator), { maxLength: 12 }).map((parts) => parts.map(([word, sep]) => word + sep).join(''));
  const randomCase = (text: string, upper: boolean[]) =>
    [...text].map((char, index) => ((upper[index % upper.length] ?? true) ? char.toUpperCase() : char.toLowerCase())).join('');

  it('finds a reference wherever it is, however it is cased and split', () => {
    fc.assert(
      fc.property(
        referenceArb,
        noise,
        noise,
        fc.array(fc.tuple(fc.integer({ min: 1, max: 9 }), separator), { maxLength: 4 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 10 }),
        separator,
        separator,
        (ref, before, after, splits, upper, sepBefore, sepAfter) => {
          let mangled = ref;
          // Insert separators from the right so earlier split positions stay meaningful.
          for (const [at, sep] of [...splits].sort(([a], [b]) => b - a)) mangled = mangled.slice(0, at) + sep + mangled.slice(at);
          const description = before + sepBefore + randomCase(mangled, upper) + sepAfter + after;
          expect(findPaymentReferences(description)).toContain(ref);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('returns only distinct, check-valid references from noise without one', () => {
    // Noise rich in C, S and alphabet symbols, so that chance candidates do turn up.
    const codeLike = fc.string({ unit: fc.constantFrom(...CODE_ALPHABET, 'C', 'S', 'C', 'S', '0', 'O', 'l'), maxLength: 14 });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof(anyWord, codeLike), separator), { maxLength: 20 }), (parts) => {
        const found = findPaymentReferences(parts.map(([word, sep]) => word + sep).join(''));
        for (const candidate of found) expect(isPaymentReference(candidate), candidate).toBe(true);
        expect(new Set(found).size).toBe(found.length);
      }),
      { numRuns: 1000 },
    );
  });

  it('finds nothing in Vietnamese words that never spell "CS"', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(vietnameseWord, separator), { maxLength: 20 }), (parts) => {
        const description = parts.map(([word, sep]) => word + sep).join('');
        fc.pre(
          !normalizeDescription(description)
            .replace(/[^A-Z0-9]/g, '')
            .includes('CS'),
        );
        expect(findPaymentReferences(description)).toEqual([]);
      }),
    );
  });

  it('puts references standing alone first, in order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(referenceArb, { minLength: 1, maxLength: 3 }),
        fc.array(vietnameseWord, { maxLength: 5 }),
        (refs, words) => {
          const description = [...words, ...refs, ...words].join(' ');
          // Standing alone, they rank first and in order; after them may come chance
          // look-alikes that straddle a reference and the next word.
          expect(findPaymentReferences(description).slice(0, refs.length)).toEqual(refs);
        },
      ),
    );
  });
});

describe('findPayoutReferences', () => {
  const reference = newPayoutReference();
  it.each([
    [`CHOSO ${reference}`],
    [`IBFT.CHOSO ${reference.toLowerCase()} HTX GOM PHU LANG`],
    [`CHOSO ${reference.slice(0, 4)}\n${reference.slice(4)}`],
    [`choso${reference}`],
  ])('finds the reference in %j', (description) => {
    expect(findPayoutReferences(description)).toEqual([reference]);
  });

  it('ignores payment references and a wrong check character', () => {
    const broken = reference.slice(0, 6) + (reference.endsWith('2') ? '3' : '2');
    expect(findPayoutReferences(`CS7KQM2X9G ${broken}`)).toEqual([]);
  });
});
