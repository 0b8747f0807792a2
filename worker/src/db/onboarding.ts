/**
 * Onboarding by an admin: organizations, their staff, one-time links to set a password and
 * deactivation. Creations are claimed under an Idempotency-Key in the same batch as the object.
 */
import type { OrganizationKind } from '../domain/organization-kinds';
import { prepare, rowsWritten, sql } from './sql';
import type { Role } from './users';

export interface NewOrganization {
  id: string;
  kind: OrganizationKind;
  name: string;
  description: string;
  commune: string;
  province: string;
  address: string;
  phone: string;
  bankAccount: { bin: string; accountNo: string; accountName: string } | null;
}

export interface OrganizationSummary extends Omit<NewOrganization, 'bankAccount'> {
  bankAccount: { bin: string; accountNo: string; accountName: string } | null;
  memberCount: number;
  createdAt: string;
}

interface OrganizationRow {
  id: string;
  kind: OrganizationKind;
  name: string;
  description: string;
  commune: string | null;
  province: string | null;
  address: string;
  phone: string;
  bank_bin: string | null;
  bank_account_no: string | null;
  bank_account_name: string | null;
  member_count: number;
  created_at: string;
}

function rowToOrganization(row: OrganizationRow): OrganizationSummary {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    description: row.description,
    commune: row.commune ?? '',
    province: row.province ?? '',
    address: row.address,
    phone: row.phone,
    bankAccount:
      row.bank_bin && row.bank_account_no && row.bank_account_name
        ? { bin: row.bank_bin, accountNo: row.bank_account_no, accountName: row.bank_account_name }
        : null,
    memberCount: row.member_count,
    createdAt: row.created_at,
  };
}

const ORGANIZATION_COLUMNS = sql`o.id, o.kind, o.name, o.description, o.commune, o.province, o.address, o.phone,
  o.bank_bin, o.bank_account_no, o.bank_account_name, o.created_at,
  (SELECT count(*) FROM users u WHERE u.organization_id = o.id) AS member_count`;

/** Every organization, producers and billers alike, by kind then name (organizations_kind_name). */
export async function listOrganizations(db: D1Database, kind?: OrganizationKind): Promise<OrganizationSummary[]> {
  const where = kind ? sql`WHERE o.kind = ${kind}` : sql``;
  const { results } = await prepare(
    db,
    sql`SELECT ${ORGANIZATION_COLUMNS} FROM organizations o ${where} ORDER BY o.kind, o.name LIMIT 1000`,
  ).all<OrganizationRow>();
  return results.map(rowToOrganization);
}

export async function findOrganization(db: D1Database, id: string): Promise<OrganizationSummary | null> {
  const row = await prepare(db, sql`SELECT ${ORGANIZATION_COLUMNS} FROM organizations o WHERE o.id = ${id}`).first<OrganizationRow>();
  return row ? rowToOrganization(row) : null;
}

/** What an Idempotency-Key made, and the hash of the request that made it. */
export async function findAdminIdempotencyKey(db: D1Database, scopeKey: string) {
  return prepare(db, sql`SELECT request_hash, object_id FROM admin_idempotency_keys WHERE scope_key = ${scopeKey}`).first<{
    request_hash: string;
    object_id: string;
  }>();
}

function claimKey(db: D1Database, scopeKey: string, requestHash: string, objectId: string, now: string) {
  return prepare(
    db,
    sql`INSERT INTO admin_idempotency_keys (scope_key, request_hash, object_id, created_at)
      VALUES (${scopeKey}, ${requestHash}, ${objectId}, ${now}) ON CONFLICT DO NOTHING`,
  );
}

const keyClaimedBy = (scopeKey: string, objectId: string) =>
  sql`EXISTS (SELECT 1 FROM admin_idempotency_keys WHERE scope_key = ${scopeKey} AND object_id = ${objectId})`;

/**
 * Creates an organization under an Idempotency-Key: the key row first, then the organization
 * only if this request's claim won. Returns the id the key names (this one, or an earlier one's).
 */
