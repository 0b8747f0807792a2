import { findAdminIdempotencyKey } from '../db/onboarding';
import { sha256Hex } from '../domain/tokens';
import { ApiError } from '../errors';

export interface IdempotencyClaim {
  scopeKey: string;
  requestHash: string;
}

/** The 400 for an admin creation sent without its Idempotency-Key. */
export function requireIdempotencyKey(key: string | undefined): string {
  if (!key) {
    throw new ApiError(400, 'idempotency_key_required', 'Hãy gửi kèm header Idempotency-Key (một giá trị ngẫu nhiên cho mỗi lần tạo)', [
      { path: 'Idempotency-Key', message: 'Bắt buộc' },
    ]);
  }
  return key;
}

/**
 * The claim of one creation under a key: the key is scoped to what is created (and where),
 * and the request's own hash tells a retry from a different request reusing the key.
 */
export async function claimFor(scope: string, key: string, body: unknown): Promise<IdempotencyClaim> {
  return { scopeKey: `${scope}:${key}`, requestHash: await sha256Hex(JSON.stringify(body)) };
}

/** The id an earlier request with this key made, or null; 409 when that request was a different one. */
export async function earlierResult(db: D1Database, claim: IdempotencyClaim): Promise<string | null> {
  const seen = await findAdminIdempotencyKey(db, claim.scopeKey);
  if (!seen) return null;
  if (seen.request_hash !== claim.requestHash) {
    throw new ApiError(
      409,
      'idempotency_key_reused',
      'Idempotency-Key này đã được dùng cho một yêu cầu khác; hãy dùng một khoá mới cho mỗi lần tạo',
    );
  }
  return seen.object_id;
}
