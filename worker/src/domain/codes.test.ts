import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CODE_ALPHABET,
  checkCharacter,
  formatBillCode,
  isPaymentReference,
  isValidCheck,
  newBillCode,
  newPaymentReference,
  normalizeBillCode,
} from './codes';

const SYMBOLS = [...CODE_ALPHABET];

const payloadOf = (length: number) =>
  fc.array(fc.constantFrom(...SYMBOLS), { minLength: length, maxLength: length }).map((chars) => chars.join(''));

const paymentReferenceArb = payloadOf(7).map((random) => `CS${random}${checkCharacter(`CS${random}`)}`);
const billCodeArb = payloadOf(9)
  .filter((payload) => !payload.startsWith('CS'))
  .map((payload) => payload + checkCharacter(payload));
const anyCodeArb = fc.oneof(paymentReferenceArb, billCodeArb);

/** A random source that hands out `bytes` in order, then repeats them. */
function bytesInOrder(bytes: number[]): (count: number) => Uint8Array {
  let next = 0;
  return (count) => {
    const out = new Uint8Array(count);
    for (let index = 0; index < count; index += 1) out[index] = bytes[next++ % bytes.length] ?? 0;
    return out;
  };
}

/** Every code that differs from `code` in exactly one character. */
function* substitutions(code: string): Generator<string> {
  for (let position = 0; position < code.length; position += 1) {
    for (const symbol of SYMBOLS) {
      if (symbol !== code[position]) yield code.slice(0, position) + symbol + code.slice(position + 1);
    }
  }
}

/** `code` with the characters at `i` and `j` swapped. */
function swap(code: string, i: number, j: number): string {
  const chars = [...code];
  [chars[i], chars[j]] = [chars[j] ?? '', chars[i] ?? ''];
  return chars.join('');
}

describe('CODE_ALPHABET', () => {
  it('has 31 distinct symbols and none of the look-alikes 0 O 1 I L', () => {
    expect(new Set(SYMBOLS).size).toBe(31);
    for (const lookAlike of '0O1IL') expect(CODE_ALPHABET).not.toContain(lookAlike);
    expect(CODE_ALPHABET).toMatch(/^[2-9A-Z]+$/);
  });
});

describe('checkCharacter', () => {
  // Worked by hand: symbol values are positions in the alphabet ('2' = 0 … 'Z' = 30),
  // weights from the right are 2, 1, 2, … and the check brings the sum to 0 mod 31.
  it.each([
    ["'3' (1): 2×1 = 2, check 29", '3', 'Y'],
    ["'J' (16): 2×16 = 32 ≡ 1, check 30", 'J', 'Z'],
    ["'CS' (10, 23): 1×10 + 2×23 = 56 ≡ 25, check 6", 'CS', '8'],
    ["'ZZ' (30, 30): 30 + 60 = 90 ≡ 28, check 3", 'ZZ', '5'],
    // Pinned so that a change to the scheme cannot slip through unnoticed.
    ['a payment reference payload', 'CS7KQM2X9', 'G'],
    ['a bill code payload', '7KQM2X9PA', 'Q'],
  ])('%s', (_rule, payload, check) => {
    expect(checkCharacter(payload)).toBe(check);
    expect(isValidCheck(payload + check)).toBe(true);
  });

  it("gives an empty payload the zero symbol '2'", () => {
    expect(checkCharacter('')).toBe('2');
  });

  it.each([['cs7kqm2x9'], ['CS0KQM2X9'], ['CSOKQM2X9'], ['CS1KQM2X9'], ['CSIKQM2X9'], ['CSLKQM2X9'], ['CS-7KQM2X9']])(
    'throws on %j (a character outside the alphabet)',
    (payload) => {
      expect(() => checkCharacter(payload)).toThrow(RangeError);
    },
  );

  it('differs from textbook Luhn mod 31, which cannot tell 3 from J', () => {
    // Textbook Luhn mod N folds a doubled value: 2×16 = 32 → 1 + 1 = 2, the same as 2×1.
    const foldedDouble = (value: number) => Math.floor((2 * value) / 31) + ((2 * value) % 31);
    expect(foldedDouble(CODE_ALPHABET.indexOf('3'))).toBe(foldedDouble(CODE_ALPHABET.indexOf('J')));
    expect(checkCharacter('3')).not.toBe(checkCharacter('J'));
  });
});

