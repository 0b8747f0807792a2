import { createRoute, z } from '@hono/zod-openapi';
import { importBills } from '../billing/import-bills';
import { MAX_PRINTED_BILLS, printedBills } from '../billing/printed-bills';
import { BILL_TYPES, type BillType } from '../db/bills';
import { billIdsOfRun } from '../db/payer-lists';
import { billTemplateCsv } from '../domain/bill-import';
import { isBillerKind } from '../domain/billers';
import { ApiError } from '../errors';
import { requireBillerOrganization } from '../middleware/session';
import { createRouter, errorResponses, jsonResponse } from '../openapi';
import { publicUrl } from '../payments/settings';
import { token } from '../schemas/text';

/** Bills in bulk: a file of bills, and the template to fill in. Mounted under /api/v1/bills. */
const billImports = createRouter();

billImports.openapi(
  createRoute({
    method: 'get',
    path: '/import/template.csv',
    tags: ['Bills'],
    summary: 'The template for a file of bills (CSV, opens in Excel)',
    responses: { 200: { description: 'The template', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses(401, 403) },
  }),
  async (c) => {
    requireBillerOrganization(c);
    return c.body(billTemplateCsv(), 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': 'attachment; filename="mau-hoa-don.csv"',
    });
  },
);

/** The optional `type` field of the import form: absent, or one of the bill types. */
function parseBillType(value: unknown): BillType | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string' && (BILL_TYPES as readonly string[]).includes(value)) return value as BillType;
  throw new ApiError(400, 'validation_failed', 'Loại hoá đơn không hợp lệ', [
    { path: 'type', message: `Một trong: ${BILL_TYPES.join(', ')}` },
  ]);
}

billImports.openapi(
  createRoute({
    method: 'post',
    path: '/import',
    tags: ['Bills'],
    summary: 'Issue bills from a file (CSV or .xlsx), all or nothing',
    description:
      'multipart/form-data `file`: one bill per row with payerRef, payerName, description, amount, dueDate and optionally class and phone. ' +
      'Any wrong row refuses the whole file, with each row number and reason. Importing the same file again creates nothing: ' +
      'a row is the same bill when biller, payerRef and description match. At most 2,000 rows and 2 MB.',
    request: {
      body: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: z.object({
              file: z.any().openapi({ type: 'string', format: 'binary' }),
              type: z
                .enum(BILL_TYPES)
                .optional()
                .openapi({ description: "The kind of bill, for a biller that issues more than one (a utility: 'water' or 'electricity')" }),
            }),
          },
        },
      },
    },
    responses: {
      201: jsonResponse(
        'What the import did',
        z.object({ rows: z.number().int(), created: z.number().int(), alreadyImported: z.number().int() }),
      ),
      ...errorResponses(400, 401, 403, 409, 413),
    },
  }),
  async (c) => {
    const { user, billerId } = requireBillerOrganization(c);
    const { file, type } = c.req.valid('form') as { file?: unknown; type?: unknown };
    if (!(file instanceof File)) {
      throw new ApiError(400, 'validation_failed', 'Hãy đính kèm tệp hoá đơn (trường `file`, CSV hoặc Excel .xlsx)', [
        { path: 'file', message: 'Bắt buộc: tệp CSV hoặc .xlsx' },
      ]);
    }
    const kind = user.organization!.kind;
    if (!isBillerKind(kind)) throw new ApiError(403, 'forbidden', 'Đơn vị của bạn không phát hành hoá đơn');
    const billType = parseBillType(type);
    const summary = await importBills(c.env.DB, {
      file,
      billerId,
      billerKind: kind,
      billType,
      createdBy: user.id,
      now: new Date().toISOString(),
    });
    return c.json(summary, 201);
  },
);

const PrintedBillSchema = z
  .object({
    id: z.string(),
    code: z.string(),
    displayCode: z.string(),
    billerName: z.string(),
    payerName: z.string(),
    payerRef: z.string(),
    payerGroup: z.string().nullable(),
    description: z.string(),
    amount: z.number().int(),
    amountText: z.string().openapi({ example: '350.000 ₫' }),
    amountInWords: z.string().openapi({ example: 'Ba trăm năm mươi nghìn đồng' }),
    dueDate: z.string().openapi({ example: '30/11/2026' }),
    status: z.string(),
    bankAccount: z.object({ bankBin: z.string(), accountNumber: z.string(), accountName: z.string() }).nullable(),
    vietQrPayload: z.string().nullable(),
    vietQrSvg: z.string().nullable(),
    payLink: z.string(),
    payLinkSvg: z.string(),
  })
  .openapi('PrintedBill');

billImports.openapi(
  createRoute({
    method: 'get',
    path: '/printable',
    tags: ['Bills'],
    summary: 'Your bills as printed: amount in words, VietQR with the bill code as content, the pay link',
    request: {
      query: z.object({
        ids: z
          .string()
          .min(1)
          .max(MAX_PRINTED_BILLS * 40)
          .optional()
          .openapi({ description: 'Bill ids separated by commas', example: 'bil_1,bil_2' }),
        runId: token(64)
          .optional()
          .openapi({ description: `Instead of ids: a bill run's bills (its first ${MAX_PRINTED_BILLS})` }),
      }),
    },
    responses: { 200: jsonResponse('The bills', z.object({ items: z.array(PrintedBillSchema) })), ...errorResponses(400, 401, 403) },
  }),
  async (c) => {
    const { billerId } = requireBillerOrganization(c);
    const query = c.req.valid('query');
    if (!query.ids && !query.runId) {
      throw new ApiError(400, 'validation_failed', 'Hãy chọn hoá đơn để in (ids) hoặc một đợt thu (runId)', [
        { path: 'ids', message: 'Bắt buộc khi không có runId' },
      ]);
    }
    const ids = query.runId
      ? await billIdsOfRun(c.env.DB, billerId, query.runId, MAX_PRINTED_BILLS)
      : [
          ...new Set(
            query
              .ids!.split(',')
              .map((id) => id.trim())
              .filter(Boolean),
          ),
        ];
    if (ids.length > MAX_PRINTED_BILLS || ids.some((id) => id.length > 64)) {
      throw new ApiError(400, 'validation_failed', `In tối đa ${MAX_PRINTED_BILLS} hoá đơn mỗi lần`, [
        { path: 'ids', message: 'Quá nhiều hoá đơn' },
      ]);
    }
    const origin = publicUrl(c.env, c.req.url, '/').replace(/\/$/, '');
    return c.json({ items: await printedBills(c.env.DB, billerId, ids, origin) }, 200);
  },
);

export default billImports;
