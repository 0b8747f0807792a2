import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { importPayers, startBillRun } from '../billing/payer-lists';
import {
  type BillRun,
  deactivatePayer,
  findBillRun,
  findPayer,
  listBillRuns,
  listPayerGroups,
  listPayers,
  type Payer,
  upsertPayer,
} from '../db/payer-lists';
import { isPhoneText } from '../domain/bill-import';
import { type BillerKind, isBillerKind } from '../domain/billers';
import { isIsoDate } from '../domain/ocop';
import { isPeriod, payerTemplateCsv } from '../domain/payer-list';
import { newId } from '../domain/tokens';
import { formatMonth } from '../domain/vietnam-time';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { requireBillerOrganization } from '../middleware/session';
import { requireIdempotencyKey } from '../onboarding/idempotency';
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../openapi';
import { amountField } from '../schemas/amount';
import { IdempotencyHeader } from '../schemas/onboarding';
import { singleLine, token } from '../schemas/text';

/** A biller's payer list and its bill runs. Mounted under /api/v1/bills, before the bill routes' `/{id}`. */
const payerLists = createRouter();

/** The caller's biller and its kind (which decides the kind of bill a run issues). */
function requireBiller(c: Context<AppEnv>): { userId: string; billerId: string; billerKind: BillerKind } {
  const { user, billerId } = requireBillerOrganization(c);
  const kind = user.organization!.kind;
  if (!isBillerKind(kind)) throw new ApiError(403, 'forbidden', 'Đơn vị của bạn không phát hành hoá đơn');
  return { userId: user.id, billerId, billerKind: kind };
}

