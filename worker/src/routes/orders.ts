import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  countOpenOrders,
  findOrder,
  insertOrder,
  listSellerSubOrders,
  type Order,
  orderIsAwaitingPayment,
  type PricedLine,
  releaseOrderStatements,
} from '../db/orders';
import { findPendingPayment, prepareTransition } from '../db/payments';
import { findProduct, isInPublicCatalogue } from '../db/products';
import { rowsWritten } from '../db/sql';
import {
  MAX_LINES_PER_ORDER,
  MAX_OPEN_ORDERS_PER_ACCOUNT,
  MAX_OPEN_ORDERS_PER_ADDRESS,
  MAX_QUANTITY_PER_LINE,
  MAX_UNITS_PER_ORDER,
  OPEN_ORDERS_MESSAGE,
} from '../domain/order-limits';
import { constantTimeEqual, newId, newSecretToken, sha256Hex } from '../domain/tokens';
import { vietnamDate } from '../domain/vietnam-time';
import type { AppEnv } from '../env';
import { ApiError, notFound } from '../errors';
import { fulfilmentToJson, sellerSubOrderToJson } from '../fulfilment/views';
import { clientAddress } from '../middleware/client';
import { requireSellerOrganization } from '../middleware/session';
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../openapi';
import { orderPaymentTtlSeconds } from '../payments/settings';
import { hit } from '../rate-limits/hit';
import { FulfilmentFields, SellerSubOrderSchema, StatusFilter } from '../schemas/fulfilment';
import { singleLine, token } from '../schemas/text';

const ItemSchema = z.object({
  productId: z.string(),
  name: z.string(),
  unit: z.string(),
  unitPrice: z.number().int(),
  quantity: z.number().int(),
  lineTotal: z.number().int(),
});

const OrderSchema = z
  .object({
    id: z.string(),
    status: z.enum(['awaiting_payment', 'paid', 'cancelled', 'expired']),
    total: z.number().int().openapi({ description: 'Whole đồng, priced by the server' }),
    buyer: z.object({ name: z.string(), phone: z.string(), address: z.string() }),
    reservedUntil: z.string(),
    paidAt: z.string().nullable(),
    paymentId: z.string().nullable(),
    createdAt: z.string(),
    subOrders: z.array(
      z.object({
        id: z.string(),
        sellerId: z.string(),
        sellerName: z.string(),
        items: z.array(ItemSchema),
        subtotal: z.number().int(),
        ...FulfilmentFields,
      }),
    ),
  })
  .openapi('Order');

const CreatedOrderSchema = OrderSchema.extend({
  accessToken: z.string().openapi({ description: 'Keep it: it opens the order without signing in (header X-Order-Token)' }),
}).openapi('CreatedOrder');

const CreateOrderBody = z
  .strictObject({
    items: z
      .array(
        z.strictObject({
          productId: token(64),
          quantity: z.number().int().min(1).max(MAX_QUANTITY_PER_LINE, `Mỗi sản phẩm đặt tối đa ${MAX_QUANTITY_PER_LINE} một đơn`),
        }),
      )
      .min(1, 'Giỏ hàng đang trống')
      .max(MAX_LINES_PER_ORDER, `Một đơn có tối đa ${MAX_LINES_PER_ORDER} sản phẩm khác nhau`)
      .refine((items) => new Set(items.map((i) => i.productId)).size === items.length, { message: 'Mỗi sản phẩm chỉ ghi một lần' })
      .refine((items) => items.reduce((sum, item) => sum + item.quantity, 0) <= MAX_UNITS_PER_ORDER, {
        message: `Một đơn có tối đa ${MAX_UNITS_PER_ORDER} đơn vị hàng cộng lại; hãy chia thành nhiều đơn`,
      }),
    buyer: z.strictObject({
      name: singleLine(1, 100),
      phone: singleLine(1, 20).regex(/^(\+84|0)\d{9,10}$/, 'Số điện thoại Việt Nam, ví dụ 0912345678'),
      address: singleLine(5, 300),
    }),
  })
  .openapi('OrderCreate');

