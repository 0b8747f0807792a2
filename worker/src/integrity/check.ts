import { findIntegrityBreaks, INTEGRITY_RULES } from '../db/integrity';

export interface IntegrityReport {
  ok: boolean;
  checkedAt: string;
  rules: Array<{ name: string; rule: string; ok: boolean; breaks: Array<{ id: string; detail: string }> }>;
}

/** Whether the books are sound: every rule of db/integrity.ts, with what breaks each. */
export async function checkIntegrity(db: D1Database, now = new Date()): Promise<IntegrityReport> {
  const breaks = await findIntegrityBreaks(db);
  const rules = INTEGRITY_RULES.map((rule, index) => {
    const found = breaks[index] ?? [];
    return { name: rule.name, rule: rule.rule, ok: found.length === 0, breaks: found };
  });
  return { ok: rules.every((rule) => rule.ok), checkedAt: now.toISOString(), rules };
}
