import { decodeCursor, encodeCursor, invalidCursor } from './cursor';
import { inSlices, list, prepare, rowsWritten, type Sql, sql } from './sql';

export const BILL_TYPES = ['market_fee', 'tuition', 'hospital', 'admin_fee', 'electricity', 'water'] as const;
export type BillType = (typeof BILL_TYPES)[number];
/** What each kind of bill is called on receipts and pages. */
export const BILL_TYPE_NAMES: Record<BillType, string> = {
  market_fee: 'Phí chợ',
  tuition: 'Học phí',
  hospital: 'Viện phí',
  admin_fee: 'Lệ phí thủ tục hành chính',
  electricity: 'Tiền điện',
  water: 'Tiền nước',
};
export const BILL_STATUSES = ['open', 'paid', 'cancelled'] as const;
export type BillStatus = (typeof BILL_STATUSES)[number];
export { BILLER_KINDS } from '../domain/organization-kinds';

export interface Bill {
  id: string;
  code: string;
  type: BillType;
  billerId: string;
  billerName: string;
  payerName: string;
  payerRef: string;
  description: string;
  amount: number;
  dueDate: string;
  status: BillStatus;
  paidAt: string | null;
  paymentId: string | null;
  createdAt: string;
}

interface BillRow {
  id: string;
  code: string;
  type: BillType;
  biller_id: string;
  biller_name: string;
  payer_name: string;
  payer_ref: string;
  description: string;
  amount: number;
  due_date: string;
  status: BillStatus;
  paid_at: string | null;
  payment_id: string | null;
  created_at: string;
}

function rowToBill(row: BillRow): Bill {
  return {
    id: row.id,
    code: row.code,
    type: row.type,
    billerId: row.biller_id,
    billerName: row.biller_name,
    payerName: row.payer_name,
    payerRef: row.payer_ref,
    description: row.description,
    amount: row.amount,
    dueDate: row.due_date,
    status: row.status,
    paidAt: row.paid_at,
    paymentId: row.payment_id,
    createdAt: row.created_at,
  };
}

const BILL_COLUMNS = `b.id, b.code, b.type, b.biller_id, o.name AS biller_name, b.payer_name, b.payer_ref,
  b.description, b.amount, b.due_date, b.status, b.paid_at, b.payment_id, b.created_at`;

export async function findBillById(db: D1Database, id: string): Promise<Bill | null> {
  const row = await db
    .prepare(`SELECT ${BILL_COLUMNS} FROM bills b JOIN organizations o ON o.id = b.biller_id WHERE b.id = ?1`)
    .bind(id)
    .first<BillRow>();
  return row ? rowToBill(row) : null;
}

export async function findBillByCode(db: D1Database, code: string): Promise<Bill | null> {
  const row = await db
    .prepare(`SELECT ${BILL_COLUMNS} FROM bills b JOIN organizations o ON o.id = b.biller_id WHERE b.code = ?1`)
    .bind(code)
    .first<BillRow>();
  return row ? rowToBill(row) : null;
}

export interface NewBill {
  id: string;
  code: string;
  billerId: string;
  type: BillType;
  payerName: string;
  payerRef: string;
  description: string;
  amount: number;
  dueDate: string;
  createdBy: string;
}

/** Inserts a bill; false when its code is taken (the caller draws another). */
export async function insertBill(db: D1Database, bill: NewBill, now: string): Promise<boolean> {
  const result = await db
    .prepare(
      `INSERT INTO bills (id, code, biller_id, type, payer_name, payer_ref, description, amount, due_date, created_by, created_at, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)
       ON CONFLICT (code) DO NOTHING RETURNING id`,
    )
    .bind(
      bill.id,
      bill.code,
      bill.billerId,
      bill.type,
      bill.payerName,
      bill.payerRef,
      bill.description,
      bill.amount,
      bill.dueDate,
      bill.createdBy,
      now,
    )
    .all();
  return rowsWritten(result) === 1;
}

