import { createRoute, z } from '@hono/zod-openapi';
import { listSellerSubOrders } from '../db/orders';
import { findSubOrder } from '../db/sub-orders';
import { notFound } from '../errors';
import { changeSubOrderStatus } from '../fulfilment/status';
import { sellerSubOrderToJson } from '../fulfilment/views';
import { requireSellerOrganization } from '../middleware/session';
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../openapi';
import { SellerSubOrderSchema, SubOrderStatusBody } from '../schemas/fulfilment';
import { token } from '../schemas/text';

/** A seller moves its own sub-orders on: confirm, ship, deliver, cancel (mounted under /seller/orders). */
const fulfilment = createRouter();

const SubOrderIdParam = z.object({
  subOrderId: token(80).openapi({ param: { name: 'subOrderId', in: 'path' } }),
});

fulfilment.openapi(
  createRoute({
    method: 'post',
    path: '/{subOrderId}/status',
    tags: ['Orders'],
    summary: 'Move your sub-order on: confirmed, shipped, delivered or cancelled',
    description:
      'Only the sub-order\'s own seller (anyone else: 404). "shipped" takes a carrier and a tracking number (own delivery, "tu_giao", may omit it). ' +
      '"cancelled" takes a reason (note) and is allowed only before shipping; a paid sub-order is refunded to the buyer (a partial Stripe refund at once, ' +
      'or a bank transfer back that a second person approves) and its stock comes back. A move the table does not allow answers 409.',
    request: { params: SubOrderIdParam, body: jsonBody(SubOrderStatusBody) },
    responses: { 200: jsonResponse('The sub-order after the change', SellerSubOrderSchema), ...errorResponses(400, 401, 403, 404, 409) },
  }),
  async (c) => {
    const { user, sellerId } = requireSellerOrganization(c);
    const { subOrderId } = c.req.valid('param');
    const subOrder = await findSubOrder(c.env.DB, subOrderId);
    // Another seller's sub-order answers as a missing one, so ids reveal nothing.
    if (!subOrder || subOrder.sellerId !== sellerId) throw notFound('Sub-order', 'sub_order_not_found');
    await changeSubOrderStatus(c.env.DB, c.env, subOrder, c.req.valid('json'), user, new Date().toISOString());
    const [after] = await listSellerSubOrders(c.env.DB, sellerId, { limit: 1, subOrderId });
    return c.json(sellerSubOrderToJson(after!), 200);
  },
);

fulfilment.openapi(
  createRoute({
    method: 'get',
    path: '/{subOrderId}',
    tags: ['Orders'],
    summary: 'One of your sub-orders, with the buyer to ship to (for the packing slip)',
    request: { params: SubOrderIdParam },
    responses: { 200: jsonResponse('The sub-order', SellerSubOrderSchema), ...errorResponses(401, 403, 404) },
  }),
  async (c) => {
    const { sellerId } = requireSellerOrganization(c);
    const [sub] = await listSellerSubOrders(c.env.DB, sellerId, { limit: 1, subOrderId: c.req.valid('param').subOrderId });
    if (!sub) throw notFound('Sub-order', 'sub_order_not_found');
    return c.json(sellerSubOrderToJson(sub), 200);
  },
);

export default fulfilment;
