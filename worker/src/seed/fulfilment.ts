/**
 * A demo order already on its way to payout: paid by bank transfer on 15/11/2026, with two
 * sub-orders delivered on 20/11/2026 (HTX Gốm Phù Lãng) and 28/11/2026 (Đông Hồ paintings),
 * so that a payout run has a delivered sub-order past its hold period to pay. Fixed ids and
 * times: running it again changes nothing. Written as the workflows would have written it:
 * the payment with its events and receipt journal, each sub-order with one event per move.
 *
 * Kept apart from the catalogue seed (statements.ts): the API tests seed the catalogue for
 * every file, and an order of their own would shift what they count.
 * Imports carry `.ts` so that Node can run this file with type stripping.
 */
import { checkCharacter } from '../domain/codes.ts';
import type { SeedStatement } from './statements.ts';

const ORDER = 'ord_seed_delivered';
const PAYMENT = 'pay_seed_delivered';
const REFERENCE_PAYLOAD = 'CSSEEDGH7';
/** The dev platform collection account (.dev.vars.example). */
const PLATFORM = { bin: '970418', accountNo: '12010009998888', accountName: 'CONG TY CHO SO BAC NINH' };
const PAID_AT = '2026-11-15T03:10:00.000Z';

const SUB_ORDERS = [
  {
    id: `${ORDER}_1`,
    sellerId: 'org_htx_phu_lang',
    item: {
      productId: 'prd_binh_gom_men_da_luon_phu_lang',
      name: 'Bình gốm men da lươn Phù Lãng',
      unit: 'chiếc (cao 45cm)',
      price: 850000,
      quantity: 1,
    },
    carrier: 'ghn',
    trackingNumber: 'GHN5KD8812345',
    confirmedAt: '2026-11-15T08:00:00.000Z',
    shippedAt: '2026-11-16T02:00:00.000Z',
    deliveredAt: '2026-11-20T07:30:00.000Z',
  },
  {
    id: `${ORDER}_2`,
    sellerId: 'org_tranh_dong_ho_pham_tu',
    item: {
      productId: 'prd_tranh_dong_ho_dam_cuoi_chuot',
      name: 'Tranh Đông Hồ Đám cưới chuột',
      unit: 'bức 30x40cm',
      price: 180000,
      quantity: 2,
    },
    carrier: 'vietnam_post',
    trackingNumber: 'EE128834567VN',
    confirmedAt: '2026-11-25T01:00:00.000Z',
    shippedAt: '2026-11-26T01:00:00.000Z',
    deliveredAt: '2026-11-28T09:00:00.000Z',
  },
] as const;

const subtotal = (sub: (typeof SUB_ORDERS)[number]) => sub.item.price * sub.item.quantity;

