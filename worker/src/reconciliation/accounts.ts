import { findAccountOwner } from '../db/organizations';
import { ApiError } from '../errors';

/**
 * An account the caller may reconcile: one of its organization's, or, for admins
 * (organizationId undefined), any organization's or the platform's own. Returns the
 * account's owner (null for the platform's account). Another organization's account
 * answers like a missing one.
 */
export async function reconcilableAccount(
  env: Env,
  accountNumber: string,
  organizationId: string | undefined,
): Promise<{ ownerId: string | null }> {
  const owner = await findAccountOwner(env.DB, accountNumber);
  const platformAccount = accountNumber === env.PLATFORM_BANK_ACCOUNT;
  const allowed = organizationId !== undefined ? owner?.id === organizationId : owner !== null || platformAccount;
  if (!allowed)
    throw new ApiError(404, 'account_not_found', `Không tìm thấy tài khoản ${accountNumber} trong các tài khoản bạn được đối soát`, [
      { path: 'accountNumber', message: 'Không phải tài khoản của đơn vị bạn' },
    ]);
  return { ownerId: owner?.id ?? null };
}
