import { createRoute, z } from '@hono/zod-openapi';
import { listBuyerOrders } from '../db/orders';
import { requireUser } from '../middleware/session';
import { createRouter, errorResponses, jsonResponse } from '../openapi';
import { token } from '../schemas/text';
import { UserSchema } from './auth';

const me = createRouter();

me.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['Accounts'],
    summary: 'The signed-in user',
    responses: { 200: jsonResponse('The current user', UserSchema), ...errorResponses(401) },
  }),
  (c) => c.json(requireUser(c), 200),
);

const BuyerOrderSchema = z
  .object({
    id: z.string(),
    status: z.enum(['awaiting_payment', 'paid', 'cancelled', 'expired']),
    total: z.number().int().openapi({ description: 'Whole đồng' }),
    createdAt: z.string(),
    paidAt: z.string().nullable(),
    paymentId: z.string().nullable().openapi({ description: 'The payment page is /thanh-toan/{paymentId}' }),
    sellers: z.array(z.string()),
    itemCount: z.number().int(),
  })
  .openapi('BuyerOrder');

me.openapi(
  createRoute({
    method: 'get',
    path: '/orders',
    tags: ['Accounts'],
    summary: "The signed-in shopper's own orders, newest first",
    request: {
      query: z.object({
        limit: z.coerce.number().int().min(1).max(100).default(20),
        cursor: token(512).optional().openapi({ description: 'nextCursor from the previous page' }),
      }),
    },
    responses: {
      200: jsonResponse('A page of orders', z.object({ items: z.array(BuyerOrderSchema), nextCursor: z.string().nullable() })),
      ...errorResponses(400, 401),
    },
  }),
  async (c) => {
    const user = requireUser(c);
    const { limit, cursor } = c.req.valid('query');
    return c.json(await listBuyerOrders(c.env.DB, user.id, limit, cursor), 200);
  },
);

export default me;
