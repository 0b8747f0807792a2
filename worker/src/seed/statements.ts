/**
 * The dev seed as SQL statements with parameters. Every insert does nothing when its row
 * exists, and password hashes use a salt derived from the user's id, so running the seed
 * again changes nothing. The Node script (scripts/seed.mjs) renders these to a SQL file
 * for `wrangler d1 execute --local`; the tests run the same statements through D1.
 *
 * Imports carry `.ts` so that Node can run this file with type stripping.
 */

import { checkCharacter } from '../domain/codes.ts';
import { defaultOcopExpiry } from '../domain/ocop.ts';
import { hashPassword } from '../domain/password.ts';
import { SEED_APPROVERS } from './approvers.ts';
import { SEED_BILLS } from './bills.ts';
import { SEED_ORGANIZATIONS, SEED_PRODUCTS, SEED_USERS } from './catalogue.ts';
import { buildFulfilmentSeedStatements } from './fulfilment.ts';
import { SEED_MARKET, SEED_STALLS } from './markets.ts';
import { SEED_PAYERS } from './payers.ts';
import { buildPayoutSeedStatements, SEED_PAYOUT_USERS } from './payouts.ts';

export type SqlValue = string | number | null;
export interface SeedStatement {
  sql: string;
  params: SqlValue[];
}

export const DEMO_PASSWORD = 'demo1234';

async function seedSalt(userId: string): Promise<Uint8Array> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`choso-demo-salt:${userId}`));
  return new Uint8Array(digest).slice(0, 16);
}

export async function buildSeedStatements(): Promise<SeedStatement[]> {
  const statements: SeedStatement[] = [];
  for (const org of SEED_ORGANIZATIONS) {
    statements.push({
      sql: `INSERT INTO organizations (id, kind, name, description, commune, province, address, phone,
              bank_bin, bank_account_no, bank_account_name, created_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, '2025-01-01T00:00:00.000Z')
            ON CONFLICT (id) DO NOTHING`,
      params: [
        org.id,
        org.kind,
        org.name,
        org.description,
        org.commune,
        org.province,
        org.address,
        org.phone,
        org.bank.bin,
        org.bank.accountNo,
        org.bank.accountName,
      ],
    });
  }
  for (const user of [...SEED_USERS, ...SEED_PAYOUT_USERS, ...SEED_APPROVERS]) {
    statements.push({
      sql: `INSERT INTO users (id, email, name, role, organization_id, password_hash, created_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, '2025-01-01T00:00:00.000Z')
            ON CONFLICT DO NOTHING`,
      params: [user.id, user.email, user.name, user.role, user.organizationId, await hashPassword(DEMO_PASSWORD, await seedSalt(user.id))],
    });
  }
  for (const product of SEED_PRODUCTS) {
    const ocop = product.ocop;
    statements.push({
      sql: `INSERT INTO products (id, seller_id, name, description, category, price, unit, stock, status,
              ocop_stars, ocop_certificate_no, ocop_issued_at, ocop_expires_at, created_at, updated_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)
            ON CONFLICT (id) DO NOTHING`,
      params: [
        product.id,
        product.sellerId,
        product.name,
        product.description,
        product.category,
        product.price,
        product.unit,
        product.stock,
        product.status,
        ocop?.stars ?? null,
        ocop?.certificateNo ?? null,
        ocop?.issuedAt ?? null,
        ocop ? (ocop.expiresAt ?? defaultOcopExpiry(ocop.issuedAt)) : null,
        product.createdAt,
      ],
    });
  }
  for (const bill of SEED_BILLS) {
    statements.push({
      sql: `INSERT INTO bills (id, code, biller_id, type, payer_name, payer_ref, description, amount, due_date, created_at, updated_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, '2026-11-25T01:00:00.000Z', '2026-11-25T01:00:00.000Z')
            ON CONFLICT (id) DO NOTHING`,
      params: [
        bill.id,
        demoBillCode(bill.codePayload),
        bill.billerId,
        bill.type,
        bill.payerName,
        bill.payerRef,
        bill.description,
        bill.amount,
        bill.dueDate,
      ],
    });
  }
  statements.push({
    sql: `INSERT INTO markets (id, board_id, name, address, created_at) VALUES (?1, ?2, ?3, ?4, '2025-01-01T00:00:00.000Z')
          ON CONFLICT (id) DO NOTHING`,
    params: [SEED_MARKET.id, SEED_MARKET.boardId, SEED_MARKET.name, SEED_MARKET.address],
  });
  for (const stall of SEED_STALLS) {
    statements.push({
      sql: `INSERT INTO stalls (id, market_id, code, trader_name, trader_phone, monthly_fee, status, reference, created_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, '2025-01-01T00:00:00.000Z')
            ON CONFLICT (id) DO NOTHING`,
      params: [
        stall.id,
        SEED_MARKET.id,
        stall.code,
        stall.traderName,
        stall.traderPhone,
        stall.monthlyFee,
        stall.status,
        demoStallReference(stall.referencePayload),
      ],
    });
  }
  for (const payer of SEED_PAYERS) {
    // Any conflict, on the id or on the school's Mã học sinh, leaves the row as it is.
    statements.push({
      sql: `INSERT INTO payers (id, biller_id, payer_ref, payer_name, payer_group, phone, amount, active, created_at, updated_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, '2026-09-05T01:00:00.000Z', '2026-09-05T01:00:00.000Z')
            ON CONFLICT DO NOTHING`,
      params: [payer.id, payer.billerId, payer.payerRef, payer.payerName, payer.group, payer.phone, payer.amount],
    });
  }
  return statements;
}

/**
 * What `npm run dev` and the browser tests load: the seed above, then a marketplace order
 * delivered past its hold (seed/payouts.ts), so that a payout run has something to pay.
 * Kept apart because orders, payments and the append-only ledger cannot be emptied again
 * the way the seed test empties the catalogue.
 */
export async function buildDevSeedStatements(): Promise<SeedStatement[]> {
  return [...(await buildSeedStatements()), ...buildPayoutSeedStatements(), ...buildFulfilmentSeedStatements()];
}

/** A demo stall's reference: "CS", its fixed payload and the check character. */
export function demoStallReference(payload: string): string {
  return `CS${payload}${checkCharacter(`CS${payload}`)}`;
}

/** A demo bill's code: its fixed payload and the check character. */
export function demoBillCode(payload: string): string {
  return payload + checkCharacter(payload);
}

/** Writes a value as a SQL literal, for the seed file that wrangler executes. */
export function sqlLiteral(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`seed numbers are whole: ${value}`);
    return String(value);
  }
  return `'${value.replace(/'/g, "''")}'`;
}

/** Inlines the parameters (?1, ?2, …) of a statement as literals. */
export function renderStatement({ sql, params }: SeedStatement): string {
  return `${sql.replace(/\?(\d+)/g, (_, index: string) => sqlLiteral(params[Number(index) - 1] ?? null))};`;
}
