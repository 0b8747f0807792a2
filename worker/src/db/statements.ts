export interface NewStatement {
  id: string;
  organizationId: string | null;
  accountNumber: string;
  fileName: string;
  format: string;
  firstDate: string | null;
  lastDate: string | null;
  importedBy: string;
  now: string;
}

export async function insertStatement(db: D1Database, statement: NewStatement): Promise<void> {
  await db
    .prepare(
      'INSERT INTO statements (id, organization_id, account_number, file_name, format, first_date, last_date, imported_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)',
    )
    .bind(
      statement.id,
      statement.organizationId,
      statement.accountNumber,
      statement.fileName.slice(0, 200),
      statement.format,
      statement.firstDate,
      statement.lastDate,
      statement.importedBy,
      statement.now,
    )
    .run();
}

export async function saveStatementSummary(db: D1Database, statementId: string, summary: unknown): Promise<void> {
  await db.prepare('UPDATE statements SET summary = ?2 WHERE id = ?1').bind(statementId, JSON.stringify(summary)).run();
}
