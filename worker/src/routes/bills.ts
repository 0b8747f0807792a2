import { createRoute, z } from '@hono/zod-openapi';
import { findBillHistory } from '../db/bill-history';
import { BILL_STATUSES, BILL_TYPES, type Bill, findBillByCode, findBillById, insertBill, listBills } from '../db/bills';
import { formatBillCode, newBillCode, normalizeBillCode } from '../domain/codes';
import { maskPersonName } from '../domain/masking';
import { isIsoDate } from '../domain/ocop';
import { PAYMENT_STATUSES } from '../domain/payment-state';
import { REFUND_STATUSES } from '../domain/refund-state';
import { newId } from '../domain/tokens';
import { ApiError } from '../errors';
import { requireBillerOrganization } from '../middleware/session';
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../openapi';
import { countBillCodeUse } from '../payments/bill-code-limit';
import { cancelBill } from '../payments/cancel-bill';
import { amountField } from '../schemas/amount';

const BillSchema = z
  .object({
    id: z.string(),
    code: z.string().openapi({ example: '7KQM2X9PA4' }),
    displayCode: z.string().openapi({ example: '7KQM2-X9PA4' }),
    type: z.enum(BILL_TYPES),
    biller: z.object({ id: z.string(), name: z.string() }),
    payerName: z.string(),
    payerRef: z.string(),
    description: z.string(),
    amount: z.number().int().openapi({ description: 'Whole đồng' }),
    dueDate: z.string(),
    status: z.enum(BILL_STATUSES),
    paidAt: z.string().nullable(),
    paymentId: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Bill');

/** A bill as the API answers it, for the pages that read it. */
export type BillJson = z.infer<typeof BillSchema>;

const PublicBillSchema = z
  .object({
    code: z.string(),
    type: z.enum(BILL_TYPES),
    biller: z.object({ name: z.string() }),
    description: z.string(),
    amount: z.number().int(),
    dueDate: z.string(),
    status: z.enum(BILL_STATUSES),
    payerName: z.string().openapi({ description: 'Masked, e.g. "Nguyễn V** A**"' }),
    receiptUrl: z
      .string()
      .nullable()
      .openapi({ description: 'Once paid, the receipt (masked like this answer); null before', example: '/api/v1/payments/pay_…/receipt' }),
  })
  .openapi('PublicBill');

function billToJson(bill: Bill) {
  return {
    id: bill.id,
    code: bill.code,
    displayCode: formatBillCode(bill.code),
    type: bill.type,
    biller: { id: bill.billerId, name: bill.billerName },
    payerName: bill.payerName,
    payerRef: bill.payerRef,
    description: bill.description,
    amount: bill.amount,
    dueDate: bill.dueDate,
    status: bill.status,
    paidAt: bill.paidAt,
    paymentId: bill.paymentId,
    createdAt: bill.createdAt,
  };
}

/** Only what a payer needs, with the payer's name masked. */
function billToPublicJson(bill: Bill) {
  return {
    code: bill.code,
    type: bill.type,
    biller: { name: bill.billerName },
    description: bill.description,
    amount: bill.amount,
    dueDate: bill.dueDate,
    status: bill.status,
    payerName: maskPersonName(bill.payerName),
    // Whoever holds the paper can come back for proof of payment; the receipt shows no more
    // than this answer does.
    receiptUrl: bill.status === 'paid' && bill.paymentId ? `/api/v1/payments/${bill.paymentId}/receipt` : null,
  };
}

const CreateBillBody = z
  .strictObject({
    type: z.enum(BILL_TYPES),
    payerName: z.string().trim().min(1).max(100).openapi({ example: 'Nguyễn Văn An' }),
    payerRef: z
      .string()
      .trim()
      .min(1)
      .max(50)
      .openapi({ description: 'Student ID, patient ID, stall code or dossier number', example: 'HS-2026-0142' }),
    description: z.string().trim().min(1).max(200).openapi({ example: 'Học phí tháng 12/2026' }),
    amount: amountField('Số tiền của hoá đơn').openapi({ example: 350000 }),
    dueDate: z
      .string()
      .refine(isIsoDate, { message: 'Hạn nộp phải là một ngày có thật, viết theo dạng YYYY-MM-DD' })
      .openapi({ example: '2026-12-15' }),
  })
  .openapi('BillCreate');

const BillIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

const billNotFound = () =>
  new ApiError(404, 'bill_not_found', 'Không tìm thấy hoá đơn với mã này; kiểm tra lại mã in trên giấy báo', [
    { path: 'code', message: 'Không có hoá đơn nào mang mã này' },
  ]);

const bills = createRouter();

bills.openapi(
  createRoute({
    method: 'get',
    path: '/lookup/{code}',
    tags: ['Bills'],
    summary: 'Look up a bill by its code (no sign-in)',
    description: 'Shows only what the payer needs, with the name masked. Rate-limited per client.',
    request: {
      params: z.object({
        code: z
          .string()
          .max(40)
          .openapi({ param: { name: 'code', in: 'path' }, example: '7KQM2-X9PA4' }),
      }),
    },
    responses: { 200: jsonResponse('The bill', PublicBillSchema), ...errorResponses(404, 429) },
  }),
  async (c) => {
    await countBillCodeUse(c);
    const code = normalizeBillCode(c.req.valid('param').code);
    const bill = code ? await findBillByCode(c.env.DB, code) : null;
    if (!bill) throw billNotFound();
    return c.json(billToPublicJson(bill), 200);
  },
);

bills.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: ['Bills'],
    summary: 'Issue a bill for your organization',
    request: { body: jsonBody(CreateBillBody) },
    responses: { 201: jsonResponse('The new bill with its code', BillSchema), ...errorResponses(400, 401, 403) },
  }),
  async (c) => {
    const { user, billerId } = requireBillerOrganization(c);
    const body = c.req.valid('json');
    const id = newId('bil');
    const now = new Date().toISOString();
    // 31^9 codes: a collision is rare, but a taken code is simply drawn again.
    for (let attempt = 0; attempt < 5; attempt++) {
      if (await insertBill(c.env.DB, { ...body, id, code: newBillCode(), billerId, createdBy: user.id }, now)) {
        c.header('Location', `/api/v1/bills/${id}`);
        return c.json(billToJson((await findBillById(c.env.DB, id))!), 201);
      }
    }
    throw new ApiError(409, 'conflict', 'Chưa tạo được mã hoá đơn mới; hãy thử lại');
  },
);

