import { createRoute, z } from '@hono/zod-openapi';
import { listRuns } from '../db/payouts';
import { isIsoDate } from '../domain/ocop';
import { PAYOUT_STATUSES } from '../domain/payout-state';
import { vietnamDate } from '../domain/vietnam-time';
import { ApiError } from '../errors';
import { requireRole, requireSellerOrganization } from '../middleware/session';
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../openapi';
import { platformAccount } from '../payments/settings';
import { sellerBalanceOf, sellerPayouts } from '../payouts/balance';
import { approvePayoutRun, createPayoutRun, markPayoutFailed, readRun, runTransferFile } from '../payouts/runs';
import { payoutSettings } from '../payouts/settings';

const PayoutSchema = z
  .object({
    id: z.string(),
    reference: z.string(),
    runId: z.string(),
    cutoffDate: z.string(),
    organizationId: z.string(),
    organizationName: z.string(),
    amount: z.number().int(),
    status: z.enum(PAYOUT_STATUSES),
    holdReason: z.string().nullable(),
    bankBin: z.string().nullable(),
    bankAccountNo: z.string().nullable(),
    bankAccountName: z.string().nullable(),
    sourceAccountNo: z.string(),
    approvedAt: z.string().nullable(),
    paidAt: z.string().nullable(),
    failedAt: z.string().nullable(),
    failReason: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('Payout');

const RunSchema = z
  .object({
    id: z.string(),
    cutoffDate: z.string(),
    status: z.enum(['awaiting_approval', 'approved']),
    minimumAmount: z.number().int(),
    sourceBankBin: z.string(),
    sourceAccountNo: z.string(),
    createdBy: z.string(),
    createdByName: z.string(),
    approvedBy: z.string().nullable(),
    approvedByName: z.string().nullable(),
    approvedAt: z.string().nullable(),
    createdAt: z.string(),
    payouts: z.number().int().openapi({ description: 'Payouts to transfer (held ones not counted)' }),
    total: z.number().int(),
  })
  .openapi('PayoutRun');

const RunWithPayouts = z.object({ run: RunSchema, payouts: z.array(PayoutSchema) });

const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'prun_1' }),
});

const IdempotencyHeader = z.object({
  'idempotency-key': z.string().min(1).max(255).optional().openapi({ description: 'Required: a fresh random value, reused on retries' }),
});

/** The seller's own money: always the caller's organization, never one named in the request. */
export const sellerMoney = createRouter();

sellerMoney.openapi(
  createRoute({
    method: 'get',
    path: '/balance',
    tags: ['Payouts'],
    summary: "Your organization's balance: pending (in its hold), available, being transferred, paid out",
    responses: {
      200: jsonResponse(
        'Balance in đồng, from the ledger',
        z.object({ pending: z.number().int(), available: z.number().int(), inTransfer: z.number().int(), paidOut: z.number().int() }),
      ),
      ...errorResponses(401, 403),
    },
  }),
  async (c) => {
    const { sellerId } = requireSellerOrganization(c);
    return c.json(await sellerBalanceOf(c.env.DB, sellerId, new Date().toISOString(), payoutSettings(c.env)), 200);
  },
);

sellerMoney.openapi(
  createRoute({
    method: 'get',
    path: '/payouts',
    tags: ['Payouts'],
    summary: "Your organization's payouts, newest first",
    request: { query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50) }) },
    responses: { 200: jsonResponse('Payouts', z.object({ items: z.array(PayoutSchema) })), ...errorResponses(400, 401, 403) },
  }),
  async (c) => {
    const { sellerId } = requireSellerOrganization(c);
    return c.json({ items: await sellerPayouts(c.env.DB, sellerId, c.req.valid('query').limit) }, 200);
  },
);

/** Payout runs, for the platform's admins. */
export const payoutRuns = createRouter();

payoutRuns.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['Payouts'],
    summary: 'Payout runs, newest first',
    request: { query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50) }) },
    responses: { 200: jsonResponse('Runs', z.object({ items: z.array(RunSchema) })), ...errorResponses(400, 401, 403) },
  }),
  async (c) => {
    requireRole(c, 'admin');
    return c.json({ items: await listRuns(c.env.DB, c.req.valid('query').limit) }, 200);
  },
);