export interface BillQuery {
  billerId: string;
  status?: BillStatus;
  type?: BillType;
  q?: string;
  /** YYYY-MM: bills falling due in that month. */
  period?: string;
  limit: number;
  cursor?: string;
}

/** One organization's bills, newest first, searched by payer, payer reference or code. */
export async function listBills(db: D1Database, query: BillQuery): Promise<{ items: Bill[]; nextCursor: string | null }> {
  const params: unknown[] = [query.billerId];
  const where = ['b.biller_id = ?1'];
  const bind = (value: unknown) => {
    params.push(value);
    return `?${params.length}`;
  };
  if (query.status) where.push(`b.status = ${bind(query.status)}`);
  if (query.type) where.push(`b.type = ${bind(query.type)}`);
  // A bill's month is the month it falls due (a fee run's bills are due on the 10th of theirs);
  // day "32" sorts after every real day, so the range is the whole month as text.
  if (query.period) where.push(`b.due_date >= ${bind(`${query.period}-01`)} AND b.due_date < ${bind(`${query.period}-32`)}`);
  if (query.q) {
    const like = bind(`%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    where.push(`(b.payer_name LIKE ${like} ESCAPE '\\' OR b.payer_ref LIKE ${like} ESCAPE '\\' OR b.code LIKE ${like} ESCAPE '\\')`);
  }
  if (query.cursor) {
    const [createdAt, id] = decodeCursor(query.cursor);
    if (typeof createdAt !== 'string' || typeof id !== 'string') throw invalidCursor();
    const at = bind(createdAt);
    where.push(`(b.created_at < ${at} OR (b.created_at = ${at} AND b.id < ${bind(id)}))`);
  }
  const { results } = await db
    .prepare(
      `SELECT ${BILL_COLUMNS} FROM bills b JOIN organizations o ON o.id = b.biller_id
       WHERE ${where.join(' AND ')} ORDER BY b.created_at DESC, b.id DESC LIMIT ${query.limit + 1}`,
    )
    .bind(...params)
    .all<BillRow>();
  const rows = results.slice(0, query.limit);
  const last = rows.at(-1);
  return {
    items: rows.map(rowToBill),
    nextCursor: results.length > query.limit && last ? encodeCursor([last.created_at, last.id]) : null,
  };
}

/** An open bill with the account it is paid into: what a payment made on the spot for it needs. */
export interface PayableBill {
  id: string;
  amount: number;
  billerId: string;
  /** YYYY-MM-DD */
  dueDate: string;
  bankBin: string;
  accountNo: string;
  accountName: string;
}

interface PayableBillRow {
  id: string;
  amount: number;
  biller_id: string;
  due_date: string;
  bank_bin: string;
  bank_account_no: string;
  bank_account_name: string;
}

const PAYABLE_BILL = `SELECT b.id, b.amount, b.biller_id, b.due_date, o.bank_bin, o.bank_account_no, o.bank_account_name
  FROM bills b JOIN organizations o ON o.id = b.biller_id`;

const rowToPayableBill = (row: PayableBillRow): PayableBill => ({
  id: row.id,
  amount: row.amount,
  billerId: row.biller_id,
  dueDate: row.due_date,
  bankBin: row.bank_bin,
  accountNo: row.bank_account_no,
  accountName: row.bank_account_name,
});

/** The bill if it is still open, with its biller's account. */
export async function findPayableBill(db: D1Database, billId: string): Promise<PayableBill | null> {
  const row = await db.prepare(`${PAYABLE_BILL} WHERE b.id = ?1 AND b.status = 'open'`).bind(billId).first<PayableBillRow>();
  return row ? rowToPayableBill(row) : null;
}

/** A biller's open bills that nobody has started paying: targets for credits without a reference. */
export async function findUnstartedOpenBills(db: D1Database, billerId: string): Promise<PayableBill[]> {
  const { results } = await db
    .prepare(
      `${PAYABLE_BILL} WHERE b.biller_id = ?1 AND b.status = 'open'
         AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.bill_id = b.id AND p.status = 'pending')`,
    )
    .bind(billerId)
    .all<PayableBillRow>();
  return results.map(rowToPayableBill);
}

/** A bill a credit named by its code, with its biller's account and who is paying it now. */
export interface BillForCredit extends Omit<PayableBill, 'bankBin' | 'accountNo' | 'accountName'> {
  code: string;
  status: BillStatus;
  bankBin: string | null;
  accountNo: string | null;
  accountName: string | null;
  /** Its pending VietQR payment, if any. */
  pendingPaymentId: string | null;
  /** Whether a card payment (Stripe) is pending for it. */
  onOtherRail: boolean;
}

/** The bills with these codes, whatever their status: one query per 90 codes. */
export async function findBillsByCodes(db: D1Database, codes: readonly string[]): Promise<BillForCredit[]> {
  const rows = await inSlices(
    codes,
    async (slice) =>
      (
        await prepare(
          db,
          sql`SELECT b.id, b.code, b.amount, b.status, b.biller_id, b.due_date, o.bank_bin, o.bank_account_no, o.bank_account_name,
                (SELECT p.id FROM payments p WHERE p.bill_id = b.id AND p.status = 'pending' AND p.method = 'vietqr'
                  ORDER BY p.created_at, p.id LIMIT 1) AS pending_payment_id,
                EXISTS (SELECT 1 FROM payments p WHERE p.bill_id = b.id AND p.status = 'pending' AND p.method <> 'vietqr') AS on_other_rail
              FROM bills b JOIN organizations o ON o.id = b.biller_id
              WHERE b.code IN (${list(slice)})`,
        ).all<{
          id: string;
          code: string;
          amount: number;
          status: BillStatus;
          biller_id: string;
          due_date: string;
          bank_bin: string | null;
          bank_account_no: string | null;
          bank_account_name: string | null;
          pending_payment_id: string | null;
          on_other_rail: number;
        }>()
      ).results,
  );
  return rows.map((row) => ({
    id: row.id,
    code: row.code,
    amount: row.amount,
    status: row.status,
    billerId: row.biller_id,
    dueDate: row.due_date,
    bankBin: row.bank_bin,
    accountNo: row.bank_account_no,
    accountName: row.bank_account_name,
    pendingPaymentId: row.pending_payment_id,
    onOtherRail: row.on_other_rail === 1,
  }));
}

/** True while a bill is open and nobody has a payment pending for it: a payment may be made for it now. */
export const billIsUnstarted = (billId: string) =>
  sql`EXISTS (SELECT 1 FROM bills WHERE id = ${billId} AND status = 'open')
    AND NOT EXISTS (SELECT 1 FROM payments WHERE bill_id = ${billId} AND status = 'pending')`;

/** Cancels an open bill; guarded by `onlyIf` when it rides with its payment's expiry. */
export function cancelBillStatement(db: D1Database, billId: string, now: string, onlyIf?: Sql): D1PreparedStatement {
  return prepare(
    db,
    sql`UPDATE bills SET status = 'cancelled', updated_at = ${now} WHERE id = ${billId} AND status = 'open' AND ${onlyIf ?? sql`1 = 1`}
        RETURNING id`,
  );
}

/** One row of a bill file, ready to write. */
export interface NewImportedBill extends NewBill {
  importKey: string;
  payerGroup: string | null;
  payerPhone: string | null;
  /** The bill run that issued it (billing/payer-lists.ts); a file's bills have none. */
  billRunId?: string | null;
}

/**
 * Rows per INSERT: the rows travel as one JSON parameter (json_each), so D1's 100 bound
 * parameters per statement never limit a chunk, and 2,000 rows are 8 statements.
 */
export const IMPORT_CHUNK_ROWS = 250;

/** Which of these import keys a biller already has a bill for. */
export async function existingImportKeys(db: D1Database, billerId: string, keys: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const chunks: string[][] = [];
  for (let i = 0; i < keys.length; i += 500) chunks.push(keys.slice(i, i + 500));
  const results = await db.batch(
    chunks.map((chunk) =>
      prepare(
        db,
        sql`SELECT import_key FROM bills WHERE biller_id = ${billerId}
            AND import_key IN (SELECT value FROM json_each(${JSON.stringify(chunk)}))`,
      ),
    ),
  );
  for (const result of results) for (const row of result.results as Array<{ import_key: string }>) found.add(row.import_key);
  return found;
}

/**
 * Every statement that writes these bills, to run in one db.batch (all or nothing). A key
 * already present (the same file imported at the same moment) is skipped; a bill code drawn
 * twice fails the whole batch, and the caller draws new codes.
 */
export function insertImportedBillsStatements(db: D1Database, bills: readonly NewImportedBill[], now: string): D1PreparedStatement[] {
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < bills.length; i += IMPORT_CHUNK_ROWS) {
    const rows = bills
      .slice(i, i + IMPORT_CHUNK_ROWS)
      .map((b) => [
        b.id,
        b.code,
        b.billerId,
        b.type,
        b.payerName,
        b.payerRef,
        b.description,
        b.amount,
        b.dueDate,
        b.createdBy,
        b.importKey,
        b.payerGroup,
        b.payerPhone,
        b.billRunId ?? null,
      ]);
    statements.push(
      prepare(
        db,
        sql`INSERT INTO bills (id, code, biller_id, type, payer_name, payer_ref, description, amount, due_date, created_by,
              import_key, payer_group, payer_phone, bill_run_id, created_at, updated_at)
            SELECT r.value ->> 0, r.value ->> 1, r.value ->> 2, r.value ->> 3, r.value ->> 4, r.value ->> 5, r.value ->> 6,
              r.value ->> 7, r.value ->> 8, r.value ->> 9, r.value ->> 10, r.value ->> 11, r.value ->> 12, r.value ->> 13, ${now}, ${now}
            FROM json_each(${JSON.stringify(rows)}) r WHERE true
            ON CONFLICT (biller_id, import_key) WHERE import_key IS NOT NULL DO NOTHING`,
      ),
    );
  }
  return statements;
}

/** A payer's open bills at one biller, oldest due first: what a resident looking up their customer code owes. */
export async function findOpenBillsByPayerRef(db: D1Database, billerId: string, payerRef: string): Promise<Bill[]> {
  const { results } = await db
    .prepare(
      `SELECT ${BILL_COLUMNS} FROM bills b JOIN organizations o ON o.id = b.biller_id
       WHERE b.biller_id = ?1 AND b.payer_ref = ?2 AND b.status = 'open' ORDER BY b.due_date, b.id LIMIT 20`,
    )
    .bind(billerId, payerRef)
    .all<BillRow>();
  return results.map(rowToBill);
}

/** Bills to print, with the account each is paid into; only the biller's own, in the order asked. */
export async function findBillsToPrint(
  db: D1Database,
  billerId: string,
  ids: readonly string[],
): Promise<Array<Bill & { bankBin: string | null; accountNo: string | null; accountName: string | null; payerGroup: string | null }>> {
  const { results } = await db
    .prepare(
      `SELECT ${BILL_COLUMNS}, o.bank_bin, o.bank_account_no, o.bank_account_name, b.payer_group
       FROM bills b JOIN organizations o ON o.id = b.biller_id
       WHERE b.biller_id = ?1 AND b.id IN (SELECT value FROM json_each(?2))`,
    )
    .bind(billerId, JSON.stringify(ids))
    .all<
      BillRow & { bank_bin: string | null; bank_account_no: string | null; bank_account_name: string | null; payer_group: string | null }
    >();
  const byId = new Map(results.map((row) => [row.id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row
      ? [
          {
            ...rowToBill(row),
            bankBin: row.bank_bin,
            accountNo: row.bank_account_no,
            accountName: row.bank_account_name,
            payerGroup: row.payer_group,
          },
        ]
      : [];
  });
}
