import { createRoute, z } from '@hono/zod-openapi';
import { BILL_STATUSES, BILL_TYPES, findOpenBillsByPayerRef } from '../db/bills';
import { findBillerOrganization, listBillerOrganizations } from '../db/organizations';
import { PAYER_REF_LABELS } from '../domain/billers';
import { formatBillCode } from '../domain/codes';
import { maskPersonName } from '../domain/masking';
import { ApiError } from '../errors';
import { createRouter, errorResponses, jsonResponse } from '../openapi';
import { countBillCodeUse } from '../payments/bill-code-limit';

const BILLER_KINDS = Object.keys(PAYER_REF_LABELS);

const BillerSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(BILLER_KINDS as [string, ...string[]]),
    commune: z.string().nullable(),
    payerRefLabel: z.string().openapi({ example: 'Mã học sinh' }),
  })
  .openapi('Biller');

const OpenBillSchema = z
  .object({
    code: z.string(),
    displayCode: z.string(),
    type: z.enum(BILL_TYPES),
    description: z.string(),
    amount: z.number().int(),
    dueDate: z.string(),
    status: z.enum(BILL_STATUSES),
    payerName: z.string().openapi({ description: 'Masked, e.g. "Nguyễn V** A**"' }),
  })
  .openapi('OpenBill');

const billerJson = (row: { id: string; name: string; kind: string; commune: string | null }) => ({
  id: row.id,
  name: row.name,
  kind: row.kind,
  commune: row.commune,
  payerRefLabel: PAYER_REF_LABELS[row.kind as keyof typeof PAYER_REF_LABELS],
});

/** Residents find who bills them and what they owe, without signing in. */
const billers = createRouter();

billers.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['Bills'],
    summary: 'Who issues bills (no sign-in): schools, hospitals, commune offices, market boards',
    responses: { 200: jsonResponse('Billers', z.object({ items: z.array(BillerSchema) })), ...errorResponses(400) },
  }),
  async (c) => c.json({ items: (await listBillerOrganizations(c.env.DB, BILLER_KINDS)).map(billerJson) }, 200),
);

billers.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/open-bills',
    tags: ['Bills'],
    summary: "A payer's open bills at one biller, by the payer's code (no sign-in)",
    description: 'Masked like the bill lookup, and counted against the same per-client allowance.',
    request: {
      params: z.object({
        id: z
          .string()
          .min(1)
          .max(64)
          .openapi({ param: { name: 'id', in: 'path' } }),
      }),
      query: z.object({ payerRef: z.string().trim().min(1).max(50).openapi({ example: 'HS-2026-0217' }) }),
    },
    responses: {
      200: jsonResponse('Open bills', z.object({ biller: BillerSchema, items: z.array(OpenBillSchema) })),
      ...errorResponses(400, 404, 429),
    },
  }),
  async (c) => {
    await countBillCodeUse(c);
    const biller = await findBillerOrganization(c.env.DB, c.req.valid('param').id, BILLER_KINDS);
    if (!biller) throw new ApiError(404, 'biller_not_found', 'Không có đơn vị thu này; hãy chọn lại trong danh sách');
    const bills = await findOpenBillsByPayerRef(c.env.DB, biller.id, c.req.valid('query').payerRef);
    const items = bills.map((bill) => ({
      code: bill.code,
      displayCode: formatBillCode(bill.code),
      type: bill.type,
      description: bill.description,
      amount: bill.amount,
      dueDate: bill.dueDate,
      status: bill.status,
      payerName: maskPersonName(bill.payerName),
    }));
    return c.json({ biller: billerJson(biller), items }, 200);
  },
);

export default billers;
