import { rowsWritten } from './sql';

export const ROLES = ['shopper', 'seller', 'biller_staff', 'market_manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  organization: { id: string; name: string; kind: string } | null;
}

interface SessionUserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  organization_id: string | null;
  organization_name: string | null;
  organization_kind: string | null;
}

function rowToSessionUser(row: SessionUserRow): SessionUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    organization:
      row.organization_id && row.organization_name && row.organization_kind
        ? { id: row.organization_id, name: row.organization_name, kind: row.organization_kind }
        : null,
  };
}

const SESSION_USER_COLUMNS = `u.id, u.email, u.name, u.role, u.organization_id,
  o.name AS organization_name, o.kind AS organization_kind`;

/** A deactivated member is not found: they sign in as nobody would. */
export async function findUserForLogin(db: D1Database, email: string): Promise<(SessionUser & { passwordHash: string }) | null> {
  const row = await db
    .prepare(
      `SELECT ${SESSION_USER_COLUMNS}, u.password_hash
       FROM users u LEFT JOIN organizations o ON o.id = u.organization_id
       WHERE u.email = ?1 AND u.deactivated_at IS NULL`,
    )
    .bind(email)
    .first<SessionUserRow & { password_hash: string }>();
  return row ? { ...rowToSessionUser(row), passwordHash: row.password_hash } : null;
}

export async function findUserById(db: D1Database, id: string): Promise<SessionUser | null> {
  const row = await db
    .prepare(
      `SELECT ${SESSION_USER_COLUMNS}
       FROM users u LEFT JOIN organizations o ON o.id = u.organization_id
       WHERE u.id = ?1`,
    )
    .bind(id)
    .first<SessionUserRow>();
  return row ? rowToSessionUser(row) : null;
}

/** Creates a user; returns false when the email is already taken. */
export async function insertUser(
  db: D1Database,
  user: { id: string; email: string; name: string; role: Role; passwordHash: string; organizationId: string | null },
): Promise<boolean> {
  const result = await db
    .prepare(
      `INSERT INTO users (id, email, name, role, organization_id, password_hash)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6)
       ON CONFLICT (email) DO NOTHING RETURNING id`,
    )
    .bind(user.id, user.email, user.name, user.role, user.organizationId, user.passwordHash)
    .all();
  return rowsWritten(result) === 1;
}

export async function insertSession(db: D1Database, tokenHash: string, userId: string, expiresAt: string) {
  await db.prepare('INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (?1, ?2, ?3)').bind(tokenHash, userId, expiresAt).run();
}

/** The user behind a live session; an expired session, or a deactivated user's, finds nobody. */
export async function findSessionUser(db: D1Database, tokenHash: string, now: string): Promise<SessionUser | null> {
  const row = await db
    .prepare(
      `SELECT ${SESSION_USER_COLUMNS}
       FROM sessions s
       JOIN users u ON u.id = s.user_id
       LEFT JOIN organizations o ON o.id = u.organization_id
       WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND u.deactivated_at IS NULL`,
    )
    .bind(tokenHash, now)
    .first<SessionUserRow>();
  return row ? rowToSessionUser(row) : null;
}

export async function deleteSession(db: D1Database, tokenHash: string) {
  await db.prepare('DELETE FROM sessions WHERE token_hash = ?1').bind(tokenHash).run();
}

/** Removes sessions that expired before `now`; run from the scheduled handler. */
export async function deleteExpiredSessions(db: D1Database, now: string): Promise<number> {
  const result = await db.prepare('DELETE FROM sessions WHERE expires_at <= ?1 RETURNING 1').bind(now).all();
  return rowsWritten(result);
}
