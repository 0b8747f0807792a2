import { createRoute, z } from '@hono/zod-openapi';
import { listSellerProducts, SELLER_PRODUCT_FILTERS } from '../db/seller-products';
import { vietnamDate } from '../domain/vietnam-time';
import { requireSellerOrganization } from '../middleware/session';
import { createRouter, errorResponses, jsonResponse } from '../openapi';
import { ProductSchema } from '../schemas/products';
import { singleLine, token } from '../schemas/text';

const SellerProductPage = z.object({ items: z.array(ProductSchema), nextCursor: z.string().nullable() }).openapi('SellerProductPage');

/** A seller's own catalogue as the seller works on it: every status, hidden ones with the admin's reason. */
const sellerProducts = createRouter();

sellerProducts.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['Seller catalogue'],
    summary: 'Your own products, newest first: drafts, on sale, archived, and hidden by an admin (with the reason)',
    request: {
      query: z.object({
        q: singleLine(0, 100).optional(),
        status: z.enum(SELLER_PRODUCT_FILTERS).optional(),
        limit: z.coerce.number().int().min(1).max(100).default(50),
        cursor: token(512).optional(),
      }),
    },
    responses: { 200: jsonResponse('A page of your products', SellerProductPage), ...errorResponses(400, 401, 403) },
  }),
  async (c) => {
    const { sellerId } = requireSellerOrganization(c);
    return c.json(await listSellerProducts(c.env.DB, sellerId, c.req.valid('query'), vietnamDate(new Date())), 200);
  },
);

export default sellerProducts;
