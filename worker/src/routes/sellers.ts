import { createRoute, z } from '@hono/zod-openapi';
import { PRODUCER_KINDS } from '../db/products';
import { findSeller, listSellers } from '../db/sellers';
import { notFound } from '../errors';
import { createRouter, errorResponses, jsonResponse } from '../openapi';
import { singleLine, token } from '../schemas/text';

const SellerSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(PRODUCER_KINDS),
    description: z.string(),
    commune: z.string(),
    province: z.string(),
    address: z.string(),
    phone: z.string(),
    productCount: z.number().int().openapi({ description: 'Active products; list them with GET /products?sellerId=' }),
  })
  .openapi('Seller');

const sellers = createRouter();

sellers.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['Catalogue'],
    summary: 'Producers: cooperatives, enterprises and households',
    request: { query: z.object({ commune: singleLine(1, 100).optional() }) },
    responses: { 200: jsonResponse('Every producer', z.object({ items: z.array(SellerSchema) })), ...errorResponses(400) },
  }),
  async (c) => {
    const { commune } = c.req.valid('query');
    return c.json({ items: await listSellers(c.env.DB, commune) }, 200);
  },
);

sellers.openapi(
  createRoute({
    method: 'get',
    path: '/{id}',
    tags: ['Catalogue'],
    summary: "A producer's profile",
    request: {
      params: z.object({
        id: token(64).openapi({ param: { name: 'id', in: 'path' } }),
      }),
    },
    responses: { 200: jsonResponse('The producer', SellerSchema), ...errorResponses(404) },
  }),
  async (c) => {
    const seller = await findSeller(c.env.DB, c.req.valid('param').id);
    if (!seller) throw notFound('Seller', 'seller_not_found');
    return c.json(seller, 200);
  },
);

export default sellers;
