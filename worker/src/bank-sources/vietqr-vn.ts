/**
 * VietQR.vn Transaction Sync (https://api.vietqr.vn/vi/vietqr-payment-apis/trien-khai-api-transaction-sync,
 * https://api.vietqr.vn/en/v1/vietqr-payment-apis/implementing-the-transaction-sync-api,
 * token: https://api.vietqr.vn/cn/cn/api-vietqr-callback/api-get-token).
 *
 * - VietQR first calls `<base>/api/token_generate` with `Authorization: Basic
 *   base64(username:password)` (credentials we give VietQR) and expects
 *   `{access_token, token_type: "Bearer", expires_in}`.
 * - Then it posts each transaction to `<base>/bank/api/transaction-sync` with
 *   `Authorization: Bearer <token>`: `bankaccount, amount (Long), transType "C" | "D", content`,
 *   optional `transactionid, transactiontime, referencenumber, orderId, …`. The Vietnamese pages
 *   spell them in lower case, the English page in camelCase (`bankAccount, transactionId, …`):
 *   both are read.
 * - Answer `{"error": false, "errorReason": …, "toastMessage": …, "object": {"reftransactionid": …}}`,
 *   or `error: true` with a reason and `object: null`.
 *
 * Tokens are signed rather than stored, so issuing one writes nothing: `vqr.<expiry seconds>.<hex>`
 * where the hex is HMAC-SHA256, keyed by the connection's password, of `<connection id>.<expiry>`.
 * Changing the connection's password ends every token issued with the old one.
 */
import { z } from 'zod';
import { constantTimeEqual } from '../domain/tokens';
import { vietnamLocalToIso } from '../domain/vietnam-time';
import {
  accountDigits,
  type BankSource,
  credentialSecret,
  dong,
  hmac,
  parseJson,
  SourceFormatError,
  type SourceRequest,
  type SourceTransaction,
  text,
  transactionId,
} from './source';

export const VIETQR_TOKEN_SECONDS = 300;

export const VietqrCredentials = z.strictObject({
  username: z
    .string()
    .trim()
    .min(3, 'Tối thiểu 3 ký tự')
    .max(100, 'Tối đa 100 ký tự')
    .regex(/^[^:]+$/, 'Không có dấu hai chấm'),
  password: credentialSecret(12),
});
export type VietqrCredentials = z.infer<typeof VietqrCredentials>;

const tokenSignature = (credentials: VietqrCredentials, connectionId: string, expiry: string) =>
  hmac('SHA-256', credentials.password, `${connectionId}.${expiry}`);

/** The token answer for a caller with the right Basic credentials, or null. */
export async function issueVietqrToken(
  request: SourceRequest,
  credentials: VietqrCredentials,
): Promise<{ access_token: string; token_type: 'Bearer'; expires_in: number } | null> {
  const basic = request.headers('authorization')?.match(/^Basic\s+([A-Za-z0-9+/=]{1,600})$/i)?.[1];
  if (!basic) return null;
  let decoded: string;
  try {
    decoded = new TextDecoder().decode(Uint8Array.from(atob(basic), (char) => char.charCodeAt(0)));
  } catch {
    return null;
  }
  const separator = decoded.indexOf(':');
  const username = decoded.slice(0, separator);
  const password = decoded.slice(separator + 1);
  if (separator < 0 || !constantTimeEqual(username, credentials.username) || !constantTimeEqual(password, credentials.password))
    return null;
  const expiry = String(Math.floor(request.nowMs / 1000) + VIETQR_TOKEN_SECONDS);
  return {
    access_token: `vqr.${expiry}.${await tokenSignature(credentials, request.connectionId, expiry)}`,
    token_type: 'Bearer',
    expires_in: VIETQR_TOKEN_SECONDS,
  };
}

async function verifyToken(request: SourceRequest, credentials: VietqrCredentials): Promise<boolean> {
  const token = request.headers('authorization')?.match(/^Bearer\s+(vqr\.(\d{1,12})\.([0-9a-f]{64}))$/i);
  if (!token) return false;
  const expiry = token[2]!;
  if (Number(expiry) * 1000 <= request.nowMs) return false;
  return constantTimeEqual(await tokenSignature(credentials, request.connectionId, expiry), token[3]!.toLowerCase());
}