export async function insertOrganization(
  db: D1Database,
  org: NewOrganization,
  key: { scopeKey: string; requestHash: string },
  now: string,
): Promise<string> {
  await db.batch([
    claimKey(db, key.scopeKey, key.requestHash, org.id, now),
    prepare(
      db,
      sql`INSERT INTO organizations (id, kind, name, description, commune, province, address, phone,
          bank_bin, bank_account_no, bank_account_name, created_at)
        SELECT ${org.id}, ${org.kind}, ${org.name}, ${org.description}, ${org.commune}, ${org.province}, ${org.address}, ${org.phone},
          ${org.bankAccount?.bin ?? null}, ${org.bankAccount?.accountNo ?? null}, ${org.bankAccount?.accountName ?? null}, ${now}
        WHERE ${keyClaimedBy(key.scopeKey, org.id)}`,
    ),
  ]);
  return (await findAdminIdempotencyKey(db, key.scopeKey))!.object_id;
}

export type MemberStatus = 'active' | 'invited' | 'deactivated';

export interface Member {
  id: string;
  email: string;
  name: string;
  role: Role;
  status: MemberStatus;
  createdAt: string;
  deactivatedAt: string | null;
}

interface MemberRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  created_at: string;
  deactivated_at: string | null;
  invited: number;
}

// A member who was given links and has used none is still "invited"; seeded members never had one.
const MEMBER_COLUMNS = sql`u.id, u.email, u.name, u.role, u.created_at, u.deactivated_at,
  (EXISTS (SELECT 1 FROM password_setup_tokens t WHERE t.user_id = u.id)
   AND NOT EXISTS (SELECT 1 FROM password_setup_tokens t WHERE t.user_id = u.id AND t.used_at IS NOT NULL)) AS invited`;

function rowToMember(row: MemberRow): Member {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    status: row.deactivated_at ? 'deactivated' : row.invited ? 'invited' : 'active',
    createdAt: row.created_at,
    deactivatedAt: row.deactivated_at,
  };
}

/** An organization's staff (users_organization), in the order they were added. */
export async function listMembers(db: D1Database, organizationId: string): Promise<Member[]> {
  const { results } = await prepare(
    db,
    sql`SELECT ${MEMBER_COLUMNS} FROM users u WHERE u.organization_id = ${organizationId} ORDER BY u.created_at, u.id LIMIT 500`,
  ).all<MemberRow>();
  return results.map(rowToMember);
}

export async function findMember(db: D1Database, organizationId: string, userId: string): Promise<Member | null> {
  const row = await prepare(
    db,
    sql`SELECT ${MEMBER_COLUMNS} FROM users u WHERE u.id = ${userId} AND u.organization_id = ${organizationId}`,
  ).first<MemberRow>();
  return row ? rowToMember(row) : null;
}

export interface NewMember {
  id: string;
  organizationId: string;
  email: string;
  name: string;
  role: Role;
  /** A hash of a random secret nobody knows: the account has no usable password until the link is used. */
  unusablePasswordHash: string;
}

export interface NewSetupLink {
  tokenHash: string;
  createdBy: string;
  expiresAt: string;
}

/**
 * Adds a staff member with its first set-password link, under an Idempotency-Key, in one
 * batch. Returns the id of the member the key names, or null when the email already has an
 * account (nothing is written then).
 */
export async function insertMember(
  db: D1Database,
  member: NewMember,
  link: NewSetupLink,
  key: { scopeKey: string; requestHash: string },
  now: string,
): Promise<string | null> {
  const claimed = keyClaimedBy(key.scopeKey, member.id);
  const emailFree = sql`NOT EXISTS (SELECT 1 FROM users WHERE email = ${member.email})`;
  await db.batch([
    prepare(
      db,
      sql`INSERT INTO admin_idempotency_keys (scope_key, request_hash, object_id, created_at)
        SELECT ${key.scopeKey}, ${key.requestHash}, ${member.id}, ${now} WHERE ${emailFree} ON CONFLICT DO NOTHING`,
    ),
    prepare(
      db,
      sql`INSERT INTO users (id, email, name, role, organization_id, password_hash, created_at)
        SELECT ${member.id}, ${member.email}, ${member.name}, ${member.role}, ${member.organizationId}, ${member.unusablePasswordHash}, ${now}
        WHERE ${claimed} AND ${emailFree}`,
    ),
    insertLinkStatement(db, member.id, link, now, claimed),
  ]);
  return (await findAdminIdempotencyKey(db, key.scopeKey))?.object_id ?? null;
}

