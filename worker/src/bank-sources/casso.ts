/**
 * Casso webhooks, v2 and the legacy v1 (https://developer.casso.vn/webhook/thiet-lap-webhook-thu-cong).
 *
 * - v2: header `X-Casso-Signature: t=<ms>,v1=<hex>`, HMAC-SHA512 with the webhook's checksum
 *   key of `t + "." + JSON of the body with keys sorted recursively` (Casso's own sample,
 *   github.com/CassoHQ/casso-webhook-v2-verify-signature, php.php). The sample is PHP, whose
 *   json_encode escapes `/` and non-ASCII characters: see sorted-json.ts for the encodings
 *   accepted. `data` is one object: `id, reference, description, amount (negative = money
 *   out), runningBalance, transactionDateTime ("YYYY-MM-DD HH:mm:ss", Vietnam time),
 *   accountNumber, bankName, counterAccountName, counterAccountNumber, …`. No timestamp
 *   tolerance is documented, so none is enforced: a replayed delivery is a duplicate anyway.
 * - v1: header `secure-token: <key>` compared as text (github.com/CassoHQ/casso-webhook-handler-sample,
 *   webhook_handler.php); `data` is an array of `id, tid, description, amount, when,
 *   bank_sub_acc_id, subAccId, corresponsiveName, corresponsiveAccount, …`.
 * - Answer: 2xx; Casso's "Gọi thử" test call is unsigned for v1 and must also get 2xx to save the
 *   webhook, which an unauthenticated call never gets here (401): save it after a real key is set.
 */
import { z } from 'zod';
import { constantTimeEqual } from '../domain/tokens';
import { vietnamLocalToIso } from '../domain/vietnam-time';
import { encodeJson, JSON_ENCODINGS, sortedDeep } from './sorted-json';
import {
  accountDigits,
  type BankSource,
  credentialSecret,
  dong,
  hmac,
  parseJson,
  SourceFormatError,
  type SourceTransaction,
  text,
  transactionId,
} from './source';

const secret = credentialSecret();

export const CassoCredentials = z
  .strictObject({ checksumKey: secret.optional(), secureToken: secret.optional() })
  .refine((value) => value.checksumKey !== undefined || value.secureToken !== undefined, {
    message: 'Hãy ghi Khoá bảo mật (checksumKey, webhook v2) hoặc secure-token (webhook v1) đã đặt trên Casso',
    path: ['checksumKey'],
  });
export type CassoCredentials = z.infer<typeof CassoCredentials>;

const record = (value: unknown, what: string): Record<string, unknown> => {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new SourceFormatError(`${what} của Casso phải là một đối tượng JSON`);
  return value as Record<string, unknown>;
};

function bookedAt(value: unknown, field: string): string {
  const iso = vietnamLocalToIso(text(value, field, 30));
  if (!iso) throw new SourceFormatError(`${field} của Casso phải có dạng YYYY-MM-DD HH:mm:ss`);
  return iso;
}

const signedAmount = (value: unknown): number => (typeof value === 'string' ? Number(value) : Number(value));

export function cassoV2Transaction(body: unknown): SourceTransaction {
  const data = record(record(body, 'Thông báo').data, 'data');
  const amount = dong(data.amount, 'data.amount');
  const reference = text(data.reference, 'data.reference', 100).trim();
  return {
    direction: signedAmount(data.amount) < 0 ? 'out' : 'in',
    accountNumber: accountDigits(data.accountNumber, 'data.accountNumber'),
    credit: {
      transactionId: transactionId('casso', data.id, 'data.id'),
      bookedAt: bookedAt(data.transactionDateTime, 'data.transactionDateTime'),
      amount,
      description: text(data.description, 'data.description'),
      bankReference: reference || null,
      payerName: text(data.counterAccountName, 'data.counterAccountName', 200).trim() || null,
      payerAccount: text(data.counterAccountNumber, 'data.counterAccountNumber', 40).trim() || null,
    },
  };
}

