import { createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { decodeCursor, encodeCursor, invalidCursor } from '../db/cursor';
import { findException, listExceptions } from '../db/exceptions';
import { findRefund, listExceptionRefunds, type Refund } from '../db/refunds';
import { findStatement, listStatementLines } from '../db/statements';
import { formatBillCode } from '../domain/codes';
import { EXCEPTION_TYPES, type ExceptionType } from '../domain/exception-types';
import { isIsoDate } from '../domain/ocop';
import { ApiError } from '../errors';
import { requireReconciler } from '../middleware/session';
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../openapi';
import { stripeClient } from '../payments/providers';
import { actOnRefund } from '../payments/refunds';
import { stripeSettings } from '../payments/settings';
import { reconcilableAccount } from '../reconciliation/accounts';
import { closeDay, readDay } from '../reconciliation/days';
import { canHandle, resolveException } from '../reconciliation/exceptions';
import { checkStripePayout } from '../reconciliation/payouts';
import { queueStatement } from '../reconciliation/statement-queue';
import {
  importStatement,
  inlineStatementLines,
  readStatementFile,
  STATEMENT_LIMITS,
  statementTooLarge,
  statementUpload,
} from '../reconciliation/statements';

const ExceptionSchema = z
  .object({
    id: z.string(),
    type: z.enum(EXCEPTION_TYPES),
    status: z.enum(['open', 'resolved']),
    organizationId: z.string().nullable(),
    amount: z.number().int(),
    expectedAmount: z.number().int().nullable(),
    paymentId: z.string().nullable(),
    accountNumber: z.string().nullable(),
    bookedDate: z.string().nullable(),
    bankCredit: z
      .object({ id: z.string(), transactionId: z.string(), description: z.string(), bookedAt: z.string(), source: z.string() })
      .nullable(),
    stripeEventId: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
    resolution: z
      .object({
        action: z.string(),
        note: z.string(),
        paymentId: z.string().nullable(),
        refundId: z.string().nullable(),
        resolvedBy: z.string(),
        resolvedAt: z.string(),
      })
      .nullable(),
  })
  .openapi('PaymentException');

const ResolveBody = z
  .discriminatedUnion('action', [
    z.strictObject({
      action: z.literal('match'),
      paymentId: z.string().min(1).max(64).optional(),
      billCode: z.string().min(1).max(40).optional(),
      acceptDifference: z.boolean().optional(),
      note: z.string().trim().max(500).optional(),
    }),
    z.strictObject({ action: z.literal('refund'), note: z.string().trim().max(500).optional() }),
    z.strictObject({
      action: z.literal('dismiss'),
      note: z.string().trim().min(3, 'Hãy ghi lý do bỏ qua (ít nhất 3 ký tự)').max(500, 'Ghi chú tối đa 500 ký tự'),
    }),
  ])
  .refine((body) => body.action !== 'match' || (body.paymentId === undefined) !== (body.billCode === undefined), {
    message: 'Hãy ghi một trong hai: mã khoản thanh toán (paymentId) hoặc mã hoá đơn (billCode)',
    path: ['paymentId'],
  })
  .openapi('ExceptionResolve');

/** A calendar day in a path: the pattern bounds it in the document, the refine checks the date is real. */
const DayParam = z.object({
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Ngày viết theo dạng YYYY-MM-DD, ví dụ 2026-11-30')
    .refine(isIsoDate, 'Ngày viết theo dạng YYYY-MM-DD, ví dụ 2026-11-30')
    .openapi({ param: { name: 'date', in: 'path' }, example: '2026-11-30' }),
});

const StatementSummarySchema = z.object({
  statementId: z.string(),
  lines: z.number().int(),
  credits: z.number().int(),
  matched: z.number().int(),
  alreadyConfirmed: z.number().int(),
  exceptions: z.record(z.string(), z.number().int()),
});

const StatementProgressSchema = z
  .object({
    statementId: z.string(),
    status: z.enum(['processing', 'done', 'failed']),
    lines: z.number().int(),
    processed: z.number().int(),
    summary: StatementSummarySchema.nullable(),
    failureReason: z.string().nullable().optional(),
  })
  .openapi('StatementProgress');

const statementProgress = (row: NonNullable<Awaited<ReturnType<typeof findStatement>>>) => ({
  statementId: row.id,
  status: row.status,
  lines: row.lines,
  processed: row.processed,
  summary: row.status === 'done' ? (JSON.parse(row.summary) as z.infer<typeof StatementSummarySchema>) : null,
  failureReason: row.failure_reason,
});

const reconciliation = createRouter();

reconciliation.use(
  '/statements',
  bodyLimit({
    maxSize: STATEMENT_LIMITS.bytes,
    onError: () => {
      throw statementTooLarge();
    },
  }),
);

reconciliation.use('/*', async (c, next) => {
  requireReconciler(c);
  await next();
});

reconciliation.openapi(
  createRoute({
    method: 'get',
    path: '/exceptions',
    tags: ['Reconciliation'],
    summary: "Your organization's exceptions, oldest first, a page at a time",
    request: {
      query: z.object({
        status: z.enum(['open', 'resolved']).optional(),
        type: z.enum(EXCEPTION_TYPES).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(100),
        cursor: z.string().max(512).optional(),
      }),
    },
    responses: {
      200: jsonResponse(
        "Exceptions, the next page's cursor (null on the last page) and how many the filter matches in all",
        z.object({ items: z.array(ExceptionSchema), nextCursor: z.string().nullable(), total: z.number().int() }),
      ),
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => {
    const { organizationId } = requireReconciler(c);
    return c.json(await listExceptions(c.env.DB, { ...c.req.valid('query'), organizationId }), 200);
  },
);

reconciliation.openapi(
  createRoute({
    method: 'post',
    path: '/exceptions/{id}/resolve',
    tags: ['Reconciliation'],
    summary: 'Resolve an exception: match it to a payment or bill, refund it, or dismiss it',
    description:
      'match: only when the amounts agree, or with acceptDifference and a note. refund: records a transfer back that a second person approves. ' +
      'dismiss: a note is required. Each resolution is logged with who, when and why, and cannot be undone or repeated.',
    request: {
      params: z.object({
        id: z
          .string()
          .min(1)
          .max(64)
          .openapi({ param: { name: 'id', in: 'path' } }),
      }),
      body: jsonBody(ResolveBody),
    },
    responses: { 200: jsonResponse('The resolved exception', ExceptionSchema), ...errorResponses(400, 401, 403, 404, 409) },
  }),
  async (c) => {
    const { user } = requireReconciler(c);
    const exception = await findException(c.env.DB, c.req.valid('param').id);
    if (!exception || !canHandle(user, exception))
      throw new ApiError(404, 'exception_not_found', 'Không tìm thấy ngoại lệ này trong hàng đợi của đơn vị bạn');
    return c.json(await resolveException(c.env.DB, exception, c.req.valid('json'), user, new Date().toISOString()), 200);
  },
);

reconciliation.openapi(
  createRoute({
    method: 'post',
    path: '/days/{date}/close',
    tags: ['Reconciliation'],
    summary: 'Close a day for one of your accounts',
    description:
      'Only when no exception of that account and day is still open. A closed day is frozen; later corrections are adjustments dated when they are made.',
    request: {
      params: DayParam,
      body: jsonBody(z.strictObject({ accountNumber: z.string().regex(/^\d{1,19}$/) }).openapi('DayClose')),
    },
    responses: {
      200: jsonResponse(
        'The closed day',
        z.object({ date: z.string(), accountNumber: z.string(), closedAt: z.string(), totals: z.record(z.string(), z.unknown()) }),
      ),
      ...errorResponses(400, 401, 403, 404, 409),
    },
  }),
  async (c) => {
    const { user, organizationId } = requireReconciler(c);
    const { accountNumber } = c.req.valid('json');
    const { ownerId } = await reconcilableAccount(c.env, accountNumber, organizationId);
    return c.json(await closeDay(c.env.DB, { accountNumber, date: c.req.valid('param').date, ownerId }, user, new Date()), 200);
  },
);

const AdjustmentSchema = z
  .object({
    id: z.string(),
    date: z.string(),
    affectsDate: z.string(),
    paymentId: z.string().nullable(),
    exceptionId: z.string().nullable(),
    amount: z.number().int(),
    reason: z.string(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Adjustment');

reconciliation.openapi(
  createRoute({
    method: 'get',
    path: '/days/{date}',
    tags: ['Reconciliation'],
    summary: 'A day of one of your accounts: closed or not, the totals its close froze, and its adjustments',
    description:
      'adjustments: corrections made on this day (money booked on a day already closed, matches made after a close); ' +
      'laterAdjustments: corrections of this day made on later days.',
    request: { params: DayParam, query: z.object({ accountNumber: z.string().regex(/^\d{1,19}$/, 'Chỉ gồm chữ số, tối đa 19 số') }) },
    responses: {
      200: jsonResponse(
        'The day',
        z.object({
          date: z.string(),
          accountNumber: z.string(),
          closed: z.boolean(),
          closedAt: z.string().nullable(),
          closedBy: z.string().nullable(),
          totals: z.record(z.string(), z.unknown()).nullable(),
          adjustments: z.array(AdjustmentSchema),
          laterAdjustments: z.array(AdjustmentSchema),
        }),
      ),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { organizationId } = requireReconciler(c);
    const { accountNumber } = c.req.valid('query');
    await reconcilableAccount(c.env, accountNumber, organizationId);
    c.header('Cache-Control', 'private, no-store');
    return c.json(await readDay(c.env.DB, accountNumber, c.req.valid('param').date), 200);
  },
);

reconciliation.openapi(
  createRoute({
    method: 'post',
    path: '/stripe-payouts/{id}/check',
    tags: ['Reconciliation'],
    summary: 'Check a Stripe payout against our payments (admins)',
    description:
      'Fetches the payout and its balance transactions from Stripe; gross − fees − refunds must equal the payout, and each charge must belong to a paid payment. Discrepancies become exceptions.',
    request: {
      params: z.object({
        id: z
          .string()
          .regex(/^po_[A-Za-z0-9]+$/)
          .openapi({ param: { name: 'id', in: 'path' } }),
      }),
    },
    responses: {
      200: jsonResponse(
        'The check',
        z.object({
          payoutId: z.string(),
          amount: z.number().int(),
          gross: z.number().int(),
          fees: z.number().int(),
          refunds: z.number().int(),
          net: z.number().int(),
          balanced: z.boolean(),
          charges: z.number().int(),
          exceptions: z.number().int(),
          alreadyChecked: z.boolean(),
        }),
      ),
      ...errorResponses(401, 403, 404, 409),
    },
  }),
  async (c) => {
    const { user } = requireReconciler(c);
    if (user.role !== 'admin') throw new ApiError(403, 'forbidden', 'Chỉ quản trị viên nền tảng mới đối soát các lần Stripe chuyển tiền');
    const settings = stripeSettings(c.env);
    if (!settings) throw new ApiError(409, 'method_unavailable', 'Chưa cấu hình Stripe');
    try {
      return c.json(await checkStripePayout(c.env.DB, stripeClient(settings), c.req.valid('param').id, new Date().toISOString()), 200);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404)
        throw new ApiError(404, 'payout_not_found', `Stripe không có lần chuyển tiền ${c.req.valid('param').id}`);
      throw error;
    }
  },
);

reconciliation.openapi(
  createRoute({
    method: 'post',
    path: '/statements',
    tags: ['Reconciliation'],
    summary: 'Import a bank statement (CSV) for one of your accounts',
    description:
      'multipart/form-data: `file` (CSV: bookedAt,amount,description,transactionId, or a Vietnamese bank export) and `accountNumber`. ' +
      'A malformed file is rejected whole, with the line and the reason. Each line counts once, keyed on the bank transaction id, ' +
      'so importing the same or an overlapping statement again counts nothing twice. Up to 5,000 lines it is applied at once (201); ' +
      'a larger one (up to 100,000 lines and 16 MB) is checked whole, then applied by a queue (202): follow it with GET /statements/{id}.',
    request: {
      body: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: z.object({ file: z.any().openapi({ type: 'string', format: 'binary' }), accountNumber: z.string() }),
          },
        },
      },
    },
    responses: {
      201: jsonResponse(
        'What the import did',
        z.object({
          statementId: z.string(),
          lines: z.number().int(),
          credits: z.number().int(),
          matched: z.number().int(),
          alreadyConfirmed: z.number().int(),
          exceptions: z.record(z.string(), z.number().int()),
        }),
      ),
      202: jsonResponse('A large statement, checked and queued: none of its lines applied yet', StatementProgressSchema),
      ...errorResponses(400, 401, 403, 404, 413),
    },
  }),
  async (c) => {
    const { user, organizationId } = requireReconciler(c);
    const { file, accountNumber } = statementUpload(c.req.valid('form') as { file?: unknown; accountNumber?: unknown });
    const { ownerId } = await reconcilableAccount(c.env, accountNumber, organizationId);
    const parsed = await readStatementFile(file, accountNumber);
    const input = {
      accountNumber,
      organizationId: ownerId,
      fileName: file.name,
      parsed,
      importedBy: user.id,
      now: new Date().toISOString(),
    };
    if (parsed.credits.length + parsed.debits.length > inlineStatementLines(c.env)) return c.json(await queueStatement(c.env, input), 202);
    return c.json(await importStatement(c.env.DB, input), 201);
  },
);

reconciliation.openapi(
  createRoute({
    method: 'get',
    path: '/statements/{id}',
    tags: ['Reconciliation'],
    summary: 'A statement import: its progress, and its summary once done',
    request: {
      params: z.object({
        id: z
          .string()
          .min(1)
          .max(64)
          .openapi({ param: { name: 'id', in: 'path' } }),
      }),
    },
    responses: { 200: jsonResponse('The statement', StatementProgressSchema), ...errorResponses(401, 403, 404) },
  }),
  async (c) => {
    const { organizationId } = requireReconciler(c);
    const statement = await findStatement(c.env.DB, c.req.valid('param').id);
    if (!statement || (organizationId !== undefined && statement.organization_id !== organizationId))
      throw new ApiError(404, 'statement_not_found', 'Không tìm thấy sao kê này trong đơn vị bạn');
    c.header('Cache-Control', 'private, no-store');
    return c.json(statementProgress(statement), 200);
  },
);

const StatementLineSchema = z
  .object({
    creditId: z.string(),
    transactionId: z.string(),
    amount: z.number().int().openapi({ description: 'Whole đồng' }),
    description: z.string(),
    bookedAt: z.string(),
    outcome: z.enum(['matched', 'exception']),
    payment: z
      .object({
        id: z.string(),
        reference: z.string(),
        billId: z.string().nullable(),
        billCode: z.string().nullable().openapi({ description: 'As printed, e.g. 7KQM2-X9PA4' }),
        orderId: z.string().nullable(),
      })
      .nullable()
      .openapi({ description: 'The payment the line paid, when it matched one' }),
    exception: z
      .object({ id: z.string(), type: z.enum(EXCEPTION_TYPES), status: z.enum(['open', 'resolved']) })
      .nullable()
      .openapi({ description: 'The exception the line became, when it matched nothing on its own' }),
  })
  .openapi('StatementLine');

reconciliation.openapi(
  createRoute({
    method: 'get',
    path: '/statements/{id}/lines',
    tags: ['Reconciliation'],
    summary: 'The credits a statement brought: what each paid, or the exception it became',
    description:
      'In booking order, a page at a time. A line already recorded before (by a bank notification or an earlier statement) belongs to that one and is not listed here.',
    request: {
      params: z.object({
        id: z
          .string()
          .min(1)
          .max(64)
          .openapi({ param: { name: 'id', in: 'path' } }),
      }),
      query: z.object({
        limit: z.coerce.number().int().min(1).max(200).default(100),
        cursor: z.string().max(512).optional(),
      }),
    },
    responses: {
      200: jsonResponse('A page of lines', z.object({ items: z.array(StatementLineSchema), nextCursor: z.string().nullable() })),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { organizationId } = requireReconciler(c);
    const statement = await findStatement(c.env.DB, c.req.valid('param').id);
    if (!statement || (organizationId !== undefined && statement.organization_id !== organizationId))
      throw new ApiError(404, 'statement_not_found', 'Không tìm thấy sao kê này trong đơn vị bạn');
    const { limit, cursor } = c.req.valid('query');
    let after: { bookedAt: string; id: string } | undefined;
    if (cursor) {
      const [bookedAt, id] = decodeCursor(cursor);
      if (typeof bookedAt !== 'string' || typeof id !== 'string') throw invalidCursor();
      after = { bookedAt, id };
    }
    const page = await listStatementLines(c.env.DB, statement.id, { limit, after });
    c.header('Cache-Control', 'private, no-store');
    return c.json(
      {
        items: page.items.map((line) => ({
          ...line,
          exception: line.exception ? { ...line.exception, type: line.exception.type as ExceptionType } : null,
          payment: line.payment
            ? { ...line.payment, billCode: line.payment.billCode ? formatBillCode(line.payment.billCode) : null }
            : null,
        })),
        nextCursor: page.more && page.last ? encodeCursor([page.last.bookedAt, page.last.id]) : null,
      },
      200,
    );
  },
);

const ExceptionRefundSchema = z
  .object({
    id: z.string(),
    exceptionId: z.string(),
    amount: z.number().int(),
    reason: z.string(),
    status: z.enum(['awaiting_approval', 'approved', 'sent', 'rejected']),
    requestedBy: z.string().nullable(),
    approvedBy: z.string().nullable(),
    sentBy: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('ExceptionRefund');

const exceptionRefundToJson = (refund: Refund) => ({
  id: refund.id,
  exceptionId: refund.exceptionId!,
  amount: refund.amount,
  reason: refund.reason,
  status: refund.status as 'awaiting_approval' | 'approved' | 'sent' | 'rejected',
  requestedBy: refund.requestedBy,
  approvedBy: refund.approvedBy,
  sentBy: refund.sentBy,
  createdAt: refund.createdAt,
});

reconciliation.openapi(
  createRoute({
    method: 'get',
    path: '/refunds',
    tags: ['Reconciliation'],
    summary: 'Transfers back of money that matched nothing (from resolved exceptions)',
    responses: { 200: jsonResponse('Refunds', z.object({ items: z.array(ExceptionRefundSchema) })), ...errorResponses(401, 403) },
  }),
  async (c) => {
    const { organizationId } = requireReconciler(c);
    return c.json({ items: (await listExceptionRefunds(c.env.DB, organizationId)).map(exceptionRefundToJson) }, 200);
  },
);

reconciliation.openapi(
  createRoute({
    method: 'post',
    path: '/refunds/{id}/{action}',
    tags: ['Reconciliation'],
    summary: 'Approve or reject (a second person), or mark sent, a transfer back',
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
    responses: { 200: jsonResponse('The refund', ExceptionRefundSchema), ...errorResponses(401, 403, 404, 409) },
  }),
  async (c) => {
    const { user, organizationId } = requireReconciler(c);
    const { id, action } = c.req.valid('param');
    const refund = await findRefund(c.env.DB, id);
    if (!refund?.exceptionId || (organizationId !== undefined && refund.organizationId !== organizationId))
      throw new ApiError(404, 'refund_not_found', 'Không tìm thấy lệnh hoàn tiền này trong đơn vị bạn');
    return c.json(exceptionRefundToJson(await actOnRefund(c.env.DB, refund, action, user, new Date().toISOString())), 200);
  },
);

export default reconciliation;