/** Refuses a new order while this client already holds its share of unpaid ones (their stock is reserved). */
async function refuseTooManyOpenOrders(c: Context<AppEnv>, clientKey: string, buyerUserId: string | null) {
  const open = await countOpenOrders(c.env.DB, clientKey, buyerUserId);
  const limit = buyerUserId && open.byBuyer >= MAX_OPEN_ORDERS_PER_ACCOUNT ? MAX_OPEN_ORDERS_PER_ACCOUNT : null;
  const reached = limit ?? (open.byClient >= MAX_OPEN_ORDERS_PER_ADDRESS ? MAX_OPEN_ORDERS_PER_ADDRESS : null);
  if (reached !== null) throw new ApiError(429, 'too_many_open_orders', OPEN_ORDERS_MESSAGE(reached));
}

export function orderToJson(order: Order) {
  return {
    id: order.id,
    status: order.status,
    total: order.total,
    buyer: order.buyer,
    reservedUntil: order.reservedUntil,
    paidAt: order.paidAt,
    paymentId: order.paymentId,
    createdAt: order.createdAt,
    subOrders: order.subOrders.map((sub) => ({
      id: sub.id,
      sellerId: sub.sellerId,
      sellerName: sub.sellerName,
      items: sub.items,
      subtotal: sub.subtotal,
      ...fulfilmentToJson(sub),
    })),
  };
}

/**
 * An order opens for its buyer's session or for its access token. Anyone else gets the
 * same 404 as for a missing order, so order ids reveal nothing.
 */
export async function authorizeOrder(c: Context<AppEnv>, orderId: string, token: string | undefined): Promise<Order> {
  const order = await findOrder(c.env.DB, orderId);
  const user = c.get('user');
  const byToken = order !== null && token !== undefined && constantTimeEqual(await sha256Hex(token), order.accessTokenHash);
  const bySession = order !== null && user !== null && order.buyerUserId === user.id;
  if (!order || !(byToken || bySession)) throw notFound('Order', 'order_not_found');
  return order;
}

const OrderIdParam = z.object({
  id: token(64).openapi({ param: { name: 'id', in: 'path' } }),
});
const OrderTokenHeader = z.object({ 'x-order-token': z.string().max(128).optional() });

const ORDER_STATUS_WORDS: Record<Order['status'], string> = {
  awaiting_payment: 'đang chờ thanh toán',
  paid: 'được thanh toán',
  cancelled: 'bị huỷ',
  expired: 'hết hạn',
};

const orders = createRouter();

orders.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: ['Orders'],
    summary: 'Check out a cart (sign-in optional)',
    description: 'Prices come from the catalogue, never from the client. Stock is reserved until the order is paid or its payment expires.',
    request: { body: jsonBody(CreateOrderBody) },
    responses: { 201: jsonResponse('The order, one sub-order per seller', CreatedOrderSchema), ...errorResponses(400, 409, 429) },
  }),
  async (c) => {
    const body = c.req.valid('json');
    const buyerUserId = c.get('user')?.id ?? null;
    const address = clientAddress(c);
    await hit('orderCreate', buyerUserId ?? address);
    const clientKey = await sha256Hex(`order-client:${address}`);
    await refuseTooManyOpenOrders(c, clientKey, buyerUserId);
    const now = new Date();
    const today = vietnamDate(now);
    const lines: PricedLine[] = [];
    const problems: Array<{ path: string; message: string }> = [];
    for (const [index, item] of body.items.entries()) {
      const product = await findProduct(c.env.DB, item.productId, today);
      if (!product || !isInPublicCatalogue(product)) {
        const message = product ? `${product.name}: sản phẩm này hiện không bán` : `Không có sản phẩm mã ${item.productId}`;
        problems.push({ path: `items.${index}.productId`, message });
      } else if (product.stock < item.quantity) {
        problems.push({ path: `items.${index}.quantity`, message: `${product.name}: chỉ còn ${product.stock} ${product.unit}` });
      } else {
        lines.push({
          productId: product.id,
          sellerId: product.seller.id,
          name: product.name,
          unit: product.unit,
          unitPrice: product.price,
          quantity: item.quantity,
        });
      }
    }
    if (problems.length > 0) {
      throw new ApiError(409, 'items_unavailable', `Chưa đặt được: ${problems.map((p) => p.message).join('; ')}`, problems);
    }

    const id = newId('ord');
    const accessToken = newSecretToken();
    const reservedUntil = new Date(now.getTime() + orderPaymentTtlSeconds(c.env) * 1000).toISOString();
    await insertOrder(
      c.env.DB,
      {
        id,
        accessTokenHash: await sha256Hex(accessToken),
        buyerUserId,
        clientKey,
        buyer: body.buyer,
        lines,
        reservedUntil,
      },
      now.toISOString(),
    );
    const order = (await findOrder(c.env.DB, id))!;
    c.header('Location', `/api/v1/orders/${id}`);
    return c.json({ ...orderToJson(order), accessToken }, 201);
  },
);

