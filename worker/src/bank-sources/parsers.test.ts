import { describe, expect, it } from 'vitest';
import { vietnamLocalToIso } from '../domain/vietnam-time';
import { cassoV1Transactions, cassoV2Transaction, parseCassoSignature } from './casso';
import { sepayTransaction } from './sepay';
import { encodeJson, JSON_ENCODINGS, sortedDeep } from './sorted-json';
import { SourceFormatError } from './source';
import { vietqrTransaction } from './vietqr-vn';

describe('vietnamLocalToIso', () => {
  it.each([
    ['2023-03-25 14:02:37', '2023-03-25T07:02:37.000Z'],
    ['2026-12-01 00:30:00', '2026-11-30T17:30:00.000Z'],
    ['2026-12-01T08:00', '2026-12-01T01:00:00.000Z'],
    ['25/03/2023 14:02:37', '2023-03-25T07:02:37.000Z'],
    ['2026-02-31 10:00:00', null],
    ['2026-12-01 24:00:00', null],
    ['hôm qua', null],
  ])('%s → %s', (text, expected) => {
    expect(vietnamLocalToIso(text)).toBe(expected);
  });
});

const SEPAY = {
  id: 92704,
  gateway: 'Vietcombank',
  transactionDate: '2023-03-25 14:02:37',
  accountNumber: '0123499999',
  code: null,
  content: 'MBVCB.3278907687.029552.HP8A26DBA5 nop tien.CT tu 0351000646393 NGUYEN THE HUNG toi 0123499999 TRUONG THCS tai VCB',
  transferType: 'in',
  transferAmount: 2277000,
  accumulated: 19077000,
  subAccount: null,
  referenceCode: 'MBVCB.3278907687',
  description: '',
};

describe('SePay body', () => {
  it('maps the documented example onto the one credit shape', () => {
    expect(sepayTransaction(SEPAY)).toEqual({
      direction: 'in',
      accountNumber: '0123499999',
      credit: {
        transactionId: 'sepay:92704',
        bookedAt: '2023-03-25T07:02:37.000Z',
        amount: 2277000,
        description: SEPAY.content,
        bankReference: 'MBVCB.3278907687',
        payerName: null,
        payerAccount: null,
      },
    });
  });

  it.each([
    ['money out', { transferType: 'out' }, 'out'],
    ['no content: the bank text', { content: '', description: 'BankAPINotify HP8A26DBA5' }, 'in'],
  ])('%s', (_name, change, direction) => {
    expect(sepayTransaction({ ...SEPAY, ...change }).direction).toBe(direction);
  });

  it.each([
    ['an amount over the ceiling', { transferAmount: 10_000_000_001 }],
    ['a fractional amount', { transferAmount: 1000.5 }],
    ['an unknown transferType', { transferType: 'both' }],
    ['a date with an offset', { transactionDate: '2023-03-25T14:02:37+07:00' }],
    ['an account with letters', { accountNumber: 'VCB0123' }],
    ['no id', { id: null }],
  ])('refuses %s', (_name, change) => {
    expect(() => sepayTransaction({ ...SEPAY, ...change })).toThrow(SourceFormatError);
  });
});

const CASSO_V2 = {
  error: 0,
  data: {
    id: 0,
    reference: 'MA_GIAO_DICH_THU_NGHIEM',
    description: 'giao dich thu nghiem',
    amount: 599000,
    runningBalance: 25000000,
    transactionDateTime: '2024-10-03 15:06:37',
    accountNumber: '88888888',
    bankName: 'VPBank',
    counterAccountName: 'NGUYEN VAN A',
    counterAccountNumber: '8888888888',
  },
};

