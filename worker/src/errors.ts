import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';

/** One field-level problem, as listed in an error's `details`. */
export interface ErrorDetail {
  path: string;
  message: string;
}

/** The single error shape of the whole API. */
export interface ErrorBody {
  error: { code: string; message: string; details: ErrorDetail[] };
}

/**
 * An error that the API answers as is: its status, a stable machine-readable code and
 * a sentence a person can read. Throw it from anywhere in a request.
 */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** What callers name in `notFound`, as a person reads it. A name not listed is used as written. */
const THINGS: Record<string, string> = {
  Account: 'tài khoản',
  Bill: 'hoá đơn',
  Exception: 'khoản ngoại lệ',
  Image: 'ảnh',
  Market: 'chợ',
  Member: 'thành viên',
  Order: 'đơn hàng',
  Organization: 'tổ chức',
  Payment: 'khoản thanh toán',
  'Payment on this account': 'khoản thanh toán vào tài khoản này',
  Payout: 'khoản chuyển tiền',
  Product: 'sản phẩm',
  'QR code': 'mã QR',
  Receipt: 'biên lai',
  Refund: 'khoản hoàn tiền',
  Seller: 'nhà sản xuất',
  'Sub-order': 'phần đơn hàng',
  Stall: 'sạp',
};

/** A 404 that names what is missing: `notFound('Bill', 'bill_not_found')` → "Không tìm thấy hoá đơn này". */
export const notFound = (what: string, code = 'not_found') => new ApiError(404, code, `Không tìm thấy ${THINGS[what] ?? what} này`);
export const unauthorized = () => new ApiError(401, 'unauthorized', 'Hãy đăng nhập để tiếp tục');
export const forbidden = (message = 'Tài khoản của bạn không được làm việc này') => new ApiError(403, 'forbidden', message);

export function zodDetails(error: ZodError): ErrorDetail[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/** The 400 for a request that fails its schema; the message names the fields concerned. */
export function validationError(error: ZodError): ApiError {
  const details = zodDetails(error);
  const fields = [...new Set(details.map((detail) => detail.path).filter(Boolean))];
  const where = fields.length > 0 ? ` ở ${fields.slice(0, 5).join(', ')}${fields.length > 5 ? '…' : ''}` : '';
  return new ApiError(400, 'validation_failed', `Dữ liệu gửi lên chưa hợp lệ${where}`, details);
}

/** What a person reads for an HTTP error that carries no message of ours (Hono's own errors). */
const GENERIC_MESSAGES: Partial<Record<number, string>> = {
  400: 'Không đọc được nội dung gửi lên (ví dụ JSON bị lỗi)',
  401: 'Hãy đăng nhập để tiếp tục',
  403: 'Tài khoản của bạn không được làm việc này',
  404: 'Không tìm thấy',
  405: 'Địa chỉ này không nhận cách gửi đó',
  409: 'Dữ liệu vừa thay đổi; hãy tải lại rồi thử lại',
  413: 'Nội dung gửi lên quá lớn',
  415: 'Kiểu nội dung không được nhận; hãy gửi application/json',
  429: 'Bạn đã gửi quá nhiều yêu cầu; hãy đợi một chút rồi thử lại',
};

const GENERIC_CODES: Partial<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/**
 * API endpoints a person opens in a browser (a link to print a receipt): an error there is a
 * short Vietnamese page when the browser asks for HTML, not raw JSON. Every other caller,
 * and every other endpoint, gets the JSON error shape.
 */
const PAGE_ENDPOINTS = [/^\/api\/v1\/payments\/[^/]+\/receipt$/];

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

function wantsPage(c: Context): boolean {
  return PAGE_ENDPOINTS.some((pattern) => pattern.test(c.req.path)) && /text\/html/.test(c.req.header('Accept') ?? '');
}

function errorPage(error: ApiError): string {
  const title = error.status === 404 ? 'Không tìm thấy biên lai' : 'Chưa mở được biên lai';
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head><body><h1>${title}</h1><p>${escapeHtml(error.message)}</p><p><a href="/">Về trang chủ Chợ Số</a></p></body></html>`;
}

export function errorResponse(c: Context, error: ApiError): Response {
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  if (wantsPage(c)) return c.html(errorPage(error), error.status);
  const body: ErrorBody = { error: { code: error.code, message: error.message, details: error.details } };
  return c.json(body, error.status);
}

const INTERNAL_MESSAGE = 'Đã có lỗi ở phía chúng tôi; hãy thử lại sau ít phút';

/**
 * An upstream service (Stripe) saying that what we asked it for does not exist: a 404 of
 * ours, not a 500. Recognised by shape, so this module needs no SDK.
 */
function upstreamNotFound(error: Error): ApiError | null {
  const upstream = error as Error & { type?: string; statusCode?: number; code?: string };
  const isStripe = typeof upstream.type === 'string' && upstream.type.startsWith('Stripe');
  if (!isStripe || (upstream.statusCode !== 404 && upstream.code !== 'resource_missing')) return null;
  return new ApiError(404, 'upstream_not_found', 'Stripe không có đối tượng này (có thể đã bị xoá hoặc mã không đúng)');
}

/**
 * The app's one error handler. Our own errors and Hono's HTTP errors (malformed JSON,
 * say) keep their status; anything else is logged and answered with a bare 500 that
 * leaks no stack trace.
 */
export function handleError(error: Error, c: Context): Response {
  if (error instanceof ApiError) return errorResponse(c, error);
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    const code = GENERIC_CODES[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
    const message = GENERIC_MESSAGES[status] ?? (status >= 500 ? INTERNAL_MESSAGE : GENERIC_MESSAGES[400]!);
    return errorResponse(c, new ApiError(status, code, message));
  }
  const notFoundUpstream = upstreamNotFound(error);
  if (notFoundUpstream) return errorResponse(c, notFoundUpstream);
  console.error('unhandled error', c.req.method, c.req.path, error);
  return errorResponse(c, new ApiError(500, 'internal_error', INTERNAL_MESSAGE));
}
