/** The token the catalogue pages' cache is keyed on (migrations/0015_catalogue_version.sql keeps it). */
export async function readCatalogueVersion(db: D1Database): Promise<string> {
  const row = await db.prepare('SELECT version FROM catalogue_version WHERE id = 1').first<{ version: string }>();
  return row?.version ?? 'none';
}