describe('Casso bodies', () => {
  it.each([
    [599000, 'in'],
    [-599000, 'out'],
  ])('v2 amount %d is money %s', (amount, direction) => {
    const transaction = cassoV2Transaction({ ...CASSO_V2, data: { ...CASSO_V2.data, amount } });
    expect(transaction).toMatchObject({
      direction,
      accountNumber: '88888888',
      credit: { transactionId: 'casso:0', amount: 599000, bookedAt: '2024-10-03T08:06:37.000Z', payerName: 'NGUYEN VAN A' },
    });
  });

  it('v1: every item of data, with its tid as the bank reference', () => {
    const [item] = cassoV1Transactions({
      error: 0,
      data: [
        {
          id: 536760,
          tid: '5078 - 93023',
          description: 'MBVCB.1457193831.CODE329014.CT tu 0291000285902 VU HUYEN TUAN toi0071000962707 NGUYEN MINH TRI',
          amount: 1000,
          cusum_balance: 0,
          when: '2021-10-27 21:20:12',
          bank_sub_acc_id: '0071000962707',
          subAccId: '0071000962707',
        },
      ],
    });
    expect(item).toMatchObject({
      direction: 'in',
      accountNumber: '0071000962707',
      credit: { transactionId: 'casso:536760', amount: 1000, bankReference: '5078 - 93023', bookedAt: '2021-10-27T14:20:12.000Z' },
    });
  });

  it.each([
    [`t=1727948258788,v1=${'a'.repeat(128)}`, { t: '1727948258788', v1: 'a'.repeat(128) }],
    [`v1=${'A'.repeat(128)},t=1`, { t: '1', v1: 'a'.repeat(128) }],
    ['t=1727948258788', null],
    [`t=abc,v1=${'a'.repeat(128)}`, null],
    [`t=1,v1=${'a'.repeat(64)}`, null],
  ])('reads the signature header %s', (header, expected) => {
    expect(parseCassoSignature(header)).toEqual(expected);
  });
});

describe('Casso sorted JSON encodings', () => {
  const body = { data: { description: 'Nộp học phí 12/2026', amount: 1 }, error: 0 };
  it.each([
    ['javascript', '{"data":{"amount":1,"description":"Nộp học phí 12/2026"},"error":0}'],
    ['php', '{"data":{"amount":1,"description":"N\\u1ed9p h\\u1ecdc ph\\u00ed 12\\/2026"},"error":0}'],
    ['python', '{"data": {"amount": 1, "description": "N\\u1ed9p h\\u1ecdc ph\\u00ed 12/2026"}, "error": 0}'],
  ])('%s', (name, expected) => {
    expect(encodeJson(sortedDeep(body), JSON_ENCODINGS.find((encoding) => encoding.name === name)!)).toBe(expected);
  });
});

describe('VietQR.vn Transaction Sync body', () => {
  const now = Date.parse('2026-12-01T03:00:00Z');
  it.each([
    [
      'lower case, time in ms',
      {
        bankaccount: '2603205412387',
        amount: 350000,
        transType: 'C',
        content: 'HP8A26DBA5',
        transactionid: 'TX1',
        transactiontime: 1764576000000,
        referencenumber: 'FT1',
      },
      { direction: 'in', bookedAt: '2025-12-01T08:00:00.000Z', transactionId: 'vietqr:TX1', bankReference: 'FT1' },
    ],
    [
      'camelCase, time in seconds',
      { bankAccount: '2603205412387', amount: '350000', transType: 'D', content: 'x', transactionId: 'TX2', transactionTime: '1764576000' },
      { direction: 'out', bookedAt: '2025-12-01T08:00:00.000Z', transactionId: 'vietqr:TX2', bankReference: null },
    ],
    [
      'no transaction id: the reference number, no time: now',
      { bankaccount: '2603205412387', amount: 1, transType: 'C', content: 'x', referencenumber: 'FT3' },
      { direction: 'in', bookedAt: '2026-12-01T03:00:00.000Z', transactionId: 'vietqr:FT3', bankReference: 'FT3' },
    ],
  ])('%s', (_name, body, expected) => {
    const { direction, credit } = vietqrTransaction(body, now);
    expect({ direction, bookedAt: credit.bookedAt, transactionId: credit.transactionId, bankReference: credit.bankReference }).toEqual(
      expected,
    );
  });

  it.each([
    ['no id at all', { bankaccount: '1', amount: 1, transType: 'C', content: 'x' }],
    ['an unknown transType', { bankaccount: '1', amount: 1, transType: 'X', content: 'x', transactionid: 'a' }],
    ['a zero amount', { bankaccount: '1', amount: 0, transType: 'C', content: 'x', transactionid: 'a' }],
  ])('refuses %s', (_name, body) => {
    expect(() => vietqrTransaction(body, now)).toThrow(SourceFormatError);
  });
});
