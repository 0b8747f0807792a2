import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  crc16CcittFalse,
  type DecodedVietQr,
  decodeVietQr,
  encodeVietQr,
  VietQrError,
  type VietQrFields,
  type VietQrService,
} from './vietqr';

// The worked example from docs/vietqr.md. The expected strings below were also checked
// against Python's binascii.crc_hqx(data, 0xFFFF), an independent CRC-16/CCITT-FALSE.
const STALL_FEE: VietQrFields = {
  bankBin: '970436',
  accountNumber: '0011001234567',
  amount: 350000,
  billNumber: 'CHO-A12-2506',
  purpose: 'PHI CHO KIOT A12 T06',
};
const STALL_FEE_QR =
  '00020101021238570010A00000072701270006970436011300110012345670208QRIBFTTA530370454063500005802VN62400112CHO-A12-25060820PHI CHO KIOT A12 T066304321A';
const STATIC_QR = '00020101021138570010A00000072701270006970436011300110012345670208QRIBFTTA53037045802VN6304E8DB';

/** Appends a correct CRC, so a test can reach the checks that come after it. */
function withCrc(body: string): string {
  return `${body}6304${crc16CcittFalse(`${body}6304`)}`;
}

/** One TLV field, for hand-built payloads (ASCII only). */
function tlv(id: string, value: string): string {
  return id + String(value.length).padStart(2, '0') + value;
}

const NAPAS_38 = tlv('38', tlv('00', 'A000000727') + tlv('01', tlv('00', '970436') + tlv('01', '0011001234567')) + tlv('02', 'QRIBFTTA'));

describe('crc16CcittFalse', () => {
  it.each([
    ['123456789', '29B1'], // the catalogue check value
    ['', 'FFFF'], // nothing processed: the initial value
    ['A', 'B915'],
    ['VietQR', 'E4A3'],
    ['đồng', 'A687'], // UTF-8 bytes, not UTF-16 code units
    ['😀', '4F4F'], // a surrogate pair is one 4-byte character
    [STALL_FEE_QR.slice(0, -4), '321A'],
  ])('%j → %s', (text, crc) => {
    expect(crc16CcittFalse(text)).toBe(crc);
  });

  it('treats a lone surrogate as U+FFFD, like TextEncoder', () => {
    expect(crc16CcittFalse('\uD800')).toBe(crc16CcittFalse('\uFFFD'));
  });
});

describe('encodeVietQr', () => {
  it('reproduces the worked example from docs/vietqr.md exactly', () => {
    expect(encodeVietQr(STALL_FEE)).toBe(STALL_FEE_QR);
  });

  it('writes a static QR (010211, no tag 54) when there is no amount', () => {
    const payload = encodeVietQr({ bankBin: '970436', accountNumber: '0011001234567' });
    expect(payload).toBe(STATIC_QR);
    expect(payload.startsWith('000201010211')).toBe(true);
    expect(payload).not.toContain('5406');
  });

  it('writes the card service, merchant name and city, and all tag 62 sub-fields in order', () => {
    const payload = encodeVietQr({
      bankBin: '970415',
      accountNumber: '9704151234567890',
      service: 'QRIBFTTC',
      merchantName: 'HTX GOM PHU LANG',
      merchantCity: 'BAC NINH',
      purpose: 'P',
      terminal: 'KIOT-A12',
      referenceLabel: 'REF1',
      billNumber: 'B',
    });
    expect(payload).toBe(
      withCrc(
        '000201010211' +
          '38600010A00000072701300006970415011697041512345678900208QRIBFTTC' +
          '5303704' +
          '5802VN' +
          '5916HTX GOM PHU LANG' +
          '6008BAC NINH' +
          '6230' +
          '0101B' +
          '0504REF1' +
          '0708KIOT-A12' +
          '0801P',
      ),
    );
  });

  const valid: VietQrFields = { bankBin: '970436', accountNumber: '0011001234567' };
  it.each<[string, Partial<VietQrFields>, RegExp]>([
    ['a 5-digit BIN', { bankBin: '97043' }, /bankBin/],
    ['a 7-digit BIN', { bankBin: '9704366' }, /bankBin/],
    ['a BIN with a letter', { bankBin: '97043A' }, /bankBin/],
    ['an empty account', { accountNumber: '' }, /accountNumber/],
    ['a 20-digit account', { accountNumber: '12345678901234567890' }, /accountNumber/],
    ['an account with lower case', { accountNumber: '0011abc' }, /accountNumber/],
    ['an account with a space', { accountNumber: '0011 0012' }, /accountNumber/],
    ['an unknown service', { service: 'QRIBFTTX' as VietQrService }, /service/],
    ['amount 0', { amount: 0 }, /amount/],
    ['amount 1.5', { amount: 1.5 }, /amount/],
    ['amount -1', { amount: -1 }, /amount/],
    ['amount NaN', { amount: Number.NaN }, /amount/],
    ['amount Infinity', { amount: Number.POSITIVE_INFINITY }, /amount/],
    ['an amount beyond safe integers', { amount: 2 ** 60 }, /amount/],
    ['an amount of 14 digits (EMV allows 13)', { amount: 10 ** 13 }, /amount/],
    ['a purpose of 26 characters', { purpose: 'X'.repeat(26) }, /purpose/],
    ['a purpose with a diacritic', { purpose: 'PHI CHO KIOT ả' }, /purpose.*ASCII/],
    ['a purpose with a newline', { purpose: 'PHI\nCHO' }, /purpose/],
    ['an empty purpose', { purpose: '' }, /purpose/],
    ['a merchant name with diacritics', { merchantName: 'HTX Gốm' }, /merchantName/],
    ['a merchant city with a tab', { merchantCity: 'BAC\tNINH' }, /merchantCity/],
    ['a bill number of 100 characters', { billNumber: 'B'.repeat(100) }, /62\.01.*99/],
    ['a merchant name of 100 characters', { merchantName: 'N'.repeat(100) }, /59.*99/],
    [
      'tag 62 over 99 characters though each sub-field fits',
      { billNumber: 'B'.repeat(25), referenceLabel: 'R'.repeat(25), terminal: 'T'.repeat(25), purpose: 'P'.repeat(25) },
      /62 \(additional data\).*99/,
    ],
  ])('rejects %s', (_name, change, message) => {
    const fields = { ...valid, ...change };
    expect(() => encodeVietQr(fields)).toThrow(VietQrError);
    expect(() => encodeVietQr(fields)).toThrow(message);
  });

  it('accepts the limits themselves', () => {
    const payload = encodeVietQr({
      ...valid,
      accountNumber: '1234567890123456789',
      amount: 10 ** 13 - 1,
      purpose: 'P'.repeat(25),
      merchantName: ' !~',
    });
    expect(decodeVietQr(payload)).toMatchObject({ accountNumber: '1234567890123456789', amount: 9_999_999_999_999 });
  });
});

