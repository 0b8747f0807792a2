import type { CategorySlug, ProducerKind } from './products';

export interface OcopProductRecord {
  id: string;
  name: string;
  group: CategorySlug;
  stars: 3 | 4 | 5;
  certificateNo: string;
  issuedAt: string;
  expiresAt: string;
  producerName: string;
  producerKind: ProducerKind;
  commune: string | null;
  province: string | null;
  price: number;
  unit: string;
  updatedAt: string;
}

/**
 * Every active product with an OCOP certificate, with public producer fields only: the
 * columns are named one by one, so no phone, bank account or buyer field can slip in.
 * Searched through the (status, ocop_stars) index.
 */
export async function listOcopProductRecords(db: D1Database): Promise<OcopProductRecord[]> {
  const { results } = await db
    .prepare(
      `SELECT p.id, p.name, p.category AS "group", p.ocop_stars AS stars, p.ocop_certificate_no AS certificateNo,
         p.ocop_issued_at AS issuedAt, p.ocop_expires_at AS expiresAt, o.name AS producerName, o.kind AS producerKind,
         o.commune, o.province, p.price, p.unit, p.updated_at AS updatedAt
       FROM products p JOIN organizations o ON o.id = p.seller_id
       WHERE p.status = 'active' AND p.hidden_at IS NULL AND p.ocop_stars IS NOT NULL
       ORDER BY p.ocop_stars DESC, p.id`,
    )
    .all<OcopProductRecord>();
  return results;
}
