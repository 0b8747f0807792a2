/** An organization's collection account, as VietQR needs it. */
export interface PayeeAccount {
  bankBin: string;
  accountNo: string;
  accountName: string;
}

/** The bank account an organization is paid into, or null while it has none (or only part of one). */
export async function findPayeeAccount(db: D1Database, organizationId: string): Promise<PayeeAccount | null> {
  const row = await db
    .prepare('SELECT bank_bin, bank_account_no, bank_account_name FROM organizations WHERE id = ?1')
    .bind(organizationId)
    .first<{ bank_bin: string | null; bank_account_no: string | null; bank_account_name: string | null }>();
  if (!row?.bank_bin || !row.bank_account_no || !row.bank_account_name) return null;
  return { bankBin: row.bank_bin, accountNo: row.bank_account_no, accountName: row.bank_account_name };
}

/** The organization that owns a collection account, if any (the platform's own account belongs to none). */
export async function findAccountOwner(db: D1Database, accountNumber: string): Promise<{ id: string } | null> {
  return db.prepare('SELECT id FROM organizations WHERE bank_account_no = ?1 LIMIT 1').bind(accountNumber).first<{ id: string }>();
}

export interface BillerRow {
  id: string;
  name: string;
  kind: string;
  commune: string | null;
}

/** Every organization that issues bills to residents, by kind then name. */
export async function listBillerOrganizations(db: D1Database, kinds: readonly string[]): Promise<BillerRow[]> {
  const { results } = await db
    .prepare(
      `SELECT id, name, kind, commune FROM organizations
       WHERE kind IN (SELECT value FROM json_each(?1)) AND bank_account_no IS NOT NULL ORDER BY kind, name LIMIT 500`,
    )
    .bind(JSON.stringify(kinds))
    .all<BillerRow>();
  return results;
}

export async function findBillerOrganization(db: D1Database, id: string, kinds: readonly string[]): Promise<BillerRow | null> {
  return db
    .prepare(`SELECT id, name, kind, commune FROM organizations WHERE id = ?1 AND kind IN (SELECT value FROM json_each(?2))`)
    .bind(id, JSON.stringify(kinds))
    .first<BillerRow>();
}
