/** An admin brings a new producer or biller on board. */
import { findOrganization, insertOrganization, type NewOrganization, type OrganizationSummary } from '../db/onboarding';
import { newId } from '../domain/tokens';
import { claimFor, earlierResult } from './idempotency';

export type OrganizationInput = Omit<NewOrganization, 'id'>;

/**
 * Creates the organization once per Idempotency-Key: a retry with the same body gets the
 * same organization back (created false), another body under the key answers 409.
 */
export async function createOrganization(
  db: D1Database,
  input: OrganizationInput,
  idempotencyKey: string,
  now: Date,
): Promise<{ organization: OrganizationSummary; created: boolean }> {
  const claim = await claimFor('admin-organizations', idempotencyKey, input);
  const earlier = await earlierResult(db, claim);
  if (earlier) return { organization: (await findOrganization(db, earlier))!, created: false };
  const id = newId('org');
  const winner = await insertOrganization(db, { ...input, id }, claim, now.toISOString());
  if (winner !== id) await earlierResult(db, claim);
  return { organization: (await findOrganization(db, winner))!, created: winner === id };
}
