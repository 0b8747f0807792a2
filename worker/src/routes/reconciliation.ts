import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { EXCEPTION_TYPES } from '../domain/exception-types';
import { isIsoDate } from '../domain/ocop';
import { type ParsedStatement, parseStatementCsv, StatementFormatError } from '../domain/statement-csv';
import { newId } from '../domain/tokens';
import { vietnamDate, vietnamDayBounds } from '../domain/vietnam-time';
import type { AppEnv } from '../env';
import { ApiError, notFound } from '../errors';
import { requireReconciler } from '../middleware/session';
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../openapi';
import { stripeClient } from '../payments/providers';
import { stripeSettings } from '../payments/settings';
import { canHandle, findException, listExceptions, resolveException } from '../reconciliation/exceptions';
import { checkStripePayout } from '../reconciliation/payouts';
import { importStatement } from '../reconciliation/statements';

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
    z.strictObject({ action: z.literal('dismiss'), note: z.string().trim().min(3, 'Say why').max(500) }),
  ])
  .refine((body) => body.action !== 'match' || (body.paymentId === undefined) !== (body.billCode === undefined), {
    message: 'Name either paymentId or billCode',
    path: ['paymentId'],
  })
  .openapi('ExceptionResolve');

/** An account the caller may reconcile: its organization's, or any of ours for admins. */
async function requireAccount(
  c: Context<AppEnv>,
  accountNumber: string,
  organizationId: string | undefined,
): Promise<{ id: string } | null> {
  const owner = await c.env.DB.prepare('SELECT id FROM organizations WHERE bank_account_no = ?1')
    .bind(accountNumber)
    .first<{ id: string }>();
  const platformAccount = accountNumber === c.env.PLATFORM_BANK_ACCOUNT;
  if (organizationId !== undefined ? owner?.id !== organizationId : !owner && !platformAccount)
    throw notFound('Account', 'account_not_found');
  return owner;
}

const MAX_STATEMENT_BYTES = 10 * 1024 * 1024;

const reconciliation = createRouter();

