/**
 * VietQR payloads: NAPAS's profile of the EMVCo Merchant-Presented QR code (see
 * docs/vietqr.md).
 *
 * A payload is a flat string of fields. Each field is a 2-digit ID, a 2-digit decimal length
 * and the value, and some values are field lists themselves. This module only builds and
 * reads that string. Drawing the QR image and confirming payments happen elsewhere.
 *
 * It has no imports and uses no platform API, so it behaves the same in workerd, Node and the
 * browser, and its tests need no bindings.
 */

/** NAPAS service code: `QRIBFTTA` pays into a bank account, `QRIBFTTC` pays to a card number. */
export type VietQrService = 'QRIBFTTA' | 'QRIBFTTC';

/** What a VietQR carries. The optional text fields must be plain printable ASCII. */
export interface VietQrFields {
  /** NAPAS bank BIN, exactly 6 digits (e.g. 970436 for Vietcombank). */
  bankBin: string;
  /** Account or card number: 1–19 characters of `[0-9A-Z]`. */
  accountNumber: string;
  /** Defaults to `QRIBFTTA` (transfer to an account). */
  service?: VietQrService;
  /** Whole đồng, an integer > 0. When present the QR is dynamic (`01` = `12`), when absent it is static (`11`). */
  amount?: number;
  /** Tag 62, sub-tag 01. */
  billNumber?: string;
  /** Tag 62, sub-tag 05. */
  referenceLabel?: string;
  /** Tag 62, sub-tag 07. */
  terminal?: string;
  /** Tag 62, sub-tag 08. At most 25 characters. Banks usually copy it into the transfer description. */
  purpose?: string;
  /** Tag 59. */
  merchantName?: string;
  /** Tag 60. */
  merchantCity?: string;
}

/** A decoded payload. `pointOfInitiation` reports tag 01 as written in the payload. */
export interface DecodedVietQr extends VietQrFields {
  pointOfInitiation: 'static' | 'dynamic';
}

/** Thrown for invalid input to the encoder and for any payload the decoder cannot trust. */
export class VietQrError extends Error {
  override readonly name = 'VietQrError';
}

const NAPAS_GUID = 'A000000727';
const DEFAULT_SERVICE: VietQrService = 'QRIBFTTA';
const SERVICES: readonly string[] = ['QRIBFTTA', 'QRIBFTTC'] satisfies VietQrService[];
const CURRENCY_VND = '704';
const COUNTRY_VN = 'VN';
const CRC_TAG = '6304';

const BIN_PATTERN = /^[0-9]{6}$/;
const ACCOUNT_PATTERN = /^[0-9A-Z]{1,19}$/;
const PRINTABLE_ASCII = /^[\x20-\x7E]*$/;
const TWO_DIGITS = /^[0-9]{2}$/;
const HEX4 = /^[0-9A-Fa-f]{4}$/;

const MAX_PURPOSE_LENGTH = 25;
// EMV caps tag 54 at 13 characters. Past that a banking app refuses the QR, so refuse it
// here, where the caller still gets a clear error.
const MAX_AMOUNT_DIGITS = 13;

/** Sub-tags of tag 62 that we use, in the order the encoder writes them. */
const ADDITIONAL_DATA = [
  ['01', 'billNumber'],
  ['05', 'referenceLabel'],
  ['07', 'terminal'],
  ['08', 'purpose'],
] as const satisfies ReadonlyArray<readonly [string, keyof VietQrFields]>;

/**
 * CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, xorout 0) over the UTF-8
 * bytes of `text`, as 4 uppercase hex digits. This is the checksum that closes a VietQR
 * payload (tag 63).
 *
 * Encoded by hand rather than with TextEncoder so the module uses no platform API. A lone
 * surrogate counts as U+FFFD, as it would with TextEncoder.
 *
 * @example crc16CcittFalse('123456789') // "29B1"
 */
