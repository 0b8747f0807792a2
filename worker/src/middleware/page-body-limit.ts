/**
 * The storefront's forms (sign-in, bill payment, the manager's pages) post small bodies;
 * the statement upload is the one large one. A body over its limit is refused from its
 * Content-Length, or cut off as it streams (the page's form reader then answers 413).
 */
export const PAGE_FORM_LIMIT_BYTES = 64 * 1024;
const PAGE_UPLOAD_LIMITS: Array<[RegExp, number]> = [
  [/^\/quan-ly\/sao-ke$/, 16 * 1024 * 1024 + 64 * 1024],
  // A payer list of up to 2 MB, as the API takes it.
  [/^\/quan-ly\/hoa-don\/nguoi-nop$/, 2 * 1024 * 1024 + 64 * 1024],
  // A file of up to 2.000 bills (2 MB), as the API takes it.
  [/^\/quan-ly\/hoa-don\/nhap$/, 2 * 1024 * 1024 + 64 * 1024],
];

export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`body over ${limitBytes} bytes`);
  }
}

function tooLargePage(limitBytes: number): Response {
  const kb = Math.round(limitBytes / 1024);
  return new Response(
    `<!doctype html><html lang="vi"><meta charset="utf-8"><title>Nội dung quá lớn</title><p>Nội dung gửi lên quá lớn (tối đa ${kb} KB). <a href="/">Về trang chủ</a></p></html>`,
    { status: 413, headers: { 'Content-Type': 'text/html; charset=utf-8' } },
  );
}

/** The request to hand to Astro (its body capped), or a 413 page. */
export function limitPageBody(request: Request): Request | Response {
  if (!request.body) return request;
  const { pathname } = new URL(request.url);
  const limit = PAGE_UPLOAD_LIMITS.find(([pattern]) => pattern.test(pathname))?.[1] ?? PAGE_FORM_LIMIT_BYTES;
  const declared = Number(request.headers.get('Content-Length'));
  if (Number.isFinite(declared) && declared > limit) return tooLargePage(limit);
  let seen = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > limit) controller.error(new BodyTooLargeError(limit));
      else controller.enqueue(chunk);
    },
  });
  return new Request(request, { body: request.body.pipeThrough(counter) });
}
