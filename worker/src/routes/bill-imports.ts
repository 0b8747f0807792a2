import { createRoute, z } from '@hono/zod-openapi';
import { importBills } from '../billing/import-bills';
import { billTemplateCsv } from '../domain/bill-import';
import { isBillerKind } from '../domain/billers';
import { ApiError } from '../errors';
import { requireBillerOrganization } from '../middleware/session';
import { createRouter, errorResponses, jsonResponse } from '../openapi';

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
        content: { 'multipart/form-data': { schema: z.object({ file: z.any().openapi({ type: 'string', format: 'binary' }) }) } },
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
    const { file } = c.req.valid('form') as { file?: unknown };
    if (!(file instanceof File)) {
      throw new ApiError(400, 'validation_failed', 'Hãy đính kèm tệp hoá đơn (trường `file`, CSV hoặc Excel .xlsx)', [
        { path: 'file', message: 'Bắt buộc: tệp CSV hoặc .xlsx' },
      ]);
    }
    const kind = user.organization!.kind;
    if (!isBillerKind(kind)) throw new ApiError(403, 'forbidden', 'Đơn vị của bạn không phát hành hoá đơn');
    const summary = await importBills(c.env.DB, { file, billerId, billerKind: kind, createdBy: user.id, now: new Date().toISOString() });
    return c.json(summary, 201);
  },
);

export default billImports;