export function crc16CcittFalse(text: string): string {
  let crc = 0xffff;
  for (const byte of utf8Bytes(text)) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

function utf8Bytes(text: string): number[] {
  const bytes: number[] = [];
  for (const char of text) {
    const codePoint = char.codePointAt(0) ?? 0;
    const c = codePoint >= 0xd800 && codePoint <= 0xdfff ? 0xfffd : codePoint;
    if (c < 0x80) bytes.push(c);
    else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return bytes;
}

/**
 * Builds a VietQR payload ready to be drawn as a QR code. Fields are written in one fixed
 * order (00, 01, 38, 53, 54, 58, 59, 60, 62, 63), so the same fields always give the same
 * payload and CRC, and tests can pin it.
 *
 * Invalid input throws VietQrError; nothing is trimmed, truncated or transliterated. A
 * silently altered purpose could stop the payment from matching its reference, so callers
 * strip diacritics themselves and get an error if they forget.
 *
 * @example
 * encodeVietQr({
 *   bankBin: '970436',
 *   accountNumber: '0011001234567',
 *   amount: 350000,
 *   billNumber: 'CHO-A12-2506',
 *   purpose: 'PHI CHO KIOT A12 T06',
 * });
 * // "00020101021238570010A00000072701270006970436011300110012345670208QRIBFTTA530370454063500005802VN62400112CHO-A12-25060820PHI CHO KIOT A12 T066304321A"
 */
export function encodeVietQr(fields: VietQrFields): string {
  const { bankBin, accountNumber } = fields;
  if (typeof bankBin !== 'string' || !BIN_PATTERN.test(bankBin)) {
    throw new VietQrError(`bankBin must be exactly 6 digits, got ${JSON.stringify(bankBin)}`);
  }
  if (typeof accountNumber !== 'string' || !ACCOUNT_PATTERN.test(accountNumber)) {
    throw new VietQrError(`accountNumber must be 1–19 characters of [0-9A-Z], got ${JSON.stringify(accountNumber)}`);
  }
  const service = fields.service ?? DEFAULT_SERVICE;
  if (!SERVICES.includes(service)) {
    throw new VietQrError(`service must be QRIBFTTA or QRIBFTTC, got ${JSON.stringify(service)}`);
  }
  const amount = fields.amount === undefined ? undefined : amountDigits(fields.amount);

  let additional = '';
  for (const [subTag, key] of ADDITIONAL_DATA) {
    const value = checkedText(key, fields[key]);
    if (value !== undefined) additional += tlv(subTag, value, `62.${subTag} (${key})`);
  }
  const purpose = fields.purpose;
  if (purpose !== undefined && purpose.length > MAX_PURPOSE_LENGTH) {
    throw new VietQrError(`purpose is ${purpose.length} characters; VietQR allows at most ${MAX_PURPOSE_LENGTH}`);
  }
  const merchantName = checkedText('merchantName', fields.merchantName);
  const merchantCity = checkedText('merchantCity', fields.merchantCity);

  const beneficiary = tlv('00', bankBin) + tlv('01', accountNumber);
  const merchantAccount = tlv('00', NAPAS_GUID) + tlv('01', beneficiary) + tlv('02', service);

  const body =
    tlv('00', '01') +
    tlv('01', amount === undefined ? '11' : '12') +
    tlv('38', merchantAccount) +
    tlv('53', CURRENCY_VND) +
    (amount === undefined ? '' : tlv('54', amount)) +
    tlv('58', COUNTRY_VN) +
    (merchantName === undefined ? '' : tlv('59', merchantName)) +
    (merchantCity === undefined ? '' : tlv('60', merchantCity)) +
    (additional === '' ? '' : tlv('62', additional, '62 (additional data)')) +
    CRC_TAG;
  return body + crc16CcittFalse(body);
}

/** One TLV field. EMV lengths are two decimal digits, so a value can hold at most 99 characters. */
function tlv(id: string, value: string, label = id): string {
  const length = characterCount(value);
  if (length > 99) {
    throw new VietQrError(`tag ${label} would be ${length} characters long; a VietQR field holds at most 99`);
  }
  return id + String(length).padStart(2, '0') + value;
}

// EMV counts lengths in characters, not UTF-16 code units. The encoder only lets ASCII
// through, where the two agree, but the decoder also sees other people's payloads.
function characterCount(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

function amountDigits(amount: number): string {
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) {
    throw new VietQrError(`amount must be a whole number of đồng greater than 0, got ${String(amount)}`);
  }
  // String() of a safe integer is plain digits: no exponent, sign, decimals or separators.
  const digits = String(amount);
  if (digits.length > MAX_AMOUNT_DIGITS) {
    throw new VietQrError(`amount ${digits} has more than ${MAX_AMOUNT_DIGITS} digits, the most a VietQR amount may have`);
  }
  return digits;
}

function checkedText(key: keyof VietQrFields, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new VietQrError(`${key} must be a string`);
  // Leave the field out instead. EMV lengths start at 01, and an empty value tells the payer nothing.
  if (value === '') throw new VietQrError(`${key} is empty; leave it out instead`);
  if (!PRINTABLE_ASCII.test(value)) {
    throw new VietQrError(`${key} must be plain printable ASCII (strip diacritics first), got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Reads a VietQR payload, e.g. one scanned from a merchant's sticker. The CRC is checked
 * first, so a damaged payload is reported as damaged instead of as some odd field.
 *
 * Strict about what decides where money goes: format, CRC, NAPAS GUID, BIN, account,
 * service, currency and amount. Lenient about the rest: top-level tags may come in any order
 * (tag 63 must still be last), unknown tags and unknown sub-tags of 38 and 62 are ignored,
 * empty optional text fields count as absent, and text is returned as written. Real codes
 * carry tags we do not use.
 *
 * `pointOfInitiation` follows tag 01 as written. If tag 01 is absent, as EMV allows, it
 * follows the presence of an amount.
 *
 * @example
 * decodeVietQr('00020101021138570010A00000072701270006970436011300110012345670208QRIBFTTA53037045802VN6304E8DB');
 * // { pointOfInitiation: 'static', bankBin: '970436', accountNumber: '0011001234567', service: 'QRIBFTTA' }
 */
export function decodeVietQr(payload: string): DecodedVietQr {
  if (typeof payload !== 'string') throw new VietQrError('payload must be a string');

  // The last field must be 63 with length 04. Find the CRC before parsing so a corrupted
  // length field elsewhere is reported as a CRC failure.
  const crcValue = payload.slice(-4);
  if (payload.length < 8 || payload.slice(-8, -4) !== CRC_TAG || !HEX4.test(crcValue)) {
    throw new VietQrError('payload does not end with a CRC field (6304 and 4 hex digits)');
  }
  const expected = crc16CcittFalse(payload.slice(0, -4));
  if (crcValue.toUpperCase() !== expected) {
    throw new VietQrError(`CRC mismatch: payload says ${crcValue}, content gives ${expected}`);
  }

  const top = parseTlvs(payload, 'payload');
  // '6304XXXX' at the end could be the tail of another field's value. Then the real last field is not 63.
  if (top.order.at(-1) !== '63') throw new VietQrError('tag 63 (CRC) must be the last field');

  if (top.fields.get('00') !== '01') throw new VietQrError('tag 00 (payload format) must be present and equal 01');

  const merchantAccount = top.fields.get('38');
  if (merchantAccount === undefined) throw new VietQrError('tag 38 (NAPAS merchant account) is missing');
  const napas = parseTlvs(merchantAccount, 'tag 38').fields;
  if (napas.get('00')?.toUpperCase() !== NAPAS_GUID) {
    throw new VietQrError(`tag 38 does not carry the NAPAS GUID ${NAPAS_GUID}`);
  }
  const beneficiaryValue = napas.get('01');
  if (beneficiaryValue === undefined) throw new VietQrError('tag 38.01 (beneficiary) is missing');
  const beneficiary = parseTlvs(beneficiaryValue, 'tag 38.01').fields;
  const bankBin = beneficiary.get('00');
  if (bankBin === undefined || !BIN_PATTERN.test(bankBin)) {
    throw new VietQrError(`tag 38.01.00 (bank BIN) must be 6 digits, got ${JSON.stringify(bankBin)}`);
  }
  const accountNumber = beneficiary.get('01');
  if (accountNumber === undefined || !ACCOUNT_PATTERN.test(accountNumber)) {
    throw new VietQrError(`tag 38.01.01 (account) must be 1–19 characters of [0-9A-Z], got ${JSON.stringify(accountNumber)}`);
  }
  // Missing service means the default, as in the encoder. An unknown one is refused: we
  // cannot tell whether the number is an account or a card.
  const service = napas.get('02') ?? DEFAULT_SERVICE;
  if (!isService(service)) throw new VietQrError(`tag 38.02 (service) is not QRIBFTTA or QRIBFTTC: ${JSON.stringify(service)}`);

  // A QR in another currency must not be read as đồng.
  const currency = top.fields.get('53');
  if (currency !== CURRENCY_VND) {
    throw new VietQrError(`tag 53 (currency) must be ${CURRENCY_VND} (VND), got ${JSON.stringify(currency)}`);
  }

  const amountText = top.fields.get('54');
  let amount: number | undefined;
  if (amountText !== undefined) {
    // Digits only. VND has no minor unit, so "350000.00" is refused, not rounded.
    amount = /^[0-9]+$/.test(amountText) ? Number(amountText) : Number.NaN;
    if (!Number.isSafeInteger(amount) || amount <= 0) {
      throw new VietQrError(`tag 54 (amount) must be whole đồng greater than 0, got ${JSON.stringify(amountText)}`);
    }
  }

  const initiation = top.fields.get('01');
  let pointOfInitiation: DecodedVietQr['pointOfInitiation'];
  if (initiation === '11') pointOfInitiation = 'static';
  else if (initiation === '12') pointOfInitiation = 'dynamic';
  else if (initiation === undefined) pointOfInitiation = amount === undefined ? 'static' : 'dynamic';
  else throw new VietQrError(`tag 01 (point of initiation) must be 11 or 12, got ${JSON.stringify(initiation)}`);

  const decoded: DecodedVietQr = { pointOfInitiation, bankBin, accountNumber, service };
  if (amount !== undefined) decoded.amount = amount;
  const merchantName = top.fields.get('59');
  if (merchantName) decoded.merchantName = merchantName;
  const merchantCity = top.fields.get('60');
  if (merchantCity) decoded.merchantCity = merchantCity;

  const additionalValue = top.fields.get('62');
  if (additionalValue !== undefined) {
    const additional = parseTlvs(additionalValue, 'tag 62').fields;
    for (const [subTag, key] of ADDITIONAL_DATA) {
      const value = additional.get(subTag);
      if (value) decoded[key] = value;
    }
  }
  return decoded;
}

function isService(value: string): value is VietQrService {
  return SERVICES.includes(value);
}

interface ParsedTlvs {
  fields: Map<string, string>;
  /** Tags in payload order, so the caller can check what comes last. */
  order: string[];
}

/** Splits one level of TLV fields. Sub-levels are parsed by the caller, which knows which values are lists. */
function parseTlvs(text: string, where: string): ParsedTlvs {
  // Work on code points: EMV lengths count characters, and a scanned payload may hold non-ASCII text.
  const chars = Array.from(text);
  const fields = new Map<string, string>();
  const order: string[] = [];
  let pos = 0;
  while (pos < chars.length) {
    if (pos + 4 > chars.length) throw new VietQrError(`${where}: truncated field header at character ${pos}`);
    const id = chars.slice(pos, pos + 2).join('');
    const lengthText = chars.slice(pos + 2, pos + 4).join('');
    if (!TWO_DIGITS.test(id)) throw new VietQrError(`${where}: bad tag ${JSON.stringify(id)} at character ${pos}`);
    if (!TWO_DIGITS.test(lengthText)) {
      throw new VietQrError(`${where}: bad length ${JSON.stringify(lengthText)} for tag ${id}`);
    }
    const start = pos + 4;
    const end = start + Number(lengthText);
    if (end > chars.length) {
      throw new VietQrError(`${where}: tag ${id} claims ${lengthText} characters but only ${chars.length - start} remain`);
    }
    // A repeated tag would make the payload mean two things. Refuse it instead of picking one.
    if (fields.has(id)) throw new VietQrError(`${where}: tag ${id} appears twice`);
    fields.set(id, chars.slice(start, end).join(''));
    order.push(id);
    pos = end;
  }
  return { fields, order };
}
