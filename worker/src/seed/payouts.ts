/**
 * Demo data for seller payouts: a second admin (a payout run needs two people) and a seller
 * account for HTX Rượu làng Vân, whose order was delivered on 20/11/2026, well past its
 * 7-day hold, so that a payout run has something to pay from the first `npm run dev`.
 *
 * Imports carry `.ts` so that Node can run this file with type stripping.
 */
import { checkCharacter } from '../domain/codes.ts';
import type { SeedStatement } from './statements.ts';
import type { SeedUser } from './types.ts';

export const SEED_PAYOUT_USERS: SeedUser[] = [
  { id: 'usr_admin2', email: 'admin2@choso.test', name: 'Quản trị viên thứ hai', role: 'admin', organizationId: null },
  {
    id: 'usr_seller_lang_van',
    email: 'seller3@choso.test',
    name: 'Nguyễn Thị Vân',
    role: 'seller',
    organizationId: 'org_htx_ruou_lang_van',
  },
];

const ORDER = 'ord_seed_lang_van';
const SUB_ORDER = 'sub_seed_lang_van';
const PAYMENT = 'pay_seed_lang_van';
const SELLER = 'org_htx_ruou_lang_van';
const PRODUCT = 'prd_ruou_lang_van_binh_gom';
const AMOUNT = 1_300_000; // 2 × 650.000 ₫
const PLACED = '2026-11-15T02:00:00.000Z';
const PAID = '2026-11-15T02:05:00.000Z';
const DELIVERED = '2026-11-20T07:00:00.000Z';
const COLLECTION = 'collection:vietqr:970418:12010009998888';

export function buildPayoutSeedStatements(): SeedStatement[] {
  const reference = `CSSEEDVAN${checkCharacter('CSSEEDVAN')}`;
  const journal = 'pev_seed_lang_van_confirm';
  const ledger: Array<[string, number, number, string]> = [
    [`payer:${PAYMENT}`, 0, AMOUNT, 'paid by the payer'],
    [COLLECTION, AMOUNT, 0, 'received'],
    [COLLECTION, 0, AMOUNT, 'owed to the payee'],
    [`payable:${SELLER}`, AMOUNT, 0, 'payable'],
  ];
  const subOrderEvents: Array<[string, string | null, string, string]> = [
    ['place', null, 'awaiting_payment', PLACED],
    ['pay', 'awaiting_payment', 'paid', PAID],
    ['confirm', 'paid', 'confirmed', '2026-11-15T08:00:00.000Z'],
    ['ship', 'confirmed', 'shipped', '2026-11-16T01:00:00.000Z'],
    ['deliver', 'shipped', 'delivered', DELIVERED],
  ];
  return [
    {
      sql: `INSERT INTO orders (id, access_token_hash, buyer_name, buyer_phone, buyer_address, total, status, reserved_until,
              paid_at, payment_id, created_at, updated_at)
            VALUES (?1, ?2, 'Trần Văn Bình', '0912000111', 'Số 12, phường Kinh Bắc, Bắc Ninh', ?3, 'paid', ?4, ?5, ?6, ?4, ?5)
            ON CONFLICT (id) DO NOTHING`,
      params: [ORDER, '0'.repeat(64), AMOUNT, PLACED, PAID, PAYMENT],
    },
    {
      sql: `INSERT INTO sub_orders (id, order_id, seller_id, subtotal, status, carrier, tracking_number, confirmed_at, shipped_at,
              delivered_at, last_event_id, created_at, updated_at)
            VALUES (?1, ?2, ?3, ?4, 'delivered', 'vietnam_post', 'EB123456789VN', '2026-11-15T08:00:00.000Z',
              '2026-11-16T01:00:00.000Z', ?5, 'soev_seed_lang_van_deliver', ?6, ?5)
            ON CONFLICT (id) DO NOTHING`,
      params: [SUB_ORDER, ORDER, SELLER, AMOUNT, DELIVERED, PLACED],
    },
    ...subOrderEvents.map(([event, from, to, at]) => ({
      sql: `INSERT INTO sub_order_events (id, sub_order_id, event, from_status, to_status, source, data, created_at)
            VALUES (?1, ?2, ?3, ?4, ?5, 'system', '{"note":"demo data"}', ?6) ON CONFLICT (id) DO NOTHING`,
      params: [`soev_seed_lang_van_${event}`, SUB_ORDER, event, from, to, at],
    })),
    {
      sql: `INSERT INTO order_items (order_id, product_id, seller_id, product_name, unit, unit_price, quantity, line_total)
            VALUES (?1, ?2, ?3, 'Rượu làng Vân bình gốm 2 lít', 'bình 2 lít', 650000, 2, 1300000) ON CONFLICT DO NOTHING`,
      params: [ORDER, PRODUCT, SELLER],
    },
    {
      sql: `INSERT INTO payments (id, reference, order_id, amount, method, status, payee_bank_bin, payee_account_no, payee_account_name,
              expires_at, paid_at, received_at, last_event_id, request_hash, created_at, updated_at)
            VALUES (?1, ?2, ?3, ?4, 'vietqr', 'paid', '970418', '12010009998888', 'CONG TY CHO SO BAC NINH', '2026-11-15T02:30:00.000Z',
              ?5, ?5, ?6, 'seed', ?7, ?5)
            ON CONFLICT (id) DO NOTHING`,
      params: [PAYMENT, reference, ORDER, AMOUNT, PAID, journal, PLACED],
    },
    {
      sql: `INSERT INTO payment_events (id, payment_id, event, from_status, to_status, source, data, created_at)
            VALUES (?1, ?2, 'create', NULL, 'pending', 'api', '{}', ?3), (?4, ?2, 'confirm', 'pending', 'paid', 'bank', '{}', ?5)
            ON CONFLICT (id) DO NOTHING`,
      params: ['pev_seed_lang_van_create', PAYMENT, PLACED, journal, PAID],
    },
    ...ledger.map(([account, debit, credit, memo]) => ({
      sql: `INSERT INTO ledger_lines (journal_id, payment_id, account, debit, credit, memo, created_at)
            SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7
            WHERE NOT EXISTS (SELECT 1 FROM ledger_lines WHERE journal_id = ?1 AND account = ?3 AND memo = ?6)`,
      params: [journal, PAYMENT, account, debit, credit, memo, PAID],
    })),
  ];
}
