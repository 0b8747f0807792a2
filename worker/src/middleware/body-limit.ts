import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { MAX_IMAGE_BYTES } from '../domain/images';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { STATEMENT_LIMITS, statementTooLarge } from '../reconciliation/statements';

/**
 * How large a request body may be, for every API endpoint, in one place. Hono's bodyLimit
 * refuses a body by its Content-Length before reading it, or as it streams past the limit,
 * so nothing large is ever parsed. JSON endpoints get the small default; the few uploads
 * are listed with what they need.
 */
export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

const MB = 1024 * 1024;

interface BodyLimitOverride {
  /** Matched against the request path. */
  path: RegExp;
  maxBytes: number;
  tooLarge: () => ApiError;
}

const tooLarge = (limitText: string, hint: string) => () =>
  new ApiError(413, 'payload_too_large', `Nội dung gửi lên quá lớn: tối đa ${limitText}. ${hint}`);

export const BODY_LIMIT_OVERRIDES: BodyLimitOverride[] = [
  {
    // One photo of at most 5 MB, plus the multipart envelope.
    path: /^\/api\/v1\/products\/[^/]+\/images$/,
    maxBytes: MAX_IMAGE_BYTES + 64 * 1024,
    tooLarge: () =>
      new ApiError(413, 'image_too_large', `Mỗi ảnh tối đa ${MAX_IMAGE_BYTES / MB} MB`, [
        { path: 'file', message: 'Hãy thu nhỏ ảnh rồi gửi lại' },
      ]),
  },
  {
    // A bank statement of up to 16 MB, plus the multipart envelope (the route caps the file and its lines).
    path: /^\/api\/v1\/reconciliation\/statements$/,
    maxBytes: STATEMENT_LIMITS.bytes + 64 * 1024,
    tooLarge: () => statementTooLarge(),
  },
  {
    // A file of bills: 2,000 rows fit in well under 2 MB (the import checks the rows too).
    path: /^\/api\/v1\/bills\/import$/,
    maxBytes: 2 * MB,
    tooLarge: tooLarge('2 MB', 'Hãy tách danh sách hoá đơn thành nhiều tệp.'),
  },
  {
    // A payer list: 2,000 rows, like a file of bills.
    path: /^\/api\/v1\/bills\/payers\/import$/,
    maxBytes: 2 * MB,
    tooLarge: tooLarge('2 MB', 'Hãy tách danh sách người nộp thành nhiều tệp.'),
  },
  {
    // A market's stall list as CSV: a few thousand lines at most.
    path: /^\/api\/v1\/markets\/[^/]+\/stalls\/import$/,
    maxBytes: 1 * MB,
    tooLarge: tooLarge('1 MB', 'Hãy tách danh sách ki-ốt thành nhiều tệp.'),
  },
];

const defaultLimit = bodyLimit({
  maxSize: DEFAULT_BODY_LIMIT_BYTES,
  onError: () => {
    throw tooLarge(`${DEFAULT_BODY_LIMIT_BYTES / 1024} KB`, 'Hãy gửi ít dữ liệu hơn trong một lần.')();
  },
});

const overrideLimits = BODY_LIMIT_OVERRIDES.map((override) => ({
  path: override.path,
  middleware: bodyLimit({
    maxSize: override.maxBytes,
    onError: () => {
      throw override.tooLarge();
    },
  }),
}));

/** The body limit for this request's path: its override, or the default. */
export const bodyLimits: MiddlewareHandler<AppEnv> = (c, next) => {
  const override = overrideLimits.find((entry) => entry.path.test(c.req.path));
  return (override?.middleware ?? defaultLimit)(c, next);
};
