import { createRoute, z } from '@hono/zod-openapi';
import { listFeeRuns, listMarkets } from '../db/markets';
import { isIsoDate } from '../domain/ocop';
import { vietnamDate } from '../domain/vietnam-time';
import { ApiError } from '../errors';
import { requireReconciler } from '../middleware/session';
import { createRouter, errorResponses, jsonResponse } from '../openapi';
import { collectionSeries, dailyReport, dailyReportCsv } from '../reconciliation/reports';

const isoDate = z.string().refine(isIsoDate, 'Ngày viết theo dạng YYYY-MM-DD, ví dụ 2026-11-30');
const Tally = z.object({ count: z.number().int(), amount: z.number().int() });

const reports = createRouter();

reports.use('/*', async (c, next) => {
  requireReconciler(c);
  await next();
});

reports.openapi(
  createRoute({
    method: 'get',
    path: '/daily',
    tags: ['Reports'],
    summary: 'The day per organization: totals by rail and by kind, refunds, open exceptions, adjustments, closed or not',
    description:
      'Money counts on the day the bank (or Stripe) booked it, in Vietnam time. ' +
      'format=csv gives a file that opens cleanly in Excel (UTF-8 with BOM, Vietnamese headers).',
    request: { query: z.object({ date: isoDate.optional(), format: z.enum(['json', 'csv']).default('json') }) },
    responses: {
      200: {
        description: 'The report',
        content: {
          'application/json': {
            schema: z.object({
              date: z.string(),
              organizations: z.array(
                z.object({
                  organizationId: z.string().nullable(),
                  name: z.string(),
                  accountNumber: z.string().nullable(),
                  total: Tally,
                  byRail: z.object({ vietqr: Tally, stripe: Tally }),
                  byType: z.object({
                    market_fee: Tally,
                    tuition: Tally,
                    hospital: Tally,
                    admin_fee: Tally,
                    electricity: Tally,
                    water: Tally,
                    order: Tally,
                  }),
                  refunds: Tally,
                  openExceptions: Tally,
                  adjustments: Tally.openapi({
                    description: 'Corrections made this day: money booked on a closed day, matches after a close',
                  }),
                  overCeiling: z
                    .number()
                    .int()
                    .openapi({ description: 'Stored amounts above the ceiling, counted apart and left out of the sums' }),
                  closed: z.boolean(),
                  closing: z
                    .object({ closedAt: z.string(), closedBy: z.string(), totals: z.record(z.string(), z.unknown()) })
                    .nullable()
                    .openapi({ description: 'What the close froze, as it was' }),
                }),
              ),
            }),
          },
          'text/csv': { schema: z.string() },
        },
      },
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => {
    const { organizationId } = requireReconciler(c);
    const { date = vietnamDate(new Date()), format } = c.req.valid('query');
    const report = await dailyReport(c.env.DB, date, organizationId, c.env.PLATFORM_BANK_ACCOUNT ?? null);
    if (format === 'csv') {
      return c.body(dailyReportCsv(report), 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="bao-cao-${date}.csv"`,
      });
    }
    return c.json(report, 200);
  },
);

reports.openapi(
  createRoute({
    method: 'get',
    path: '/collections',
    tags: ['Reports'],
    summary: 'Money received per day (for a chart), and the collection rate of each fee run',
    request: { query: z.object({ from: isoDate, to: isoDate }) },
    responses: {
      200: jsonResponse(
        'Collections',
        z.object({
          days: z.array(z.object({ date: z.string(), count: z.number().int(), amount: z.number().int() })),
          feeRuns: z.array(
            z.object({
              marketId: z.string(),
              marketName: z.string(),
              period: z.string(),
              billsCreated: z.number().int(),
              paidBills: z.number().int(),
              collectionRate: z.number(),
            }),
          ),
        }),
      ),
      ...errorResponses(400, 401, 403),
    },
  }),
  async (c) => {
    const { user, organizationId } = requireReconciler(c);
    const { from, to } = c.req.valid('query');
    if (from > to)
      throw new ApiError(400, 'validation_failed', 'Ngày bắt đầu (from) phải trước hoặc bằng ngày kết thúc (to)', [
        { path: 'from', message: 'Sau ngày kết thúc' },
      ]);
    if (Date.parse(to) - Date.parse(from) > 366 * 86_400_000)
      throw new ApiError(400, 'validation_failed', 'Mỗi lần xem tối đa một năm', [
        { path: 'to', message: 'Cách ngày bắt đầu quá một năm' },
      ]);
    const days = await collectionSeries(c.env.DB, from, to, organizationId);
    const boardId = user.role === 'admin' ? null : user.organization?.kind === 'market_board' ? user.organization.id : undefined;
    const markets = boardId === undefined ? [] : await listMarkets(c.env.DB, boardId);
    const feeRuns = (
      await Promise.all(
        markets.map(async (market) =>
          (
            await listFeeRuns(c.env.DB, market.id)
          ).map((run) => ({
            marketId: market.id,
            marketName: market.name,
            period: run.period,
            billsCreated: run.billsCreated,
            paidBills: run.paidBills,
            collectionRate: run.collectionRate,
          })),
        ),
      )
    ).flat();
    return c.json({ days, feeRuns }, 200);
  },
);

export default reports;