payoutRuns.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: ['Payouts'],
    summary: 'Make the payout run for a cut-off day: one payout per seller whose available balance reaches the minimum',
    description:
      'Needs an Idempotency-Key header. One run per cut-off day: asking again for the same day answers that run (200). ' +
      'A seller without a bank account gets a held payout that moves no money.',
    request: {
      headers: IdempotencyHeader,
      body: jsonBody(
        z.strictObject({
          cutoffDate: z
            .string()
            .regex(/^\d{4}-\d{2}-\d{2}$/, 'Ngày chốt viết theo dạng YYYY-MM-DD, ví dụ 2026-11-30')
            .refine(isIsoDate, 'Ngày chốt viết theo dạng YYYY-MM-DD, ví dụ 2026-11-30')
            .optional()
            .openapi({ description: 'Vietnam date; today if left out' }),
        }),
      ),
    },
    responses: {
      200: jsonResponse('The run that exists for this cut-off', RunWithPayouts),
      201: jsonResponse('The new run', RunWithPayouts),
      ...errorResponses(400, 401, 403, 409),
    },
  }),
  async (c) => {
    const user = requireRole(c, 'admin');
    const key = c.req.valid('header')['idempotency-key'];
    if (!key) {
      throw new ApiError(
        400,
        'idempotency_key_required',
        'Hãy gửi kèm header Idempotency-Key (một giá trị ngẫu nhiên cho mỗi đợt chi trả)',
        [{ path: 'Idempotency-Key', message: 'Bắt buộc' }],
      );
    }
    const now = new Date().toISOString();
    const { created, ...result } = await createPayoutRun(c.env.DB, {
      cutoffDate: c.req.valid('json').cutoffDate ?? vietnamDate(new Date(now)),
      idempotencyKey: key,
      userId: user.id,
      source: platformAccount(c.env),
      settings: payoutSettings(c.env),
      now,
    });
    return c.json(result, created ? 201 : 200);
  },
);

payoutRuns.openapi(
  createRoute({
    method: 'get',
    path: '/{id}',
    tags: ['Payouts'],
    summary: 'A payout run and its payouts',
    request: { params: IdParam },
    responses: { 200: jsonResponse('The run', RunWithPayouts), ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    requireRole(c, 'admin');
    return c.json(await readRun(c.env.DB, c.req.valid('param').id), 200);
  },
);

payoutRuns.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/approve',
    tags: ['Payouts'],
    summary: 'Approve a payout run (a different admin from the one who made it)',
    request: { params: IdParam },
    responses: { 200: jsonResponse('The approved run', RunWithPayouts), ...errorResponses(400, 401, 403, 404, 409) },
  }),
  async (c) => {
    const user = requireRole(c, 'admin');
    return c.json(await approvePayoutRun(c.env.DB, c.req.valid('param').id, user.id, new Date().toISOString()), 200);
  },
);

payoutRuns.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/transfers.csv',
    tags: ['Payouts'],
    summary: "An approved run's bulk-transfer file for the bank (docs/payouts.md)",
    request: { params: IdParam },
    responses: {
      200: { description: 'CSV, UTF-8 with BOM', content: { 'text/csv': { schema: z.string() } } },
      ...errorResponses(400, 401, 403, 404, 409),
    },
  }),
  async (c) => {
    requireRole(c, 'admin');
    const file = await runTransferFile(c.env.DB, c.req.valid('param').id);
    return c.body(file.body, 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${file.fileName}"`,
    });
  },
);

/** One payout, for the platform's admins. */
export const adminPayouts = createRouter();

adminPayouts.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/fail',
    tags: ['Payouts'],
    summary: 'Mark an approved payout failed (the bank refused or returned it): its money is available again',
    request: {
      params: IdParam,
      body: jsonBody(
        z.strictObject({
          reason: z.string().trim().min(3, 'Hãy ghi lý do (ít nhất 3 ký tự)').max(500, 'Lý do tối đa 500 ký tự'),
        }),
      ),
    },
    responses: { 200: jsonResponse('The payout', PayoutSchema), ...errorResponses(400, 401, 403, 404, 409) },
  }),
  async (c) => {
    const user = requireRole(c, 'admin');
    const { reason } = c.req.valid('json');
    return c.json(await markPayoutFailed(c.env.DB, c.req.valid('param').id, user.id, reason, new Date().toISOString()), 200);
  },
);