export const PayerSchema = z
  .object({
    id: z.string(),
    payerRef: z.string().openapi({ example: 'HS-2026-0142' }),
    payerName: z.string().openapi({ example: 'Nguyễn Văn An' }),
    group: z.string().nullable().openapi({ example: '6A' }),
    phone: z.string().nullable(),
    amount: z.number().int().nullable().openapi({ description: 'Whole đồng each period, when a run names no amount' }),
    active: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Payer');

const payerToJson = (payer: Payer) => ({
  id: payer.id,
  payerRef: payer.payerRef,
  payerName: payer.payerName,
  group: payer.group,
  phone: payer.phone,
  amount: payer.amount,
  active: payer.active,
  createdAt: payer.createdAt,
  updatedAt: payer.updatedAt,
});

const PayerBody = z
  .strictObject({
    payerRef: singleLine(1, 50).openapi({ description: 'Student ID, patient ID, customer code…', example: 'HS-2026-0142' }),
    payerName: singleLine(1, 100).openapi({ example: 'Nguyễn Văn An' }),
    group: singleLine(1, 50).optional().openapi({ description: 'A class or any group', example: '6A' }),
    phone: singleLine(1, 15).refine(isPhoneText, 'Số điện thoại chỉ gồm 8 đến 15 chữ số').optional().openapi({ example: '0912345678' }),
    amount: amountField('Số tiền mỗi kỳ').optional().openapi({ example: 350000 }),
  })
  .openapi('PayerUpsert');

const IdParam = z.object({
  id: token(64).openapi({ param: { name: 'id', in: 'path' } }),
});

const payerNotFound = () => new ApiError(404, 'payer_not_found', 'Không tìm thấy người nộp này trong danh sách của đơn vị bạn');
const runNotFound = () => new ApiError(404, 'bill_run_not_found', 'Không tìm thấy đợt thu này trong các đợt thu của đơn vị bạn');

payerLists.openapi(
  createRoute({
    method: 'post',
    path: '/payers',
    tags: ['Bills'],
    summary: 'Add a payer to your list, or update the one with this payerRef',
    description: 'Matched on payerRef (case does not matter). A payer removed before is listed again.',
    request: { body: jsonBody(PayerBody) },
    responses: {
      201: jsonResponse('The new payer', PayerSchema),
      200: jsonResponse('The payer, updated', PayerSchema),
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => {
    const { billerId } = requireBiller(c);
    const body = c.req.valid('json');
    const { payer, created } = await upsertPayer(
      c.env.DB,
      billerId,
      {
        id: newId('pyr'),
        payerRef: body.payerRef,
        payerName: body.payerName,
        group: body.group ?? null,
        phone: body.phone?.replace(/[ .]/g, '') ?? null,
        amount: body.amount ?? null,
      },
      new Date().toISOString(),
    );
    return c.json(payerToJson(payer), created ? 201 : 200);
  },
);

payerLists.openapi(
  createRoute({
    method: 'get',
    path: '/payers',
    tags: ['Bills'],
    summary: 'Your payers by reference, searched by name or reference, a page at a time',
    request: {
      query: z.object({
        q: singleLine(1, 100).optional().openapi({ description: 'Part of a name or a reference' }),
        group: singleLine(1, 50).optional(),
        status: z.enum(['active', 'inactive']).default('active'),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        cursor: token(512).optional(),
      }),
    },
    responses: {
      200: jsonResponse(
        'A page of payers',
        z.object({ items: z.array(PayerSchema), groups: z.array(z.string()), nextCursor: z.string().nullable() }),
      ),
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => {
    const { billerId } = requireBiller(c);
    const query = c.req.valid('query');
    const [page, groups] = await Promise.all([
      listPayers(c.env.DB, { ...query, billerId, active: query.status === 'active' }),
      listPayerGroups(c.env.DB, billerId),
    ]);
    return c.json({ items: page.items.map(payerToJson), groups, nextCursor: page.nextCursor }, 200);
  },
);

payerLists.openapi(
  createRoute({
    method: 'get',
    path: '/payers/template.csv',
    tags: ['Bills'],
    summary: 'The template for a file of payers (CSV, opens in Excel)',
    responses: { 200: { description: 'The template', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses(401, 403) },
  }),
  async (c) => {
    requireBiller(c);
    return c.body(payerTemplateCsv(), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': 'attachment; filename="mau-nguoi-nop.csv"',
    });
  },
);

payerLists.openapi(
  createRoute({
    method: 'post',
    path: '/payers/import',
    tags: ['Bills'],
    summary: 'Add or update payers from a file (CSV or .xlsx), all or nothing',
    description:
      'multipart/form-data `file`: one payer per row with payerRef and payerName, and optionally class, phone and amount ' +
      '(or the Vietnamese headers Mã học sinh, Họ tên, Lớp, Số điện thoại, Số tiền). Any wrong row refuses the whole file, ' +
      'with each row number and reason. A payerRef already listed is updated. At most 2,000 rows and 2 MB.',
    request: {
      body: {
        required: true,
        content: { 'multipart/form-data': { schema: z.object({ file: z.any().openapi({ type: 'string', format: 'binary' }) }) } },
      },
    },
    responses: {
      201: jsonResponse('What the import did', z.object({ rows: z.number().int(), created: z.number().int(), updated: z.number().int() })),
      ...errorResponses(400, 401, 403, 413),
    },
  }),
  async (c) => {
    const { billerId } = requireBiller(c);
    const { file } = c.req.valid('form') as { file?: unknown };
    if (!(file instanceof File)) {
      throw new ApiError(400, 'validation_failed', 'Hãy đính kèm tệp danh sách người nộp (trường `file`, CSV hoặc Excel .xlsx)', [
        { path: 'file', message: 'Bắt buộc: tệp CSV hoặc .xlsx' },
      ]);
    }
    return c.json(await importPayers(c.env.DB, { file, billerId, now: new Date().toISOString() }), 201);
  },
);

payerLists.openapi(
  createRoute({
    method: 'delete',
    path: '/payers/{id}',
    tags: ['Bills'],
    summary: 'Remove a payer from your list',
    description: 'The payer is kept (inactive) with their bills, and no run bills them again until they are added again.',
    request: { params: IdParam },
    responses: { 200: jsonResponse('The payer, now inactive', PayerSchema), ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const { billerId } = requireBiller(c);
    const { id } = c.req.valid('param');
    if (!(await deactivatePayer(c.env.DB, billerId, id, new Date().toISOString()))) throw payerNotFound();
    return c.json(payerToJson((await findPayer(c.env.DB, billerId, id))!), 200);
  },
);

export const BillRunSchema = z
  .object({
    id: z.string(),
    period: z.string().openapi({ example: '2026-12' }),
    periodLabel: z.string().openapi({ example: 'tháng 12/2026' }),
    group: z.string().nullable().openapi({ description: 'The one group billed, or null for every payer' }),
    description: z.string(),
    dueDate: z.string(),
    amount: z.number().int().nullable().openapi({ description: 'One amount for everyone, or null: each payer their own' }),
    billsIssued: z.number().int().openapi({ description: 'Bills of the run, not counting cancelled ones' }),
    billsPaid: z.number().int(),
    billsCancelled: z.number().int(),
    amountIssued: z.number().int(),
    amountPaid: z.number().int(),
    collectionRate: z.number().openapi({ description: 'Paid bills over issued bills, 0..1' }),
    createdAt: z.string(),
  })
  .openapi('BillRun');

const runToJson = (run: BillRun) => ({
  id: run.id,
  period: run.period,
  periodLabel: formatMonth(run.period),
  group: run.group,
  description: run.description,
  dueDate: run.dueDate,
  amount: run.amount,
  billsIssued: run.billsIssued,
  billsPaid: run.billsPaid,
  billsCancelled: run.billsCancelled,
  amountIssued: run.amountIssued,
  amountPaid: run.amountPaid,
  collectionRate: run.billsIssued === 0 ? 0 : run.billsPaid / run.billsIssued,
  createdAt: run.createdAt,
});

const BillRunBody = z
  .strictObject({
    period: z.string().refine(isPeriod, 'Tháng phải viết theo dạng YYYY-MM, ví dụ 2026-12').openapi({ example: '2026-12' }),
    description: singleLine(1, 200).openapi({ example: 'Học phí tháng 12/2026' }),
    dueDate: z
      .string()
      .refine(isIsoDate, { message: 'Hạn nộp phải là một ngày có thật, viết theo dạng YYYY-MM-DD' })
      .openapi({ example: '2026-12-15' }),
    amount: amountField('Số tiền mỗi hoá đơn')
      .optional()
      .openapi({ description: "One amount for everyone; without it each payer's own amount" }),
    group: singleLine(1, 50).optional().openapi({ description: 'Only the payers of this group (a class)', example: '6A' }),
  })
  .openapi('BillRunCreate');

payerLists.openapi(
  createRoute({
    method: 'post',
    path: '/runs',
    tags: ['Bills'],
    summary: 'Bill each active payer once for a month',
    description:
      'One bill per active payer (of one group, or all). A payer already billed for the month (by this run or a run of their ' +
      'group) is not billed again, so running the same month again creates nothing and answers the same run. Needs an ' +
      'Idempotency-Key header: the same key and body answer the same run, another body 409. A payer without an amount, when ' +
      'the run names none, refuses the whole run (nothing is written).',
    request: { headers: IdempotencyHeader, body: jsonBody(BillRunBody) },
    responses: {
      201: jsonResponse('The new run', BillRunSchema),
      200: jsonResponse('The run of this month started before', BillRunSchema),
      ...errorResponses(400, 401, 403, 409),
    },
  }),
  async (c) => {
    const caller = requireBiller(c);
    const idempotencyKey = requireIdempotencyKey(c.req.valid('header')['idempotency-key']);
    const { run, created } = await startBillRun(c.env.DB, c.req.valid('json'), {
      ...caller,
      idempotencyKey,
      now: new Date().toISOString(),
    });
    if (created) c.header('Location', `/api/v1/bills/runs/${run.id}`);
    return c.json(runToJson(run), created ? 201 : 200);
  },
);

payerLists.openapi(
  createRoute({
    method: 'get',
    path: '/runs',
    tags: ['Bills'],
    summary: 'Your bill runs, newest first, with what each has collected',
    request: {
      query: z.object({
        limit: z.coerce.number().int().min(1).max(100).default(24),
        cursor: token(512).optional(),
      }),
    },
    responses: {
      200: jsonResponse('A page of runs', z.object({ items: z.array(BillRunSchema), nextCursor: z.string().nullable() })),
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => {
    const { billerId } = requireBiller(c);
    const page = await listBillRuns(c.env.DB, { ...c.req.valid('query'), billerId });
    return c.json({ items: page.items.map(runToJson), nextCursor: page.nextCursor }, 200);
  },
);

payerLists.openapi(
  createRoute({
    method: 'get',
    path: '/runs/{id}',
    tags: ['Bills'],
    summary: 'One of your bill runs, with what it has collected',
    request: { params: IdParam },
    responses: { 200: jsonResponse('The run', BillRunSchema), ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const { billerId } = requireBiller(c);
    const run = await findBillRun(c.env.DB, billerId, c.req.valid('param').id);
    // Another organization's run answers exactly like a missing one.
    if (!run) throw runNotFound();
    return c.json(runToJson(run), 200);
  },
);

export default payerLists;