describe('isValidCheck', () => {
  it.each([
    ['valid', 'CS8', true],
    ['wrong check', 'CS9', false],
    ['lower case', 'cs8', false],
    ['character outside the alphabet', 'C08', false],
    ['a lone character has nothing to check', '2', false],
    ['empty', '', false],
    ['pinned payment reference', 'CS7KQM2X9G', true],
    ['pinned bill code', '7KQM2X9PAQ', true],
  ])('%s: %j → %s', (_rule, code, valid) => {
    expect(isValidCheck(code)).toBe(valid);
  });

  it('catches every single-character substitution', () => {
    fc.assert(
      fc.property(anyCodeArb, (code) => {
        for (const mistyped of substitutions(code)) expect(isValidCheck(mistyped), mistyped).toBe(false);
      }),
    );
  });

  // Measured rule: weights alternate 2, 1 and differ by 1, so swapping neighbours a ≠ b
  // moves the sum by ±(a − b), never 0 mod 31. Every such swap is caught, the check
  // character itself included; no blind spot.
  it('catches every transposition of two different neighbours', () => {
    fc.assert(
      fc.property(anyCodeArb, (code) => {
        for (let i = 0; i + 1 < code.length; i += 1) {
          if (code[i] !== code[i + 1]) expect(isValidCheck(swap(code, i, i + 1)), swap(code, i, i + 1)).toBe(false);
        }
      }),
    );
  });

  it('catches every twin error (aa → bb)', () => {
    fc.assert(
      fc.property(payloadOf(9), fc.nat(7), (random, i) => {
        const twin = random.charAt(i);
        const payload = random.slice(0, i + 1) + twin + random.slice(i + 2);
        const code = payload + checkCharacter(payload);
        for (const symbol of SYMBOLS) {
          if (symbol !== twin) expect(isValidCheck(code.slice(0, i) + symbol + symbol + code.slice(i + 2))).toBe(false);
        }
      }),
    );
  });

  // The documented blind spot: positions two apart carry the same weight.
  it('does not catch swapping characters two apart (abc → cba)', () => {
    fc.assert(
      fc.property(anyCodeArb, (code) => {
        for (let i = 0; i + 2 < code.length; i += 1) expect(isValidCheck(swap(code, i, i + 2))).toBe(true);
      }),
    );
  });
});

describe('newPaymentReference', () => {
  it.each([
    ['bytes 0…6 are the first seven symbols', [0, 1, 2, 3, 4, 5, 6], 'CS2345678K'],
    ['bytes below 248 are taken mod 31', [31, 62, 247, 217, 0, 30, 1], `CS22Z22Z3${checkCharacter('CS22Z22Z3')}`],
    ['bytes 248…255 are skipped, not folded', [248, 255, 0, 252, 1, 2, 3, 4, 5, 6], 'CS2345678K'],
  ])('%s', (_rule, bytes, expected) => {
    expect(newPaymentReference(bytesInOrder(bytes))).toBe(expected);
  });

  it('is exactly uniform: every byte value 0…255, fed in turn, lands 8 times on each symbol', () => {
    const counts = new Map<string, number>();
    const everyByte = bytesInOrder(Array.from({ length: 256 }, (_, byte) => byte));
    // 248 references × 7 random symbols = 1,736 accepted bytes = 7 full cycles of 248.
    for (let n = 0; n < 248; n += 1) {
      for (const symbol of newPaymentReference(everyByte).slice(2, 9)) counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
    }
    expect(SYMBOLS.map((symbol) => counts.get(symbol) ?? 0)).toEqual(Array(31).fill(7 * 8));
  });

  it('gives up on a random source that only returns rejected bytes', () => {
    expect(() => newPaymentReference(bytesInOrder([255]))).toThrow(/random source/);
  });

  it('produces valid references from the platform random source', () => {
    for (let n = 0; n < 1000; n += 1) {
      const reference = newPaymentReference();
      expect(reference).toMatch(/^CS[2-9A-HJKMNP-Z]{8}$/);
      expect(isPaymentReference(reference), reference).toBe(true);
    }
  });

  it('does not repeat itself (10,000 references)', () => {
    // 31^7 ≈ 2.75e10 references: the birthday bound gives 10,000 draws about a 0.2% chance
    // of one honest collision, so one is tolerated; a broken generator makes many.
    const references = Array.from({ length: 10_000 }, () => newPaymentReference());
    expect(references.length - new Set(references).size).toBeLessThanOrEqual(1);
  });
});

describe('isPaymentReference', () => {
  const valid = newPaymentReference(bytesInOrder([0, 1, 2, 3, 4, 5, 6]));
  it.each([
    ['a generated reference', valid, true],
    ['lower case', valid.toLowerCase(), false],
    ['surrounding space', ` ${valid}`, false],
    ['wrong check', valid.slice(0, 9) + (valid.endsWith('2') ? '3' : '2'), false],
    ['too long', `${valid}2`, false],
    ['too short', valid.slice(0, 9), false],
    ['a bill code', '7KQM2X9PAQ', false],
    ['check-valid but a different prefix', `CT2345678${checkCharacter('CT2345678')}`, false],
  ])('%s: %j → %s', (_rule, text, expected) => {
    expect(isPaymentReference(text)).toBe(expected);
  });

  it('rejects every single-character substitution of a reference', () => {
    fc.assert(
      fc.property(paymentReferenceArb, (reference) => {
        for (const mistyped of substitutions(reference)) expect(isPaymentReference(mistyped)).toBe(false);
      }),
    );
  });
});

