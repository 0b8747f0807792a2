/**
 * The ledger's parity checks, as plain SQL with no parameters: each query returns the rows
 * that break one rule (none when the books are sound), at most 20 of them. They are read by
 * the admin endpoint (integrity/check.ts) and, as they are, by `npm run check:integrity`
 * against the local database (scripts/check-integrity.mjs), so this file imports nothing and
 * uses only types that Node can strip.
 *
 * Modelled on GOV.UK Pay's ledger parity checks: the same facts recorded in two places
 * (a payment's status and its ledger lines, a bank credit and what it became) must agree.
 */

export interface IntegrityRule {
  /** A stable name, for alerts and scripts. */
  name: string;
  /** What holds when the books are sound, in Vietnamese, for the operator who reads the answer. */
  rule: string;
  /** Rows that break the rule; each has an `id` naming the object and a `detail`. */
  query: string;
}

const PAID = `('paid', 'partially_refunded', 'refunded')`;

export const INTEGRITY_RULES: IntegrityRule[] = [
  {
    name: 'journal_balanced',
    rule: 'Mỗi bút toán cân: tổng Nợ bằng tổng Có',
    query: `SELECT journal_id AS id, 'Nợ ' || CAST(total(debit) AS INTEGER) || ' ≠ Có ' || CAST(total(credit) AS INTEGER) AS detail
      FROM ledger_lines GROUP BY journal_id HAVING total(debit) <> total(credit) LIMIT 20`,
  },
  {
    name: 'paid_bill_has_one_payment',
    rule: 'Mỗi hoá đơn đã thu có đúng một khoản thanh toán đã thu',
    query: `SELECT b.id AS id, 'số khoản đã thu: ' || count(p.id) AS detail
      FROM bills b LEFT JOIN payments p ON p.bill_id = b.id AND p.status IN ${PAID}
      WHERE b.status = 'paid' GROUP BY b.id HAVING count(p.id) <> 1 LIMIT 20`,
  },
  {
    name: 'paid_order_has_one_payment',
    rule: 'Mỗi đơn hàng đã thu có đúng một khoản thanh toán đã thu',
    query: `SELECT o.id AS id, 'số khoản đã thu: ' || count(p.id) AS detail
      FROM orders o LEFT JOIN payments p ON p.order_id = o.id AND p.status IN ${PAID}
      WHERE o.status = 'paid' GROUP BY o.id HAVING count(p.id) <> 1 LIMIT 20`,
  },
  {
    name: 'paid_payment_has_money',
    rule: 'Mỗi khoản đã thu có đúng một bút toán nhận tiền, và tiền nhận không vượt số tiền phải thu',
    query: `SELECT p.id AS id, 'bút toán nhận: ' || count(DISTINCT l.journal_id) || ', đã nhận ' || CAST(total(l.credit) AS INTEGER) || ' / ' || p.amount AS detail
      FROM payments p LEFT JOIN ledger_lines l
        ON l.payment_id = p.id AND l.account = 'payer:' || p.id AND l.credit > 0
      WHERE p.status IN ${PAID}
      GROUP BY p.id HAVING count(DISTINCT l.journal_id) <> 1 OR total(l.credit) > p.amount OR total(l.credit) <= 0 LIMIT 20`,
  },
  {
    name: 'unpaid_payment_has_no_money',
    rule: 'Khoản chưa thu, đã hết hạn hoặc thất bại không có dòng sổ cái nào',
    query: `SELECT p.id AS id, 'trạng thái ' || p.status || ' có ' || count(l.id) || ' dòng sổ cái' AS detail
      FROM payments p JOIN ledger_lines l ON l.payment_id = p.id
      WHERE p.status NOT IN ${PAID} GROUP BY p.id LIMIT 20`,
  },
  {
    name: 'matched_credit_paid_its_payment',
    rule: 'Mỗi khoản tiền vào đã khớp trỏ tới một khoản đã thu',
    query: `SELECT c.id AS id, 'khoản thanh toán ' || coalesce(c.payment_id, '(không có)') || ' ở trạng thái ' || coalesce(p.status, '(không có)') AS detail
      FROM bank_credits c LEFT JOIN payments p ON p.id = c.payment_id
      WHERE c.outcome = 'matched' AND (p.id IS NULL OR p.status NOT IN ${PAID}) LIMIT 20`,
  },
  {
    name: 'credit_applied_once',
    rule: 'Một khoản thanh toán được ghi nhận bởi nhiều nhất một khoản tiền vào',
    query: `SELECT payment_id AS id, count(*) || ' khoản tiền vào cùng khớp' AS detail
      FROM bank_credits WHERE outcome = 'matched' AND payment_id IS NOT NULL
      GROUP BY payment_id HAVING count(*) > 1 LIMIT 20`,
  },
  {
    name: 'exception_credit_is_in_a_queue',
    rule: 'Mỗi khoản tiền vào không khớp nằm trong hàng ngoại lệ',
    query: `SELECT c.id AS id, c.amount || ' đ, nội dung: ' || substr(c.description, 1, 60) AS detail
      FROM bank_credits c
      WHERE c.outcome = 'exception'
        AND NOT EXISTS (SELECT 1 FROM payment_exceptions e WHERE e.bank_credit_id = c.id) LIMIT 20`,
  },
];

export interface IntegrityBreak {
  id: string;
  detail: string;
}

/** Runs every rule, all in one round trip; a rule's breaks in the order the query gave them. */
export async function findIntegrityBreaks(db: D1Database): Promise<IntegrityBreak[][]> {
  const results = await db.batch<IntegrityBreak>(INTEGRITY_RULES.map((rule) => db.prepare(rule.query)));
  return results.map((result) => result.results.map((row) => ({ id: String(row.id), detail: String(row.detail) })));
}