describe('decodeVietQr', () => {
  it('reads the worked example', () => {
    expect(decodeVietQr(STALL_FEE_QR)).toStrictEqual<DecodedVietQr>({
      pointOfInitiation: 'dynamic',
      bankBin: '970436',
      accountNumber: '0011001234567',
      service: 'QRIBFTTA',
      amount: 350000,
      billNumber: 'CHO-A12-2506',
      purpose: 'PHI CHO KIOT A12 T06',
    });
  });

  it('reads a static QR', () => {
    expect(decodeVietQr(STATIC_QR)).toStrictEqual<DecodedVietQr>({
      pointOfInitiation: 'static',
      bankBin: '970436',
      accountNumber: '0011001234567',
      service: 'QRIBFTTA',
    });
  });

  it('accepts a lower-case CRC', () => {
    expect(decodeVietQr(`${STALL_FEE_QR.slice(0, -4)}321a`).amount).toBe(350000);
  });

  it.each<[string, string, Partial<DecodedVietQr>]>([
    [
      'top-level tags in another order',
      withCrc(tlv('58', 'VN') + tlv('54', '350000') + NAPAS_38 + tlv('53', '704') + tlv('01', '12') + tlv('00', '01')),
      { amount: 350000, pointOfInitiation: 'dynamic' },
    ],
    [
      'unknown top-level tags (other schemes, templates 80–99)',
      withCrc(`000201010211${tlv('26', '0010A000000999')}${NAPAS_38}53037045802VN${tlv('81', 'xyz')}${tlv('64', '0002vi0108Gốm sứ')}`),
      { pointOfInitiation: 'static', bankBin: '970436' },
    ],
    [
      'unknown sub-tags of 62',
      withCrc(`000201010212${NAPAS_38}53037045405100005802VN${tlv('62', tlv('03', 'STORE') + tlv('08', 'PHI') + tlv('09', 'ME'))}`),
      { purpose: 'PHI', amount: 10000 },
    ],
    ['no tag 01: the presence of the amount decides', withCrc(`000201${NAPAS_38}53037045405100005802VN`), { pointOfInitiation: 'dynamic' }],
    [
      'tag 01 as written, even if it disagrees with the amount',
      withCrc(`000201010211${NAPAS_38}53037045405100005802VN`),
      { pointOfInitiation: 'static', amount: 10000 },
    ],
    [
      'no service: the default',
      withCrc(`000201010211${tlv('38', tlv('00', 'A000000727') + tlv('01', tlv('00', '970436') + tlv('01', '123')))}53037045802VN`),
      { service: 'QRIBFTTA', accountNumber: '123' },
    ],
    [
      'a lower-case GUID',
      withCrc(`000201010211${tlv('38', tlv('00', 'a000000727') + tlv('01', tlv('00', '970436') + tlv('01', '123')))}53037045802VN`),
      { accountNumber: '123' },
    ],
    [
      'an empty optional text field counts as absent',
      withCrc(`000201010211${NAPAS_38}53037045802VN5900${tlv('62', `0100${tlv('08', 'PHI')}`)}`),
      { purpose: 'PHI' },
    ],
    [
      'non-ASCII text with lengths counted in characters',
      withCrc(`000201010211${NAPAS_38}53037045802VN5907HTX Gốm`),
      { merchantName: 'HTX Gốm' },
    ],
  ])('accepts %s', (_name, payload, expected) => {
    const decoded = decodeVietQr(payload);
    expect(decoded).toMatchObject(expected);
    if (!('billNumber' in expected)) expect(decoded).not.toHaveProperty('billNumber');
  });

  const body = STALL_FEE_QR.slice(0, -8);
  it.each<[string, string, RegExp]>([
    ['an empty payload', '', /CRC field/],
    ['a wrong CRC', `${body}6304321B`, /CRC mismatch/],
    ['a CRC that is not hex', `${body}6304321G`, /CRC field/],
    ['a payload cut short by one character', STALL_FEE_QR.slice(0, -1), /CRC field/],
    ['a payload cut in the middle', STALL_FEE_QR.slice(0, 60), /CRC field/],
    ['a payload with no tag 63', body, /CRC field/],
    ['a payload with a trailing newline', `${STALL_FEE_QR}\n`, /CRC field/],
    ['tag 63 not last', `${withCrc(body)}5802VN`, /CRC field/],
    ['6304 and a valid CRC hidden at the end of another value', crcInsideTag62(), /63 \(CRC\) must be the last/],
    ['tag 63 twice', withCrc(withCrc(body)), /tag 63 appears twice/],
    ['a bad length field', withCrc(body.replace('5802VN', '58x2VN')), /bad length/],
    ['a length past the end', withCrc(`000201010211${NAPAS_38}53037045899VN`), /claims 99/],
    [
      'a truncated sub-field header in 62',
      withCrc(`000201010211${NAPAS_38}53037045802VN${tlv('62', '080')}`),
      /tag 62: truncated field header/,
    ],
    ['a non-digit tag', withCrc(`000201010211${NAPAS_38}5303704X802VN`), /bad tag/],
    ['a repeated tag', withCrc(`000201010211${NAPAS_38}53037045802VN5802VN`), /appears twice/],
    ['a broken sub-field length in 62', withCrc(`000201010211${NAPAS_38}53037045802VN${tlv('62', '0809PHI')}`), /tag 62.*claims/],
    ['no tag 00', withCrc(`010211${NAPAS_38}53037045802VN`), /tag 00/],
    ['payload format 02', withCrc(`000202010211${NAPAS_38}53037045802VN`), /tag 00/],
    ['point of initiation 13', withCrc(`000201010213${NAPAS_38}53037045802VN`), /tag 01/],
    ['no tag 38', withCrc('000201010211' + '5303704' + '5802VN'), /tag 38/],
    ['merchant account in tag 26 only', withCrc(`000201010211${NAPAS_38.replace(/^38/, '26')}53037045802VN`), /tag 38/],
    ['a tag 38 without the NAPAS GUID', withCrc(`000201010211${NAPAS_38.replace('A000000727', 'A000000728')}53037045802VN`), /NAPAS GUID/],
    [
      'a tag 38 without a beneficiary',
      withCrc(`000201010211${tlv('38', tlv('00', 'A000000727') + tlv('02', 'QRIBFTTA'))}53037045802VN`),
      /beneficiary/,
    ],
    [
      'a 5-digit BIN',
      withCrc(`000201010211${tlv('38', tlv('00', 'A000000727') + tlv('01', tlv('00', '97043') + tlv('01', '123')))}53037045802VN`),
      /BIN/,
    ],
    ['no account', withCrc(`000201010211${tlv('38', tlv('00', 'A000000727') + tlv('01', tlv('00', '970436')))}53037045802VN`), /account/],
    ['an unknown service', withCrc(`000201010211${NAPAS_38.replace('QRIBFTTA', 'QRPUSHXX')}53037045802VN`), /service/],
    ['no currency', withCrc(`000201010211${NAPAS_38}5802VN`), /currency/],
    ['US dollars', withCrc(`000201010211${NAPAS_38}53038405802VN`), /currency/],
    ['a decimal amount', withCrc(`000201010212${NAPAS_38}5303704${tlv('54', '350000.00')}5802VN`), /amount/],
    ['amount 0', withCrc(`000201010212${NAPAS_38}5303704${tlv('54', '0')}5802VN`), /amount/],
    ['an amount beyond safe integers', withCrc(`000201010212${NAPAS_38}5303704${tlv('54', '9'.repeat(17))}5802VN`), /amount/],
  ])('rejects %s', (_name, payload, message) => {
    expect(() => decodeVietQr(payload)).toThrow(VietQrError);
    expect(() => decodeVietQr(payload)).toThrow(message);
  });

  it('rejects every single-character change before the CRC of the worked example', () => {
    const printable = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));
    let tried = 0;
    for (let i = 0; i < STALL_FEE_QR.length - 4; i++) {
      for (const char of printable) {
        if (char === STALL_FEE_QR[i]) continue;
        const mutated = STALL_FEE_QR.slice(0, i) + char + STALL_FEE_QR.slice(i + 1);
        expect(() => decodeVietQr(mutated), `${i}: ${JSON.stringify(char)}`).toThrow(VietQrError);
        tried++;
      }
    }
    expect(tried).toBe((STALL_FEE_QR.length - 4) * 94);
  });
});

