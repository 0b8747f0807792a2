import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import { api, jsonRequest } from './helpers';

/** The school's collection account (worker/src/seed/catalogue.ts). */
export const SCHOOL_ACCOUNT = '2603205412387';

/** Creates a connection as the school's finance staff and returns it. */
export async function createConnection(token: string, body: Record<string, unknown>, key = crypto.randomUUID()) {
  const init = jsonRequest('POST', body, token);
  (init.headers as Record<string, string>)['Idempotency-Key'] = key;
  const res = await api('/api/v1/bank-connections', init);
  expect(res.status).toBe(201);
  return res.json<{
    connection: { id: string; webhookUrl: string; organizationId: string | null; credentialHints: Record<string, string> };
    instructions: string[];
  }>();
}

/** A fixture body with its placeholders filled; ids and amounts become JSON numbers where the fixture has them alone. */
export function fill(fixture: string, values: { ref: string; account: string; amount: number; id: string }): string {
  return fixture
    .replaceAll('"{{AMOUNT}}"', String(values.amount))
    .replaceAll('"{{ID}}"', values.id)
    .replaceAll('{{ID}}', values.id)
    .replaceAll('{{REF}}', values.ref)
    .replaceAll('{{ACCOUNT}}', values.account);
}

export const freshId = () => String(100000 + Math.floor(Math.random() * 899_999_999));

const TABLES = ['bank_credits', 'payments', 'payment_events', 'payment_exceptions', 'ledger_lines'];

async function rowCounts(): Promise<Record<string, number>> {
  const rows = await env.DB.batch(TABLES.map((table) => env.DB.prepare(`SELECT count(*) AS n FROM ${table}`)));
  return Object.fromEntries(TABLES.map((table, index) => [table, (rows[index]!.results[0] as { n: number }).n]));
}

/** What one call changed: the difference in row counts, unchanged tables left out. */
export async function rowsWrittenBy<T>(action: () => Promise<T>): Promise<{ result: T; written: Record<string, number> }> {
  const before = await rowCounts();
  const result = await action();
  const after = await rowCounts();
  return {
    result,
    written: Object.fromEntries(Object.entries(after).flatMap(([table, n]) => (n === before[table] ? [] : [[table, n - before[table]!]]))),
  };
}
