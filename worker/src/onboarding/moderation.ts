/** An admin takes a product out of the public catalogue, with a reason its seller sees, and back. */
import { findProduct, type Product } from '../db/products';
import { moderateProduct } from '../db/seller-products';
import { vietnamDate } from '../domain/vietnam-time';
import { ApiError, notFound } from '../errors';

export async function setProductHidden(
  db: D1Database,
  productId: string,
  hide: { reason: string } | null,
  adminId: string,
  now: Date,
): Promise<Product> {
  const today = vietnamDate(now);
  const product = await findProduct(db, productId, today);
  if (!product) throw notFound('Product', 'product_not_found');
  const changed = await moderateProduct(db, productId, hide ? 'hide' : 'unhide', hide?.reason ?? null, adminId, now.toISOString());
  if (!changed) {
    throw hide
      ? new ApiError(409, 'product_already_hidden', `Sản phẩm “${product.name}” đang bị ẩn rồi`)
      : new ApiError(409, 'product_not_hidden', `Sản phẩm “${product.name}” không bị ẩn`);
  }
  return (await findProduct(db, productId, today))!;
}
