import { BodyTooLargeError } from '#worker/middleware/page-body-limit';

/**
 * Reading a posted form without trusting it: a body that is not a form, is malformed, or is
 * cut off by the page body limit (worker/src/middleware/page-body-limit.ts) becomes a 4xx
 * with a Vietnamese message, never an exception that Astro would answer with a 500.
 */
export interface FormProblem {
  status: 400 | 413 | 415;
  message: string;
}

const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i;

export async function readForm(request: Request): Promise<FormData | FormProblem> {
  if (!FORM_TYPES.test(request.headers.get('Content-Type') ?? '')) {
    return { status: 415, message: 'Trang này chỉ nhận dữ liệu gửi từ biểu mẫu của nó.' };
  }
  try {
    return await request.formData();
  } catch (error) {
    if (error instanceof BodyTooLargeError || (error instanceof Error && error.cause instanceof BodyTooLargeError)) {
      return { status: 413, message: 'Nội dung gửi lên quá lớn.' };
    }
    return { status: 400, message: 'Không đọc được dữ liệu của biểu mẫu. Hãy tải lại trang rồi gửi lại.' };
  }
}

/** A text field as sent, or '' when it is missing or is a file. */
export function textField(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}

/** A short Vietnamese page for a form that could not be read, for pages that render nothing else then. */
export function formProblemResponse(problem: FormProblem): Response {
  return new Response(
    `<!doctype html><html lang="vi"><meta charset="utf-8"><title>Không gửi được biểu mẫu</title><p>${problem.message} <a href="/">Về trang chủ</a></p></html>`,
    { status: problem.status, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' } },
  );
}