export function buildFulfilmentSeedStatements(): SeedStatement[] {
  const total = SUB_ORDERS.reduce((sum, sub) => sum + subtotal(sub), 0);
  const reference = REFERENCE_PAYLOAD + checkCharacter(REFERENCE_PAYLOAD);
  const collection = `collection:vietqr:${PLATFORM.bin}:${PLATFORM.accountNo}`;
  const statements: SeedStatement[] = [
    {
      sql: `INSERT INTO orders (id, access_token_hash, buyer_user_id, buyer_name, buyer_phone, buyer_address, total, status, reserved_until,
              paid_at, payment_id, created_at, updated_at)
            VALUES (?1, ?2, 'usr_shopper', 'Lê Thị Hương', '0987654321', 'Số 12 Nguyễn Gia Thiều, phường Kinh Bắc, Bắc Ninh', ?3, 'paid',
              '2026-11-15T03:30:00.000Z', ?4, ?5, '2026-11-15T03:00:00.000Z', ?4)
            ON CONFLICT (id) DO NOTHING`,
      // No token opens it (the hash of nothing anyone holds): the demo shopper opens it signed in.
      params: [ORDER, 'seed-order-no-token', total, PAID_AT, PAYMENT],
    },
  ];
  for (const sub of SUB_ORDERS) {
    statements.push(
      {
        sql: `INSERT INTO sub_orders (id, order_id, seller_id, subtotal, status, carrier, tracking_number, confirmed_at, shipped_at,
                delivered_at, last_event_id, created_at, updated_at)
              VALUES (?1, ?2, ?3, ?4, 'delivered', ?5, ?6, ?7, ?8, ?9, ?1 || '_deliver', '2026-11-15T03:00:00.000Z', ?9)
              ON CONFLICT (id) DO NOTHING`,
        params: [
          sub.id,
          ORDER,
          sub.sellerId,
          subtotal(sub),
          sub.carrier,
          sub.trackingNumber,
          sub.confirmedAt,
          sub.shippedAt,
          sub.deliveredAt,
        ],
      },
      {
        sql: `INSERT INTO order_items (order_id, product_id, seller_id, product_name, unit, unit_price, quantity, line_total)
              VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING`,
        params: [ORDER, sub.item.productId, sub.sellerId, sub.item.name, sub.item.unit, sub.item.price, sub.item.quantity, subtotal(sub)],
      },
    );
    const moves: Array<[string, string | null, string, string, string]> = [
      ['place', null, 'awaiting_payment', 'buyer', '2026-11-15T03:00:00.000Z'],
      ['pay', 'awaiting_payment', 'paid', 'payment', PAID_AT],
      ['confirm', 'paid', 'confirmed', 'seller', sub.confirmedAt],
      ['ship', 'confirmed', 'shipped', 'seller', sub.shippedAt],
      ['deliver', 'shipped', 'delivered', 'seller', sub.deliveredAt],
    ];
    for (const [event, from, to, source, at] of moves) {
      statements.push({
        sql: `INSERT INTO sub_order_events (id, sub_order_id, event, from_status, to_status, source, data, created_at)
              VALUES (?1, ?2, ?3, ?4, ?5, ?6, '{}', ?7) ON CONFLICT (id) DO NOTHING`,
        params: [`${sub.id}_${event}`, sub.id, event, from, to, source, at],
      });
    }
  }
  statements.push(
    {
      sql: `INSERT INTO payments (id, reference, order_id, amount, method, status, payee_bank_bin, payee_account_no, payee_account_name,
              expires_at, paid_at, received_at, last_event_id, request_hash, created_at, updated_at)
            VALUES (?1, ?2, ?3, ?4, 'vietqr', 'paid', ?5, ?6, ?7, '2026-11-15T03:30:00.000Z', ?8, ?8, 'pev_seed_delivered_confirm', 'seed',
              '2026-11-15T03:00:00.000Z', ?8)
            ON CONFLICT (id) DO NOTHING`,
      params: [PAYMENT, reference, ORDER, total, PLATFORM.bin, PLATFORM.accountNo, PLATFORM.accountName, PAID_AT],
    },
    {
      sql: `INSERT INTO payment_events (id, payment_id, event, from_status, to_status, source, data, created_at)
            VALUES ('pev_seed_delivered_create', ?1, 'create', NULL, 'pending', 'api', '{}', '2026-11-15T03:00:00.000Z'),
                   ('pev_seed_delivered_confirm', ?1, 'confirm', 'pending', 'paid', 'bank', '{}', ?2)
            ON CONFLICT (id) DO NOTHING`,
      params: [PAYMENT, PAID_AT],
    },
  );
  // The receipt journal (domain/ledger.ts receiptJournal): payer → collection → each seller's payable.
  const lines: Array<[string, number, number, string]> = [
    [`payer:${PAYMENT}`, 0, total, 'paid by the payer'],
    [collection, total, 0, 'received'],
    [collection, 0, total, 'owed to the payee'],
    ...SUB_ORDERS.map((sub): [string, number, number, string] => [`payable:${sub.sellerId}`, subtotal(sub), 0, 'payable']),
  ];
  for (const [index, [account, debit, credit, memo]] of lines.entries()) {
    // ledger_lines has no natural key: each line is written once, found by its journal and memo position.
    statements.push({
      sql: `INSERT INTO ledger_lines (journal_id, payment_id, account, debit, credit, memo, created_at)
            SELECT 'pev_seed_delivered_confirm', ?1, ?2, ?3, ?4, ?5, ?6
            WHERE (SELECT count(*) FROM ledger_lines WHERE journal_id = 'pev_seed_delivered_confirm') = ?7`,
      params: [PAYMENT, account, debit, credit, memo, PAID_AT, index],
    });
  }
  return statements;
}