bills.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['Bills'],
    summary: "Your organization's bills, newest first",
    request: {
      query: z.object({
        status: z.enum(BILL_STATUSES).optional(),
        type: z.enum(BILL_TYPES).optional(),
        q: z.string().trim().min(1).max(100).optional().openapi({ description: 'Payer name, payer reference or bill code' }),
        period: z
          .string()
          .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Tháng viết dạng YYYY-MM, ví dụ 2026-12')
          .optional()
          .openapi({ description: 'Bills falling due in this month (YYYY-MM)', example: '2026-12' }),
        limit: z.coerce.number().int().min(1).max(100).default(50),
        cursor: z.string().max(512).optional(),
      }),
    },
    responses: {
      200: jsonResponse('A page of bills', z.object({ items: z.array(BillSchema), nextCursor: z.string().nullable() })),
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => {
    const { billerId } = requireBillerOrganization(c);
    const query = c.req.valid('query');
    const code = query.q ? normalizeBillCode(query.q) : null;
    const page = await listBills(c.env.DB, { ...query, q: code ?? query.q, billerId });
    return c.json({ items: page.items.map(billToJson), nextCursor: page.nextCursor }, 200);
  },
);

bills.openapi(
  createRoute({
    method: 'get',
    path: '/{id}',
    tags: ['Bills'],
    summary: 'One of your bills',
    request: { params: BillIdParam },
    responses: { 200: jsonResponse('The bill', BillSchema), ...errorResponses(401, 403, 404) },
  }),
  async (c) => {
    const { billerId } = requireBillerOrganization(c);
    const bill = await findBillById(c.env.DB, c.req.valid('param').id);
    // Another organization's bill answers exactly like a missing one.
    if (!bill || bill.billerId !== billerId) throw billNotFound();
    return c.json(billToJson(bill), 200);
  },
);

const BillHistorySchema = z
  .object({
    payments: z.array(
      z.object({
        id: z.string(),
        reference: z.string(),
        method: z.enum(['vietqr', 'stripe']),
        status: z.enum(PAYMENT_STATUSES),
        amount: z.number().int(),
        amountRefunded: z.number().int(),
        createdAt: z.string(),
        paidAt: z.string().nullable(),
      }),
    ),
    refunds: z.array(
      z.object({
        id: z.string(),
        paymentId: z.string(),
        amount: z.number().int(),
        reason: z.string(),
        method: z.enum(['vietqr', 'stripe']),
        status: z.enum(REFUND_STATUSES),
        createdAt: z.string(),
      }),
    ),
  })
  .openapi('BillHistory');

bills.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/payments',
    tags: ['Bills'],
    summary: "One of your bills' payments (every one tried, paid or not) and their refunds",
    request: { params: BillIdParam },
    responses: { 200: jsonResponse('Payments and refunds, oldest first', BillHistorySchema), ...errorResponses(401, 403, 404) },
  }),
  async (c) => {
    const { billerId } = requireBillerOrganization(c);
    const bill = await findBillById(c.env.DB, c.req.valid('param').id);
    if (!bill || bill.billerId !== billerId) throw billNotFound();
    c.header('Cache-Control', 'private, no-store');
    return c.json(await findBillHistory(c.env.DB, bill.id), 200);
  },
);

bills.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/cancel',
    tags: ['Bills'],
    summary: 'Cancel an open bill',
    description: 'An open payment for it expires at once; money that still arrives becomes an exception to resolve.',
    request: { params: BillIdParam },
    responses: { 200: jsonResponse('The cancelled bill', BillSchema), ...errorResponses(401, 403, 404, 409) },
  }),
  async (c) => {
    const { billerId } = requireBillerOrganization(c);
    const bill = await findBillById(c.env.DB, c.req.valid('param').id);
    if (!bill || bill.billerId !== billerId) throw billNotFound();
    if (bill.status !== 'open')
      throw new ApiError(409, `bill_${bill.status}`, bill.status === 'paid' ? 'Hoá đơn này đã được thanh toán' : 'Hoá đơn này đã bị huỷ');
    await cancelBill(c.env.DB, bill.id, new Date().toISOString());
    return c.json(billToJson((await findBillById(c.env.DB, bill.id))!), 200);
  },
);

export default bills;