function insertLinkStatement(db: D1Database, userId: string, link: NewSetupLink, now: string, condition = sql`1`) {
  return prepare(
    db,
    sql`INSERT INTO password_setup_tokens (token_hash, user_id, created_by, expires_at, created_at)
      SELECT ${link.tokenHash}, ${userId}, ${link.createdBy}, ${link.expiresAt}, ${now}
      WHERE ${condition} AND EXISTS (SELECT 1 FROM users WHERE id = ${userId} AND deactivated_at IS NULL) RETURNING token_hash`,
  );
}

/**
 * A new set-password link for a member who is still active; every earlier unused link of
 * theirs stops working, so only the link last handed over is live.
 */
export async function replaceSetupLink(db: D1Database, organizationId: string, userId: string, link: NewSetupLink, now: string) {
  const ownMember = sql`EXISTS (SELECT 1 FROM users WHERE id = ${userId} AND organization_id = ${organizationId} AND deactivated_at IS NULL)`;
  const [, inserted] = await db.batch([
    prepare(
      db,
      sql`UPDATE password_setup_tokens SET revoked_at = ${now}
        WHERE user_id = ${userId} AND used_at IS NULL AND revoked_at IS NULL AND ${ownMember}`,
    ),
    insertLinkStatement(db, userId, link, now, ownMember),
  ]);
  return rowsWritten(inserted) === 1;
}

export interface SetupLinkRecord {
  userId: string;
  email: string;
  name: string;
  expiresAt: string;
  usedAt: string | null;
  revokedAt: string | null;
  deactivatedAt: string | null;
}

export async function findSetupLink(db: D1Database, tokenHash: string): Promise<SetupLinkRecord | null> {
  const row = await prepare(
    db,
    sql`SELECT t.user_id, u.email, u.name, t.expires_at, t.used_at, t.revoked_at, u.deactivated_at
      FROM password_setup_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ${tokenHash}`,
  ).first<{
    user_id: string;
    email: string;
    name: string;
    expires_at: string;
    used_at: string | null;
    revoked_at: string | null;
    deactivated_at: string | null;
  }>();
  return row
    ? {
        userId: row.user_id,
        email: row.email,
        name: row.name,
        expiresAt: row.expires_at,
        usedAt: row.used_at,
        revokedAt: row.revoked_at,
        deactivatedAt: row.deactivated_at,
      }
    : null;
}

/**
 * Uses a link: marks it used (only if still usable at `now`), sets the password and ends any
 * other session of the account, in one batch. Returns false when the link was no longer
 * usable, and then nothing changed: two tabs racing with one link set one password.
 */
export async function useSetupLink(db: D1Database, tokenHash: string, passwordHash: string, now: string): Promise<boolean> {
  const usedNow = sql`(SELECT user_id FROM password_setup_tokens WHERE token_hash = ${tokenHash} AND used_at = ${now})`;
  const [used] = await db.batch([
    prepare(
      db,
      sql`UPDATE password_setup_tokens SET used_at = ${now}
        WHERE token_hash = ${tokenHash} AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ${now}
          AND EXISTS (SELECT 1 FROM users u WHERE u.id = password_setup_tokens.user_id AND u.deactivated_at IS NULL)
        RETURNING user_id`,
    ),
    prepare(db, sql`UPDATE users SET password_hash = ${passwordHash} WHERE id IN ${usedNow}`),
    prepare(db, sql`DELETE FROM sessions WHERE user_id IN ${usedNow}`),
  ]);
  return rowsWritten(used) === 1;
}

/**
 * Deactivates one member of an organization: they can no longer sign in, every session of
 * theirs ends and their open links stop working, in one batch. Returns false when the user is
 * not a member of that organization or was already deactivated.
 */
export async function deactivateMember(db: D1Database, organizationId: string, userId: string, now: string): Promise<boolean> {
  const deactivatedNow = sql`EXISTS (SELECT 1 FROM users WHERE id = ${userId} AND organization_id = ${organizationId} AND deactivated_at IS NOT NULL)`;
  const [updated] = await db.batch([
    prepare(
      db,
      sql`UPDATE users SET deactivated_at = ${now}
        WHERE id = ${userId} AND organization_id = ${organizationId} AND deactivated_at IS NULL RETURNING id`,
    ),
    prepare(db, sql`DELETE FROM sessions WHERE user_id = ${userId} AND ${deactivatedNow}`),
    prepare(
      db,
      sql`UPDATE password_setup_tokens SET revoked_at = ${now}
        WHERE user_id = ${userId} AND used_at IS NULL AND revoked_at IS NULL AND ${deactivatedNow}`,
    ),
  ]);
  return rowsWritten(updated) === 1;
}