reconciliation.use(
  '/statements',
  bodyLimit({
    maxSize: MAX_STATEMENT_BYTES,
    onError: () => {
      throw new ApiError(413, 'statement_too_large', 'A statement file may be at most 10 MB; split it by date');
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
    summary: "Your organization's exceptions, oldest first",
    request: {
      query: z.object({
        status: z.enum(['open', 'resolved']).optional(),
        type: z.enum(EXCEPTION_TYPES).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(100),
      }),
    },
    responses: { 200: jsonResponse('Exceptions', z.object({ items: z.array(ExceptionSchema) })), ...errorResponses(400, 401, 403) },
  }),
  async (c) => {
    const { organizationId } = requireReconciler(c);
    return c.json({ items: await listExceptions(c.env.DB, { ...c.req.valid('query'), organizationId }) }, 200);
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
    if (!exception || !canHandle(user, exception)) throw notFound('Exception', 'exception_not_found');
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
      params: z.object({
        date: z
          .string()
          .refine(isIsoDate, 'A date written YYYY-MM-DD')
          .openapi({ param: { name: 'date', in: 'path' }, example: '2026-11-30' }),
      }),
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
    const { date } = c.req.valid('param');
    const { accountNumber } = c.req.valid('json');
    const db = c.env.DB;
    const owner = await requireAccount(c, accountNumber, organizationId);
    if (date > vietnamDate(new Date())) throw new ApiError(409, 'day_not_over', 'A day can be closed once it has begun');
    const open = await db
      .prepare("SELECT count(*) AS n FROM payment_exceptions WHERE account_number = ?1 AND booked_date = ?2 AND status = 'open'")
      .bind(accountNumber, date)
      .first<{ n: number }>();
    if (open!.n > 0) throw new ApiError(409, 'open_exceptions', `${open!.n} exception(s) of this day are still open; resolve them first`);
    const { start, end } = vietnamDayBounds(date);
    const totals = await db
      .prepare(
        `SELECT count(*) AS credits, coalesce(sum(amount), 0) AS amount,
           coalesce(sum(outcome = 'matched'), 0) AS matched, coalesce(sum(outcome = 'exception'), 0) AS exceptions
         FROM bank_credits WHERE account_number = ?1 AND booked_at >= ?2 AND booked_at < ?3`,
      )
      .bind(accountNumber, start, end)
      .first<Record<string, number>>();
    const closedAt = new Date().toISOString();
    try {
      await db
        .prepare(
          'INSERT INTO closed_days (account_number, date, organization_id, totals, closed_by, closed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)',
        )
        .bind(accountNumber, date, owner?.id ?? null, JSON.stringify(totals), user.id, closedAt)
        .run();
    } catch (error) {
      if (String(error).includes('UNIQUE constraint failed')) throw new ApiError(409, 'day_closed', 'This day is already closed');
      throw error;
    }
    return c.json({ date, accountNumber, closedAt, totals: totals! }, 200);
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
    if (user.role !== 'admin') throw new ApiError(403, 'forbidden', 'Stripe payouts are checked by the platform admins');
    const settings = stripeSettings(c.env);
    if (!settings) throw new ApiError(409, 'method_unavailable', 'Stripe is not configured');
    try {
      return c.json(await checkStripePayout(c.env.DB, stripeClient(settings), c.req.valid('param').id, new Date().toISOString()), 200);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) throw notFound('Payout', 'payout_not_found');
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
      'so importing the same or an overlapping statement again counts nothing twice.',
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
      ...errorResponses(400, 401, 403, 404, 413),
    },
  }),
  async (c) => {
    const { user, organizationId } = requireReconciler(c);
    const form = c.req.valid('form') as { file?: unknown; accountNumber?: unknown };
    const accountNumber = typeof form.accountNumber === 'string' ? form.accountNumber.trim() : '';
    if (!(form.file instanceof File) || !/^\d{1,19}$/.test(accountNumber)) {
      throw new ApiError(400, 'validation_failed', 'Attach the statement as `file` and name the `accountNumber` it is for', [
        ...(form.file instanceof File ? [] : [{ path: 'file', message: 'Required' }]),
        ...(/^\d{1,19}$/.test(accountNumber) ? [] : [{ path: 'accountNumber', message: 'Digits only' }]),
      ]);
    }
    const owner = await requireAccount(c, accountNumber, organizationId);
    let parsed: ParsedStatement;
    try {
      parsed = parseStatementCsv(await form.file.text());
    } catch (error) {
      if (!(error instanceof StatementFormatError)) throw error;
      throw new ApiError(400, 'invalid_statement', `The statement was not imported: ${error.message}`, [
        { path: error.lineNumber === null ? 'file' : `line ${error.lineNumber}`, message: error.message },
      ]);
    }
    const summary = await importStatement(c.env.DB, {
      accountNumber,
      organizationId: owner?.id ?? null,
      fileName: form.file.name,
      parsed,
      importedBy: user.id,
      now: new Date().toISOString(),
    });
    return c.json(summary, 201);
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

interface ExceptionRefundRow {
  id: string;
  exception_id: string;
  amount: number;
  reason: string;
  status: 'awaiting_approval' | 'approved' | 'sent' | 'rejected';
  requested_by: string | null;
  approved_by: string | null;
  sent_by: string | null;
  created_at: string;
  organization_id: string | null;
}

const exceptionRefundToJson = (row: ExceptionRefundRow) => ({
  id: row.id,
  exceptionId: row.exception_id,
  amount: row.amount,
  reason: row.reason,
  status: row.status,
  requestedBy: row.requested_by,
  approvedBy: row.approved_by,
  sentBy: row.sent_by,
  createdAt: row.created_at,
});

const EXCEPTION_REFUNDS = `SELECT r.id, r.exception_id, r.amount, r.reason, r.status, r.requested_by, r.approved_by, r.sent_by, r.created_at, e.organization_id
  FROM refunds r JOIN payment_exceptions e ON e.id = r.exception_id`;

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
    const statement =
      organizationId === undefined
        ? c.env.DB.prepare(`${EXCEPTION_REFUNDS} ORDER BY r.created_at DESC LIMIT 200`)
        : c.env.DB.prepare(`${EXCEPTION_REFUNDS} WHERE e.organization_id = ?1 ORDER BY r.created_at DESC LIMIT 200`).bind(organizationId);
    return c.json({ items: (await statement.all<ExceptionRefundRow>()).results.map(exceptionRefundToJson) }, 200);
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
    const db = c.env.DB;
    const refund = await db.prepare(`${EXCEPTION_REFUNDS} WHERE r.id = ?1`).bind(id).first<ExceptionRefundRow>();
    if (!refund || (organizationId !== undefined && refund.organization_id !== organizationId))
      throw notFound('Refund', 'refund_not_found');
    const from = action === 'sent' ? 'approved' : 'awaiting_approval';
    if (refund.status !== from) throw new ApiError(409, 'refund_wrong_state', `The refund is ${refund.status.replace('_', ' ')}`);
    if (action !== 'sent' && refund.requested_by === user.id)
      throw new ApiError(403, 'second_person_required', 'Another person must approve a refund you asked for');
    const to = { approve: 'approved', reject: 'rejected', sent: 'sent' }[action];
    const column = action === 'sent' ? 'sent_by' : 'approved_by';
    const now = new Date().toISOString();
    const results = await db.batch([
      db
        .prepare(`UPDATE refunds SET status = ?2, ${column} = ?3, updated_at = ?4 WHERE id = ?1 AND status = ?5`)
        .bind(id, to, user.id, now, from),
      // A rejected transfer back leaves the money where it was: open again, never dropped.
      ...(action === 'reject'
        ? [
            db
              .prepare(
                `INSERT INTO payment_exceptions (id, type, organization_id, bank_credit_id, payment_id, amount, expected_amount, details, account_number, booked_date, created_at)
                 SELECT ?1, e.type, e.organization_id, e.bank_credit_id, e.payment_id, e.amount, e.expected_amount,
                        json_set(e.details, '$.reopenedFrom', e.id, '$.rejectedRefund', ?2), e.account_number, e.booked_date, ?3
                 FROM payment_exceptions e WHERE e.id = ?4 AND changes() = 1`,
              )
              .bind(newId('exc'), id, now, refund.exception_id),
          ]
        : []),
    ]);
    if (results[0]!.meta.changes !== 1) throw new ApiError(409, 'refund_wrong_state', 'The refund changed meanwhile; reload it');
    return c.json(
      exceptionRefundToJson((await db.prepare(`${EXCEPTION_REFUNDS} WHERE r.id = ?1`).bind(id).first<ExceptionRefundRow>())!),
      200,
    );
  },
);

export default reconciliation;
