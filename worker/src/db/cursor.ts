import { ApiError } from '../errors';

/**
 * Opaque keyset-paging cursors: the last item's sort key(s) and id, as base64url JSON.
 * Every part is ASCII (sort names, ISO times, numbers, ids), so plain base64 is enough.
 */
export function encodeCursor(parts: Array<string | number>): string {
  return btoa(JSON.stringify(parts)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes a cursor into its parts, or answers 400 invalid_cursor. */
export function decodeCursor(text: string, message = 'Liên kết trang này đã cũ hoặc không đúng; hãy xem lại từ trang đầu'): unknown[] {
  try {
    const parsed = JSON.parse(atob(text.replace(/-/g, '+').replace(/_/g, '/'))) as unknown;
    if (Array.isArray(parsed)) return parsed;
  } catch {
    // fall through to the error below
  }
  throw invalidCursor(message);
}

export function invalidCursor(message = 'Liên kết trang này đã cũ hoặc không đúng; hãy xem lại từ trang đầu'): ApiError {
  return new ApiError(400, 'invalid_cursor', message, [{ path: 'cursor', message: 'Dùng nextCursor của trang trước, với cùng bộ lọc' }]);
}
