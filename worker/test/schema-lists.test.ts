import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { BILL_TYPES } from '../src/db/bills';
import { MODERATION_ACTIONS } from '../src/db/seller-products';
import { CREDIT_CHANNELS } from '../src/domain/bank-credit';
import { CARRIERS } from '../src/domain/carriers';
import { EXCEPTION_TYPES } from '../src/domain/exception-types';
import { FULFILMENT_STATUSES } from '../src/domain/fulfilment-state';
import { ORGANIZATION_KINDS } from '../src/domain/organization-kinds';
import { PAYMENT_STATUSES } from '../src/domain/payment-state';
import { PAYOUT_STATUSES } from '../src/domain/payout-state';
import { REFUND_STATUSES } from '../src/domain/refund-state';

/** The values of `<column> ... CHECK (<column> IN (...))` in a table's schema as SQLite keeps it (after every migration). */
async function checkedValues(table: string, column: string): Promise<string[]> {
  const row = await env.DB.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1").bind(table).first<{ sql: string }>();
  const match = row!.sql.match(new RegExp(`\\b${column}\\b[^,]*?CHECK \\(${column} IN \\(([^)]*)\\)\\)`, 's'));
  expect(match, `CHECK on ${table}.${column}`).not.toBeNull();
  return [...match![1]!.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
}

// Each list of codes lives in one module; the database's CHECK constraints must say the same.
describe('the lists of codes and the database agree', () => {
  it.each([
    ['payment_exceptions', 'type', EXCEPTION_TYPES],
    ['payments', 'status', PAYMENT_STATUSES],
    ['refunds', 'status', REFUND_STATUSES],
    ['payouts', 'status', PAYOUT_STATUSES],
    ['bank_credits', 'source', CREDIT_CHANNELS],
    ['sub_orders', 'status', FULFILMENT_STATUSES],
    ['sub_orders', 'carrier', CARRIERS],
    ['organizations', 'kind', ORGANIZATION_KINDS],
    ['bills', 'type', BILL_TYPES],
    ['product_moderation_events', 'action', MODERATION_ACTIONS],
  ])('%s.%s allows exactly the values of its module', async (table, column, values) => {
    expect((await checkedValues(table, column)).sort()).toEqual([...values].sort());
  });

  it('accepts every exception type, and nothing else', async () => {
    const insert = (type: string) =>
      env.DB.prepare('INSERT INTO payment_exceptions (id, type, amount) VALUES (?1, ?2, 1)').bind(`exc_${type}`, type).run();
    for (const type of EXCEPTION_TYPES) await expect(insert(type)).resolves.toBeTruthy();
    await expect(insert('lost_in_the_post')).rejects.toThrow(/CHECK constraint failed/);
  });
});