/** A field in lower case or camelCase. */
const field = (item: Record<string, unknown>, lower: string, camel: string) => item[lower] ?? item[camel];

/** `transactiontime`: unix milliseconds or seconds (as number or digits), or a Vietnam-time text. */
function transactionTime(value: unknown, nowMs: number): string {
  if (value === undefined || value === null || value === '') return new Date(nowMs).toISOString();
  const raw = text(value, 'transactiontime', 30).trim();
  if (/^\d{10}$/.test(raw)) return new Date(Number(raw) * 1000).toISOString();
  if (/^\d{13}$/.test(raw)) return new Date(Number(raw)).toISOString();
  const local = vietnamLocalToIso(raw);
  if (!local) throw new SourceFormatError('transactiontime của VietQR phải là mốc thời gian (mili giây) hoặc YYYY-MM-DD HH:mm:ss');
  return local;
}

export function vietqrTransaction(body: unknown, nowMs: number): SourceTransaction {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new SourceFormatError('Thông báo VietQR phải là một đối tượng JSON');
  const item = body as Record<string, unknown>;
  const type = field(item, 'transtype', 'transType');
  if (type !== 'C' && type !== 'D') throw new SourceFormatError('transType của VietQR phải là "C" (ghi có) hoặc "D" (ghi nợ)');
  const reference = text(field(item, 'referencenumber', 'referenceNumber'), 'referencenumber', 100).trim();
  const id = field(item, 'transactionid', 'transactionId') ?? (reference || undefined);
  return {
    direction: type === 'C' ? 'in' : 'out',
    accountNumber: accountDigits(field(item, 'bankaccount', 'bankAccount'), 'bankaccount'),
    credit: {
      transactionId: transactionId('vietqr', id, 'transactionid'),
      bookedAt: transactionTime(field(item, 'transactiontime', 'transactionTime'), nowMs),
      amount: dong(item.amount, 'amount'),
      description: text(item.content, 'content'),
      bankReference: reference || null,
      payerName: null,
      payerAccount: null,
    },
  };
}

export const vietqrVn: BankSource<VietqrCredentials> & { issueToken: typeof issueVietqrToken } = {
  provider: 'vietqr_vn',
  credentials: VietqrCredentials,
  secretsOf: (credentials) => ({ password: credentials.password }),
  instructions: (webhookUrl, credentials) => [
    'Gửi cho VietQR.vn (qua trang đối tác hoặc bộ phận hỗ trợ) thông tin nhận biến động số dư:',
    `Địa chỉ lấy token (Get Token): ${webhookUrl}/api/token_generate`,
    `Địa chỉ Transaction Sync: ${webhookUrl}/bank/api/transaction-sync`,
    `Tên đăng nhập (username): ${credentials.username}; mật khẩu: mật khẩu bạn vừa khai báo.`,
    `Token có hiệu lực ${VIETQR_TOKEN_SECONDS} giây; giao dịch ghi nợ (transType "D") được bỏ qua.`,
  ],
  authenticate: verifyToken,
  issueToken: issueVietqrToken,
  parse: (rawBody) => [vietqrTransaction(parseJson(rawBody), Date.now())],
  answer(result) {
    const failure = (status: 400 | 401, reason: string, message: string) => ({
      status,
      body: { error: true, errorReason: reason, toastMessage: message, object: null },
    });
    switch (result.kind) {
      case 'received':
        return {
          status: 200,
          body: {
            error: false,
            errorReason: null,
            toastMessage: 'Đã nhận giao dịch',
            object: { reftransactionid: (result.transactionIds[0] ?? '').replace(/^vietqr:/, '') },
          },
        };
      case 'refused':
        return failure(400, 'E_ACCOUNT', result.message);
      case 'unauthorized':
        return failure(401, 'E_TOKEN', 'Token không hợp lệ hoặc đã hết hạn: hãy lấy token mới');
      case 'invalid':
        return failure(400, 'E_FORMAT', result.message);
    }
  },
};