export function cassoV1Transactions(body: unknown): SourceTransaction[] {
  const data = record(body, 'Thông báo').data;
  if (!Array.isArray(data) || data.length === 0 || data.length > 100)
    throw new SourceFormatError('data của Casso (webhook v1) phải là danh sách từ 1 đến 100 giao dịch');
  return data.map((value, index) => {
    const item = record(value, `data.${index}`);
    const tid = text(item.tid, `data.${index}.tid`, 100).trim();
    return {
      direction: signedAmount(item.amount) < 0 ? 'out' : 'in',
      accountNumber: accountDigits(item.bank_sub_acc_id ?? item.subAccId, `data.${index}.bank_sub_acc_id`),
      credit: {
        transactionId: transactionId('casso', item.id, `data.${index}.id`),
        bookedAt: bookedAt(item.when, `data.${index}.when`),
        amount: dong(item.amount, `data.${index}.amount`),
        description: text(item.description, `data.${index}.description`),
        bankReference: tid || null,
        payerName: text(item.corresponsiveName, `data.${index}.corresponsiveName`, 200).trim() || null,
        payerAccount: text(item.corresponsiveAccount, `data.${index}.corresponsiveAccount`, 40).trim() || null,
      },
    };
  });
}

/** `t=<ms>,v1=<hex>` → its parts, or null. */
export function parseCassoSignature(header: string | undefined): { t: string; v1: string } | null {
  const parts = Object.fromEntries(
    (header ?? '').split(',').map((part) => {
      const [key, ...rest] = part.trim().split('=');
      return [key, rest.join('=')];
    }),
  );
  return /^\d{1,16}$/.test(parts.t ?? '') && /^[0-9a-f]{128}$/i.test(parts.v1 ?? '') ? { t: parts.t, v1: parts.v1.toLowerCase() } : null;
}

/** True when `v1` signs the body in one of the accepted JSON encodings. */
export async function verifyCassoV2(checksumKey: string, header: string | undefined, rawBody: string): Promise<boolean> {
  const signature = parseCassoSignature(header);
  if (!signature) return false;
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return false;
  }
  const sorted = sortedDeep(body);
  for (const encoding of JSON_ENCODINGS) {
    const expected = await hmac('SHA-512', checksumKey, `${signature.t}.${encodeJson(sorted, encoding)}`);
    if (constantTimeEqual(expected, signature.v1)) return true;
  }
  return false;
}

export const casso: BankSource<CassoCredentials> = {
  provider: 'casso',
  credentials: CassoCredentials,
  secretsOf: (credentials) => ({
    ...(credentials.checksumKey ? { checksumKey: credentials.checksumKey } : {}),
    ...(credentials.secureToken ? { secureToken: credentials.secureToken } : {}),
  }),
  instructions: (webhookUrl, credentials) => [
    'Trên casso.vn: Tích hợp → Webhook → Thêm webhook (bản v2).',
    `Đường dẫn webhook: ${webhookUrl}`,
    credentials.checksumKey
      ? 'Khoá bảo mật (checksum key): dán đúng checksumKey bạn vừa khai báo.'
      : 'Webhook v1 cũ: đặt secure-token bằng secureToken bạn vừa khai báo.',
    'Chọn tài khoản ngân hàng của kết nối này; tiền ra (số tiền âm) được bỏ qua.',
  ],
  async authenticate(request, credentials) {
    const v2 = request.headers('x-casso-signature');
    if (v2 !== undefined) return credentials.checksumKey ? verifyCassoV2(credentials.checksumKey, v2, request.rawBody) : false;
    const token = request.headers('secure-token');
    return Boolean(credentials.secureToken && token && constantTimeEqual(token.trim(), credentials.secureToken));
  },
  parse(rawBody) {
    const body = parseJson(rawBody);
    return Array.isArray(record(body, 'Thông báo').data) ? cassoV1Transactions(body) : [cassoV2Transaction(body)];
  },
  answer(result) {
    switch (result.kind) {
      case 'received':
        return { status: 200, body: { success: true } };
      case 'refused':
        return { status: 200, body: { success: false, message: result.message } };
      case 'unauthorized':
        return { status: 401, body: { success: false, message: 'Sai chữ ký (X-Casso-Signature) hoặc secure-token của Casso' } };
      case 'invalid':
        return { status: 400, body: { success: false, message: result.message } };
    }
  },
};