/**
 * A payload that ends in '6304' and a correct CRC, but inside tag 62: sub-tag 08 holds
 * '6304' + CRC. The decoder must notice that the last field is 62, not 63.
 */
function crcInsideTag62(): string {
  const prefix = `000201010211${NAPAS_38}53037045802VN621208086304`;
  return prefix + crc16CcittFalse(prefix);
}

// Generators for valid fields. Optional text is 1–25 printable ASCII characters (an empty
// string is an error for the encoder); reference label and terminal are kept short so tag
// 62 stays within 99 characters when all four sub-fields are present.
const digits = (minLength: number, maxLength: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength, maxLength });
const asciiText = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), minLength: 1, maxLength });

const validFields: fc.Arbitrary<VietQrFields> = fc.record(
  {
    bankBin: digits(6, 6),
    accountNumber: digits(1, 19),
    service: fc.constantFrom<VietQrService>('QRIBFTTA', 'QRIBFTTC'),
    amount: fc.bigInt({ min: 1n, max: 10n ** 12n }).map(Number),
    billNumber: asciiText(25),
    referenceLabel: asciiText(10),
    terminal: asciiText(10),
    purpose: asciiText(25),
    merchantName: asciiText(25),
    merchantCity: asciiText(15),
  },
  { requiredKeys: ['bankBin', 'accountNumber'] },
);

