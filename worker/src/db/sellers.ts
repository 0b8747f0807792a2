import { PRODUCER_KINDS, type ProducerKind } from './products';

export interface Seller {
  id: string;
  name: string;
  kind: ProducerKind;
  description: string;
  commune: string;
  province: string;
  address: string;
  phone: string;
  productCount: number;
}

interface SellerRow {
  id: string;
  name: string;
  kind: ProducerKind;
  description: string;
  commune: string;
  province: string;
  address: string;
  phone: string;
  product_count: number;
}

function rowToSeller(row: SellerRow): Seller {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    description: row.description,
    commune: row.commune,
    province: row.province,
    address: row.address,
    phone: row.phone,
    productCount: row.product_count,
  };
}

const PRODUCER_KIND_LIST = PRODUCER_KINDS.map((kind) => `'${kind}'`).join(', ');

// The count searches products_seller_status_created; the payee bank account is left out
// on purpose: a shopper never pays a producer directly.
const SELLER_COLUMNS = `o.id, o.name, o.kind, o.description, o.commune, o.province, o.address, o.phone,
  (SELECT count(*) FROM products p WHERE p.seller_id = o.id AND p.status = 'active' AND p.hidden_at IS NULL) AS product_count`;

const vietnameseOrder = new Intl.Collator('vi');

/** Every producer (cooperatives, enterprises, households), in Vietnamese alphabetical order. */
export async function listSellers(db: D1Database, commune?: string): Promise<Seller[]> {
  const statement = commune
    ? db.prepare(`SELECT ${SELLER_COLUMNS} FROM organizations o WHERE o.kind IN (${PRODUCER_KIND_LIST}) AND o.commune = ?1`).bind(commune)
    : db.prepare(`SELECT ${SELLER_COLUMNS} FROM organizations o WHERE o.kind IN (${PRODUCER_KIND_LIST})`);
  const { results } = await statement.all<SellerRow>();
  return results.map(rowToSeller).sort((a, b) => vietnameseOrder.compare(a.name, b.name));
}

/** A producer's public profile; billers (schools, markets…) are not sellers and are not found. */
export async function findSeller(db: D1Database, id: string): Promise<Seller | null> {
  const row = await db
    .prepare(`SELECT ${SELLER_COLUMNS} FROM organizations o WHERE o.id = ?1 AND o.kind IN (${PRODUCER_KIND_LIST})`)
    .bind(id)
    .first<SellerRow>();
  return row ? rowToSeller(row) : null;
}
