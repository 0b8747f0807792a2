/**
 * SePay webhooks (https://developer.sepay.vn/en/sepay-webhooks).
 *
 * - Body (https://developer.sepay.vn/en/sepay-webhooks/tich-hop-webhook): `id` (SePay's
 *   transaction id), `gateway`, `transactionDate` ("YYYY-MM-DD HH:mm:ss", Vietnam time, no
 *   offset), `accountNumber`, `subAccount`, `code`, `content`, `transferType` "in" | "out",
 *   `transferAmount` (whole đồng), `accumulated`, `referenceCode`, `description`.
 * - Authentication (https://developer.sepay.vn/en/sepay-webhooks/xac-thuc): either
 *   `Authorization: Apikey <key>`, or HMAC-SHA256 with `X-SePay-Timestamp` (unix seconds) and
 *   `X-SePay-Signature: sha256=<hex>` over `<timestamp>.<raw body>`; requests more than
 *   5 minutes off are refused (https://developer.sepay.vn/en/sepay-webhooks/bao-mat). The
 *   header name and signed string were unverified in our notes; they are confirmed by public
 *   integrations that pass against SePay (signature `sha256=` + hex of `{timestamp}.{raw_body}`).
 * - Answer: 2xx with `{"success": true}`; anything else is retried up to 7 times
 *   (https://developer.sepay.vn/en/sepay-webhooks/xu-ly-loi), so a duplicate, money out and a
 *   refusal for good all answer 200 (a refusal with `success: false` and the reason, which
 *   SePay's delivery log shows).
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
  type SourceTransaction,
  text,
  transactionId,
} from './source';

export const SEPAY_TOLERANCE_SECONDS = 300;

const secret = credentialSecret();

export const SepayCredentials = z
  .strictObject({ apiKey: secret.optional(), hmacSecret: secret.optional() })
  .refine((value) => value.apiKey !== undefined || value.hmacSecret !== undefined, {
    message: 'Hãy ghi API Key (apiKey) hoặc khoá HMAC (hmacSecret) đã đặt cho webhook trên SePay',
    path: ['apiKey'],
  });
export type SepayCredentials = z.infer<typeof SepayCredentials>;

export function sepayTransaction(body: unknown): SourceTransaction {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new SourceFormatError('Thông báo SePay phải là một đối tượng JSON');
  const item = body as Record<string, unknown>;
  if (item.transferType !== 'in' && item.transferType !== 'out')
    throw new SourceFormatError('transferType của SePay phải là "in" hoặc "out"');
  const bookedAt = vietnamLocalToIso(text(item.transactionDate, 'transactionDate', 30));
  if (!bookedAt) throw new SourceFormatError('transactionDate của SePay phải có dạng YYYY-MM-DD HH:mm:ss');
  const reference = text(item.referenceCode, 'referenceCode', 100).trim();
  // The transfer content is where the payer's code is; SePay's `description` is the whole bank text.
  const content = text(item.content, 'content');
  const description = text(item.description, 'description');
  return {
    direction: item.transferType,
    accountNumber: accountDigits(item.accountNumber, 'accountNumber'),
    credit: {
      transactionId: transactionId('sepay', item.id, 'id'),
      bookedAt,
      amount: dong(item.transferAmount, 'transferAmount'),
      description: content || description,
      bankReference: reference || null,
      payerName: null,
      payerAccount: null,
    },
  };
}

export const sepay: BankSource<SepayCredentials> = {
  provider: 'sepay',
  credentials: SepayCredentials,
  secretsOf: (credentials) => ({
    ...(credentials.apiKey ? { apiKey: credentials.apiKey } : {}),
    ...(credentials.hmacSecret ? { hmacSecret: credentials.hmacSecret } : {}),
  }),
  instructions: (webhookUrl, credentials) => [
    'Trên my.sepay.vn: Webhooks → Thêm webhook.',
    `Gọi đến URL: ${webhookUrl}`,
    'Sự kiện: Có tiền vào (hoặc Cả hai: tiền ra được bỏ qua). Chọn đúng tài khoản ngân hàng của kết nối này.',
    credentials.hmacSecret
      ? 'Chứng thực: HMAC-SHA256, dán khoá HMAC (hmacSecret) bạn vừa khai báo.'
      : 'Chứng thực: API Key, dán API Key (apiKey) bạn vừa khai báo.',
    'Bật "Tự động gửi lại" (Auto retry); một giao dịch gửi lại nhiều lần chỉ được ghi nhận một lần.',
  ],
  async authenticate(request, credentials) {
    const authorization = request.headers('authorization');
    if (credentials.apiKey && authorization?.startsWith('Apikey ')) {
      return constantTimeEqual(authorization.slice('Apikey '.length).trim(), credentials.apiKey);
    }
    const signature = request.headers('x-sepay-signature');
    const timestamp = request.headers('x-sepay-timestamp');
    if (!credentials.hmacSecret || !signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return false;
    if (Math.abs(request.nowMs / 1000 - Number(timestamp)) > SEPAY_TOLERANCE_SECONDS) return false;
    const expected = await hmac('SHA-256', credentials.hmacSecret, `${timestamp}.${request.rawBody}`);
    return constantTimeEqual(signature.replace(/^sha256=/i, '').toLowerCase(), expected);
  },
  parse: (rawBody) => [sepayTransaction(parseJson(rawBody))],
  answer(result) {
    switch (result.kind) {
      case 'received':
        return { status: 200, body: { success: true } };
      case 'refused':
        return { status: 200, body: { success: false, message: result.message } };
      case 'unauthorized':
        return { status: 401, body: { success: false, message: 'Sai API Key hoặc chữ ký SePay' } };
      case 'invalid':
        return { status: 400, body: { success: false, message: result.message } };
    }
  },
};