describe('VietQR properties', () => {
  it('decode(encode(fields)) gives the fields back, and the last 4 characters are the CRC of the rest', () => {
    fc.assert(
      fc.property(validFields, (fields) => {
        const payload = encodeVietQr(fields);
        expect(payload.slice(-4)).toBe(crc16CcittFalse(payload.slice(0, -4)));
        expect(decodeVietQr(payload)).toStrictEqual<DecodedVietQr>({
          ...fields,
          service: fields.service ?? 'QRIBFTTA',
          pointOfInitiation: fields.amount === undefined ? 'static' : 'dynamic',
        });
      }),
      { numRuns: 200 },
    );
  });

  it('decoding does not depend on the order of top-level tags', () => {
    fc.assert(
      fc.property(validFields, fc.infiniteStream(fc.nat()), (fields, random) => {
        const payload = encodeVietQr(fields);
        const fieldsBeforeCrc = splitTopLevel(payload.slice(0, -8));
        // Fisher–Yates with fast-check's randomness, so failures shrink and replay.
        const shuffled = [...fieldsBeforeCrc];
        const next = random[Symbol.iterator]();
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = (next.next().value ?? 0) % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j] as string, shuffled[i] as string];
        }
        expect(decodeVietQr(withCrc(shuffled.join('')))).toStrictEqual(decodeVietQr(payload));
      }),
      { numRuns: 100 },
    );
  });

  it('changing any one character before the CRC to another printable character makes decoding fail', () => {
    fc.assert(
      fc.property(validFields, fc.nat(), fc.integer({ min: 1, max: 94 }), (fields, position, shift) => {
        const payload = encodeVietQr(fields);
        const i = position % (payload.length - 4);
        // Shifting within the 95 printable characters by 1–94 always lands on a different one.
        const original = payload.charCodeAt(i);
        const replacement = String.fromCharCode(0x20 + ((original - 0x20 + shift) % 95));
        const mutated = payload.slice(0, i) + replacement + payload.slice(i + 1);
        expect(() => decodeVietQr(mutated)).toThrow(VietQrError);
      }),
      { numRuns: 500 },
    );
  });
});

/** Splits an ASCII payload into its top-level TLV fields, each kept whole. */
function splitTopLevel(payload: string): string[] {
  const parts: string[] = [];
  for (let pos = 0; pos < payload.length; ) {
    const end = pos + 4 + Number(payload.slice(pos + 2, pos + 4));
    parts.push(payload.slice(pos, end));
    pos = end;
  }
  return parts;
}
