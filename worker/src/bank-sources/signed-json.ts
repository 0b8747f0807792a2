/**
 * Our own notification format (the one `/api/v1/webhooks/bank` takes with the platform-wide
 * BANK_WEBHOOK_SECRET, routes/webhooks.ts), with a secret per connection: for a bank or a
 * system of an organization's own that can sign JSON. Headers `X-Bank-Timestamp` (unix
 * seconds, 300 s tolerance) and `X-Bank-Signature`: lowercase hex HMAC-SHA256 of
 * `<timestamp>.<raw body>`. Body `{transactionId, accountNumber, amount, description, bookedAt}`;
 * only money in is sent in this format.
 */
import { z } from 'zod';
import { verifyBankNotification } from '../domain/hmac';
import { isAcceptableAmount } from '../domain/money';
import { type BankSource, credentialSecret, parseJson, SourceFormatError } from './source';

export const SignedJsonCredentials = z.strictObject({
  secret: credentialSecret(16),
});
export type SignedJsonCredentials = z.infer<typeof SignedJsonCredentials>;

const Notice = z.strictObject({
  transactionId: z.string().trim().min(1).max(100),
  accountNumber: z
    .string()
    .trim()
    .regex(/^\d{1,19}$/),
  amount: z.number().refine(isAcceptableAmount),
  description: z.string().max(1000),
  bookedAt: z.iso.datetime({ offset: true }),
});

const error = (code: string, message: string) => ({ error: { code, message, details: [] } });

export const signedJson: BankSource<SignedJsonCredentials> = {
  provider: 'signed_json',
  credentials: SignedJsonCredentials,
  secretsOf: (credentials) => ({ secret: credentials.secret }),
  instructions: (webhookUrl) => [
    `Gửi POST JSON {transactionId, accountNumber, amount, description, bookedAt} đến ${webhookUrl}`,
    'Kèm X-Bank-Timestamp (giây unix) và X-Bank-Signature: HMAC-SHA256 dạng hex của "<timestamp>.<nội dung>" với khoá bí mật bạn vừa khai báo.',
  ],
  authenticate: (request, credentials) =>
    verifyBankNotification(
      [credentials.secret],
      request.headers('x-bank-timestamp'),
      request.headers('x-bank-signature'),
      request.rawBody,
      Math.floor(request.nowMs / 1000),
    ),
  parse(rawBody) {
    const result = Notice.safeParse(parseJson(rawBody));
    if (!result.success)
      throw new SourceFormatError(
        `Thông báo chưa đúng dạng ở ${result.error.issues.map((issue) => issue.path.join('.') || 'body').join(', ')}`,
      );
    const notice = result.data;
    return [
      {
        direction: 'in',
        accountNumber: notice.accountNumber,
        credit: {
          transactionId: notice.transactionId,
          bookedAt: new Date(notice.bookedAt).toISOString(),
          amount: notice.amount,
          description: notice.description,
        },
      },
    ];
  },
  answer(result) {
    switch (result.kind) {
      case 'received':
        return { status: 200, body: { received: true, outcomes: result.outcomes } };
      case 'refused':
        return { status: 400, body: error('account_mismatch', result.message) };
      case 'unauthorized':
        return {
          status: 401,
          body: error(
            'invalid_signature',
            'Chữ ký hoặc thời điểm của thông báo ngân hàng không hợp lệ (X-Bank-Signature, X-Bank-Timestamp)',
          ),
        };
      case 'invalid':
        return { status: 400, body: error('validation_failed', result.message) };
    }
  },
};
