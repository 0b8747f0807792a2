import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { CONTROL_CHARACTER_MESSAGE, hasRefusedCharacter } from '../schemas/text';

/**
 * A net under every route's own schema: no path segment, query value or JSON string may
 * carry a control character (other than newline and tab) or a lone surrogate, and no path
 * segment may be longer than any id we issue. Schemas built from schemas/text.ts say the
 * same per field, more strictly; this catches a field that still uses a bare z.string(),
 * so such text never reaches D1 or a page.
 */
export const MAX_PATH_SEGMENT_LENGTH = 200;

function refused(path: string): ApiError {
  return new ApiError(400, 'validation_failed', `Dữ liệu gửi lên chưa hợp lệ ở ${path}`, [{ path, message: CONTROL_CHARACTER_MESSAGE }]);
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The first string (key or value) inside `value` that has a refused character, as a path. */
function findRefused(value: unknown, path: string, depth = 0): string | null {
  if (depth > 64) return null;
  if (typeof value === 'string') return hasRefusedCharacter(value) ? path || 'body' : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findRefused(item, path ? `${path}.${index}` : String(index), depth + 1);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const itemPath = path ? `${path}.${key}` : key;
      if (hasRefusedCharacter(key)) return itemPath;
      const found = findRefused(item, itemPath, depth + 1);
      if (found) return found;
    }
  }
  return null;
}

export const inputGuard = createMiddleware<AppEnv>(async (c, next) => {
  for (const segment of c.req.path.split('/')) {
    const text = decoded(segment);
    if (text.length > MAX_PATH_SEGMENT_LENGTH) {
      throw new ApiError(404, 'not_found', `Không tìm thấy: đường dẫn có một phần dài quá ${MAX_PATH_SEGMENT_LENGTH} ký tự`);
    }
    if (hasRefusedCharacter(text)) throw refused('path');
  }
  for (const [name, values] of Object.entries(c.req.queries())) {
    if (hasRefusedCharacter(name) || values.some(hasRefusedCharacter)) throw refused(name);
  }
  if (/^application\/(.+\+)?json\b/i.test(c.req.header('Content-Type') ?? '')) {
    // Read as text first: Hono caches it, so the route's validator, and a webhook that
    // checks a signature over the raw bytes, both still get the body exactly as sent.
    const raw = await c.req.text();
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      body = undefined; // malformed JSON: the route's validator answers it
    }
    const path: string | null = findRefused(body, '');
    if (path) throw refused(path);
  }
  await next();
});
