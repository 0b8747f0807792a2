import type { BankProvider } from '../bank-sources/registry';
import { prepare, rowsWritten, sql } from './sql';

export interface BankConnectionRow {
  id: string;
  organizationId: string | null;
  accountNumber: string;
  provider: BankProvider;
  credentialsCiphertext: string;
  credentialHints: Record<string, string>;
  status: 'active' | 'disabled';
  requestHash: string;
  createdBy: string;
  createdAt: string;
  disabledAt: string | null;
}

interface Row {
  id: string;
  organization_id: string | null;
  account_number: string;
  provider: BankProvider;
  credentials_ciphertext: string;
  credential_hints: string;
  status: 'active' | 'disabled';
  request_hash: string;
  created_by: string;
  created_at: string;
  disabled_at: string | null;
}

const fromRow = (row: Row): BankConnectionRow => ({
  id: row.id,
  organizationId: row.organization_id,
  accountNumber: row.account_number,
  provider: row.provider,
  credentialsCiphertext: row.credentials_ciphertext,
  credentialHints: JSON.parse(row.credential_hints) as Record<string, string>,
  status: row.status,
  requestHash: row.request_hash,
  createdBy: row.created_by,
  createdAt: row.created_at,
  disabledAt: row.disabled_at,
});

const COLUMNS = sql`id, organization_id, account_number, provider, credentials_ciphertext, credential_hints, status,
  request_hash, created_by, created_at, disabled_at`;

export interface NewBankConnection {
  id: string;
  organizationId: string | null;
  accountNumber: string;
  provider: BankProvider;
  credentialsCiphertext: string;
  credentialHints: Record<string, string>;
  idempotencyScope: string;
  requestHash: string;
  createdBy: string;
  now: string;
}

/** Inserts the connection unless its Idempotency-Key was used already; returns the row the key names. */
export async function insertBankConnectionOnce(db: D1Database, connection: NewBankConnection): Promise<BankConnectionRow> {
  await prepare(
    db,
    sql`INSERT INTO bank_connections (id, organization_id, account_number, provider, credentials_ciphertext, credential_hints,
          idempotency_scope, request_hash, created_by, created_at)
        VALUES (${connection.id}, ${connection.organizationId}, ${connection.accountNumber}, ${connection.provider},
          ${connection.credentialsCiphertext}, ${JSON.stringify(connection.credentialHints)}, ${connection.idempotencyScope},
          ${connection.requestHash}, ${connection.createdBy}, ${connection.now})
        ON CONFLICT (idempotency_scope) DO NOTHING`,
  ).run();
  return (await findBankConnectionByScope(db, connection.idempotencyScope))!;
}

export async function findBankConnectionByScope(db: D1Database, scope: string): Promise<BankConnectionRow | null> {
  const row = await prepare(db, sql`SELECT ${COLUMNS} FROM bank_connections WHERE idempotency_scope = ${scope}`).first<Row>();
  return row ? fromRow(row) : null;
}

export async function findBankConnection(db: D1Database, id: string): Promise<BankConnectionRow | null> {
  const row = await prepare(db, sql`SELECT ${COLUMNS} FROM bank_connections WHERE id = ${id}`).first<Row>();
  return row ? fromRow(row) : null;
}

/** An organization's connections (undefined: every connection, for admins), newest first. */
export async function listBankConnections(db: D1Database, organizationId: string | undefined): Promise<BankConnectionRow[]> {
  const where = organizationId === undefined ? sql`1 = 1` : sql`organization_id = ${organizationId}`;
  const { results } = await prepare(
    db,
    sql`SELECT ${COLUMNS} FROM bank_connections WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT 200`,
  ).all<Row>();
  return results.map(fromRow);
}

/** Disables an active connection; false when it was disabled already. */
export async function disableBankConnection(db: D1Database, id: string, userId: string, now: string): Promise<boolean> {
  const result = await prepare(
    db,
    sql`UPDATE bank_connections SET status = 'disabled', disabled_at = ${now}, disabled_by = ${userId}
        WHERE id = ${id} AND status = 'active' RETURNING id`,
  ).run();
  return rowsWritten(result) > 0;
}