describe('newBillCode', () => {
  it.each([
    ['bytes 0…8 are the first nine symbols', [0, 1, 2, 3, 4, 5, 6, 7, 8], `23456789A${checkCharacter('23456789A')}`],
    [
      'a payload starting with CS is drawn again',
      [10, 23, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1],
      `333333333${checkCharacter('333333333')}`,
    ],
  ])('%s', (_rule, bytes, expected) => {
    expect(newBillCode(bytesInOrder(bytes))).toBe(expected);
  });

  it('gives up on a random source that only produces CS-prefixed payloads', () => {
    expect(() => newBillCode(bytesInOrder([10, 23, 0, 0, 0, 0, 0, 0, 0]))).toThrow(/random source/);
  });

  it('produces valid bill codes that are never payment references', () => {
    for (let n = 0; n < 1000; n += 1) {
      const code = newBillCode();
      expect(normalizeBillCode(code), code).toBe(code);
      expect(isPaymentReference(code)).toBe(false);
    }
  });

  it('does not repeat itself (10,000 codes)', () => {
    const codes = Array.from({ length: 10_000 }, () => newBillCode());
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe('normalizeBillCode', () => {
  const code = '7KQM2X9PAQ';
  it.each([
    ['canonical', '7KQM2X9PAQ', code],
    ['lower case, dashed as printed', '7kqm2-x9paq', code],
    ['mixed case', '7kQm2X9pAq', code],
    ['surrounding white space', '  7KQM2-X9PAQ\n', code],
    ['spaces anywhere', '7K QM2 X9 PAQ', code],
    ['dots', '7KQM2.X9PAQ', code],
    ['read aloud in pairs', '7k-qm-2x-9p-aq', code],
    ['tab and non-breaking space', '7KQM2\tX9PA\u00a0Q', code],
    ['wrong check character', '7KQM2-X9PAR', null],
    ['two neighbours swapped', '7KQM2-X9APQ', null],
    ['zero typed for O', '7KQM0-X9PAQ', null],
    ['letter O', '7KQMO-X9PAQ', null],
    ['one', '7KQM1-X9PAQ', null],
    ['letter I', '7KQMI-X9PAQ', null],
    ['letter L (lower-case l too)', '7kqml-x9paq', null],
    ['other punctuation', '7KQM2/X9PAQ', null],
    ['too short', '7KQM2-X9PA', null],
    ['too long', '7KQM2-X9PAQ2', null],
    ['empty', '', null],
    ['a payment reference is not a bill code', 'cs7kq-m2x9g', null],
  ])('%s: %j → %j', (_rule, input, expected) => {
    expect(normalizeBillCode(input)).toBe(expected);
  });

  it('reads back every bill code in any case, grouped, dashed or dotted', () => {
    fc.assert(
      fc.property(billCodeArb, fc.boolean(), fc.constantFrom('-', ' ', '.', ' - ', ''), (code, lower, separator) => {
        const typed = `${code.slice(0, 5)}${separator}${code.slice(5)}`;
        expect(normalizeBillCode(lower ? typed.toLowerCase() : typed)).toBe(code);
      }),
    );
  });

  it('never finds a different bill when one character is mistyped', () => {
    fc.assert(
      fc.property(billCodeArb, (code) => {
        for (const mistyped of substitutions(code)) {
          expect(normalizeBillCode(mistyped), mistyped).toBeNull();
          expect(normalizeBillCode(`${mistyped.slice(0, 5)}-${mistyped.slice(5)}`.toLowerCase())).toBeNull();
        }
      }),
    );
  });

  it('never finds a different bill when two different neighbours are swapped', () => {
    fc.assert(
      fc.property(billCodeArb, (code) => {
        for (let i = 0; i + 1 < code.length; i += 1) {
          if (code[i] !== code[i + 1]) expect(normalizeBillCode(swap(code, i, i + 1))).toBeNull();
        }
      }),
    );
  });
});

describe('formatBillCode', () => {
  it.each([
    ['canonical', '7KQM2X9PAQ', '7KQM2-X9PAQ'],
    ['typed form', ' 7kqm2 x9paq', '7KQM2-X9PAQ'],
    ['already formatted', '7KQM2-X9PAQ', '7KQM2-X9PAQ'],
  ])('%s: %j → %j', (_rule, input, expected) => {
    expect(formatBillCode(input)).toBe(expected);
  });

  it('throws on something that is not a bill code', () => {
    expect(() => formatBillCode('7KQM2X9PAR')).toThrow(RangeError);
  });

  it('round-trips through normalizeBillCode', () => {
    fc.assert(
      fc.property(billCodeArb, (code) => {
        const printed = formatBillCode(code);
        expect(printed).toMatch(/^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$/);
        expect(normalizeBillCode(printed)).toBe(code);
      }),
    );
  });
});