orders.openapi(
  createRoute({
    method: 'get',
    path: '/{id}',
    tags: ['Orders'],
    summary: 'One order, for its buyer',
    request: { params: OrderIdParam, headers: OrderTokenHeader },
    responses: { 200: jsonResponse('The order', OrderSchema), ...errorResponses(404) },
  }),
  async (c) => {
    const order = await authorizeOrder(c, c.req.valid('param').id, c.req.valid('header')['x-order-token']);
    return c.json(orderToJson(order), 200);
  },
);

orders.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/cancel',
    tags: ['Orders'],
    summary: 'Cancel an unpaid order and give its stock back',
    request: { params: OrderIdParam, headers: OrderTokenHeader },
    responses: { 200: jsonResponse('The cancelled order', OrderSchema), ...errorResponses(404, 409) },
  }),
  async (c) => {
    const order = await authorizeOrder(c, c.req.valid('param').id, c.req.valid('header')['x-order-token']);
    if (order.status !== 'awaiting_payment')
      throw new ApiError(409, `order_${order.status}`, `Đơn hàng này đã ${ORDER_STATUS_WORDS[order.status]}, không huỷ được nữa`);
    const now = new Date().toISOString();
    const pending = await findPendingPayment(c.env.DB, { orderId: order.id });
    const expire = pending
      ? prepareTransition(c.env.DB, {
          payment: pending,
          event: 'expire',
          source: 'api',
          now,
          data: { reason: 'order cancelled' },
          // Only with the order's own release below: an answer of 409 has written nothing.
          condition: orderIsAwaitingPayment(order.id),
        }).statements
      : [];
    const results = await c.env.DB.batch([...expire, ...releaseOrderStatements(c.env.DB, order.id, 'cancelled', now)]);
    if (rowsWritten(results.at(-1)) !== 1)
      throw new ApiError(409, 'conflict', 'Đơn hàng vừa thay đổi (có thể vừa được thanh toán); hãy tải lại trang');
    return c.json(orderToJson((await findOrder(c.env.DB, order.id))!), 200);
  },
);

export default orders;

/** Sellers' view: their own part of each order. */
export const sellerOrders = createRouter();

sellerOrders.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['Orders'],
    summary: "Your organization's sub-orders, newest first",
    request: { query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50), status: StatusFilter.optional() }) },
    responses: { 200: jsonResponse('Sub-orders', z.object({ items: z.array(SellerSubOrderSchema) })), ...errorResponses(401, 403) },
  }),
  async (c) => {
    const { sellerId } = requireSellerOrganization(c);
    const items = await listSellerSubOrders(c.env.DB, sellerId, c.req.valid('query'));
    return c.json({ items: items.map(sellerSubOrderToJson) }, 200);
  },
);
