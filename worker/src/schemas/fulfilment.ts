import { z } from '@hono/zod-openapi';
import { CARRIER_NAMES, CARRIERS, carrierNeedsTracking } from '../domain/carriers';
import { FULFILMENT_STATUSES, SELLER_TARGETS } from '../domain/fulfilment-state';
import { singleLine } from './text';

const carrierList = CARRIERS.map((c) => `${c} (${CARRIER_NAMES[c]})`).join(', ');

/** What a seller sends to move one of its sub-orders on (POST /seller/orders/:id/status). */
export const SubOrderStatusBody = z
  .strictObject({
    status: z.enum(SELLER_TARGETS, { message: `Trạng thái mới phải là một trong: ${SELLER_TARGETS.join(', ')}` }),
    carrier: z.enum(CARRIERS, { message: `Đơn vị vận chuyển phải là một trong: ${carrierList}` }).optional(),
    trackingNumber: singleLine(1, 40)
      .regex(/^[A-Za-z0-9-]+$/, 'Mã vận đơn chỉ gồm chữ không dấu, số và dấu gạch ngang')
      .optional(),
    note: singleLine(1, 300).optional(),
  })
  .superRefine((body, ctx) => {
    if (body.status === 'shipped') {
      if (!body.carrier) ctx.addIssue({ code: 'custom', path: ['carrier'], message: `Hãy chọn đơn vị vận chuyển: ${carrierList}` });
      else if (carrierNeedsTracking(body.carrier) && !body.trackingNumber)
        ctx.addIssue({ code: 'custom', path: ['trackingNumber'], message: `Hãy nhập mã vận đơn của ${CARRIER_NAMES[body.carrier]}` });
    } else if (body.carrier || body.trackingNumber) {
      ctx.addIssue({ code: 'custom', path: ['carrier'], message: 'Đơn vị vận chuyển và mã vận đơn chỉ ghi khi giao hàng đi' });
    }
    if (body.status === 'cancelled' && !body.note)
      ctx.addIssue({ code: 'custom', path: ['note'], message: 'Hãy ghi lý do huỷ đơn để người mua biết' });
  })
  .openapi('SubOrderStatusChange');

export const StatusFilter = z.enum(FULFILMENT_STATUSES, { message: `Trạng thái lọc phải là một trong: ${FULFILMENT_STATUSES.join(', ')}` });

const ItemSchema = z.object({
  productId: z.string(),
  name: z.string(),
  unit: z.string(),
  unitPrice: z.number().int(),
  quantity: z.number().int(),
  lineTotal: z.number().int(),
});

/** Where a sub-order is on its way, as buyers and sellers see it. */
export const FulfilmentFields = {
  status: z.enum(FULFILMENT_STATUSES),
  statusLabel: z.string().openapi({ description: 'The status in Vietnamese' }),
  carrier: z.enum(CARRIERS).nullable(),
  carrierName: z.string().nullable(),
  trackingNumber: z.string().nullable(),
  shippedAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  cancelReason: z.string().nullable(),
};

export const SellerSubOrderSchema = z
  .object({
    orderId: z.string(),
    subOrderId: z.string(),
    createdAt: z.string(),
    buyer: z.object({ name: z.string(), phone: z.string(), address: z.string() }),
    items: z.array(ItemSchema),
    subtotal: z.number().int(),
    ...FulfilmentFields,
    confirmedAt: z.string().nullable(),
  })
  .openapi('SellerSubOrder');
