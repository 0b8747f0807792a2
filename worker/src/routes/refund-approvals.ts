import { createRoute, z } from '@hono/zod-openapi';
import { listRefundsAwaitingAction } from '../db/refund-approvals';
import { findRefund } from '../db/refunds';
import { ApiError } from '../errors';
import { requireReconciler } from '../middleware/session';
import { createRouter, errorResponses, jsonResponse } from '../openapi';
import { actOnRefund } from '../payments/refunds';

/**
 * The second person's queue: every bank-transfer refund of the organization that waits
 * for approval or for the transfer, whether it refunds a payment or exception money, with
 * one action endpoint for both. The rule that the requester cannot approve is in
 * payments/refunds.ts; `mayApprove` only lets the page say so before anyone tries.
 */
const RefundApprovalSchema = z
  .object({
    id: z.string(),
    paymentId: z.string().nullable(),
    exceptionId: z.string().nullable(),
    paymentReference: z.string().nullable(),
    paidFor: z
      .union([z.object({ billCode: z.string(), description: z.string(), payerName: z.string() }), z.object({ orderId: z.string() })])
      .nullable()
      .openapi({ description: 'What the refunded payment paid for: a bill or an order; null for exception money' }),
    amount: z.number().int(),
    reason: z.string(),
    status: z.enum(['awaiting_approval', 'approved']),
    requestedByName: z.string().nullable(),
    approvedByName: z.string().nullable(),
    requestedByMe: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('RefundApproval');

const approvals = createRouter();

approvals.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['Refunds'],
    summary: 'Bank-transfer refunds waiting for a second person’s approval or for the transfer',
    responses: { 200: jsonResponse('Refunds', z.object({ items: z.array(RefundApprovalSchema) })), ...errorResponses(401, 403) },
  }),
  async (c) => {
    const { user, organizationId } = requireReconciler(c);
    const items = await listRefundsAwaitingAction(c.env.DB, organizationId);
    return c.json({ items: items.map(({ requestedBy, ...refund }) => ({ ...refund, requestedByMe: requestedBy === user.id })) }, 200);
  },
);

approvals.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/{action}',
    tags: ['Refunds'],
    summary: 'Approve or reject (not the person who asked), or mark the transfer sent',
    request: {
      params: z.object({
        id: z
          .string()
          .min(1)
          .max(64)
          .openapi({ param: { name: 'id', in: 'path' } }),
        action: z.enum(['approve', 'reject', 'sent']).openapi({ param: { name: 'action', in: 'path' } }),
      }),
    },
    responses: {
      200: jsonResponse('The refund', z.object({ id: z.string(), status: z.string() })),
      ...errorResponses(401, 403, 404, 409),
    },
  }),
  async (c) => {
    const { user, organizationId } = requireReconciler(c);
    const { id, action } = c.req.valid('param');
    const refund = await findRefund(c.env.DB, id);
    if (refund?.method !== 'vietqr' || (organizationId !== undefined && refund.organizationId !== organizationId))
      throw new ApiError(404, 'refund_not_found', 'Không tìm thấy lệnh hoàn tiền này trong đơn vị bạn');
    const changed = await actOnRefund(c.env.DB, refund, action, user, new Date().toISOString());
    return c.json({ id: changed.id, status: changed.status }, 200);
  },
);

export default approvals;
