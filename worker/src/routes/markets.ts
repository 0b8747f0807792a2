import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { html, raw } from 'hono/html';
import QRCode from 'qrcode';
import { findMarket, findStall, insertMarket, listFeeRuns, listMarkets, listStalls, listStallsForSheet, type Market } from '../db/markets';
import { findPayeeAccount } from '../db/organizations';
import { bankName } from '../domain/banks';
import { formatVnd } from '../domain/money';
import { newId } from '../domain/tokens';
import { encodeVietQr } from '../domain/vietqr';
import type { AppEnv } from '../env';
import { ApiError, forbidden } from '../errors';
import { requireUser } from '../middleware/session';
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../openapi';
import { vietQrPurpose } from '../payments/providers';
import { createFeeRun } from '../reconciliation/fee-runs';
import { addStalls, parseStallCsv, StallInput } from '../reconciliation/stalls';

/** Market managers see their own board's markets; admins see every board's. */
function requireMarketViewer(c: Context<AppEnv>): { userId: string; boardId: string | null } {
  const user = requireUser(c);
  if (user.role === 'admin') return { userId: user.id, boardId: null };
  if (user.role === 'market_manager' && user.organization?.kind === 'market_board')
    return { userId: user.id, boardId: user.organization.id };
  throw forbidden('Chỉ ban quản lý chợ mới quản lý chợ và ki-ốt');
}

async function loadMarket(c: Context<AppEnv>, id: string): Promise<{ market: Market; userId: string }> {
  const { userId, boardId } = requireMarketViewer(c);
  const market = await findMarket(c.env.DB, id);
  // Another board's market answers like a missing one.
  if (!market || (boardId !== null && market.boardId !== boardId))
    throw new ApiError(404, 'market_not_found', 'Không tìm thấy chợ này trong các chợ của bạn');
  return { market, userId };
}

const MarketSchema = z
  .object({
    id: z.string(),
    boardId: z.string(),
    boardName: z.string(),
    name: z.string(),
    address: z.string(),
    stallCount: z.number().int(),
    createdAt: z.string(),
  })
  .openapi('Market');

const StallSchema = z
  .object({
    id: z.string(),
    marketId: z.string(),
    code: z.string(),
    traderName: z.string(),
    traderPhone: z.string(),
    monthlyFee: z.number().int(),
    status: z.enum(['active', 'vacant']),
    reference: z
      .string()
      .openapi({ description: "Carried by the stall's static QR; a transfer with it pays the stall's oldest open bill" }),
    openBills: z.number().int(),
    qrSvgUrl: z.string(),
    createdAt: z.string(),
  })
  .openapi('Stall');

const FeeRunSchema = z
  .object({
    id: z.string(),
    marketId: z.string(),
    period: z.string(),
    billsCreated: z.number().int(),
    totalAmount: z.number().int(),
    paidBills: z.number().int(),
    paidAmount: z.number().int(),
    collectionRate: z.number(),
    createdAt: z.string(),
  })
  .openapi('FeeRun');

const stallToJson = (stall: Awaited<ReturnType<typeof listStalls>>[number]) => ({
  ...stall,
  qrSvgUrl: `/api/v1/stalls/${stall.id}/qr.svg`,
});

const MarketIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

const markets = createRouter();

markets.use('/*', async (c, next) => {
  requireMarketViewer(c);
  await next();
});

markets.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['Markets'],
    summary: "Your board's markets",
    responses: { 200: jsonResponse('Markets', z.object({ items: z.array(MarketSchema) })), ...errorResponses(401, 403) },
  }),
  async (c) => c.json({ items: await listMarkets(c.env.DB, requireMarketViewer(c).boardId) }, 200),
);

markets.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: ['Markets'],
    summary: 'Add a market to your board',
    request: {
      body: jsonBody(
        z
          .strictObject({ name: z.string().trim().min(1).max(200), address: z.string().trim().max(300).default('') })
          .openapi('MarketCreate'),
      ),
    },
    responses: { 201: jsonResponse('The market', MarketSchema), ...errorResponses(400, 401, 403) },
  }),
  async (c) => {
    const { boardId } = requireMarketViewer(c);
    if (!boardId) throw forbidden('Chợ do chính ban quản lý chợ thêm vào');
    const id = newId('mkt');
    await insertMarket(c.env.DB, { id, boardId, ...c.req.valid('json') });
    return c.json((await findMarket(c.env.DB, id))!, 201);
  },
);

markets.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/stalls',
    tags: ['Markets'],
    summary: "A market's stalls",
    request: { params: MarketIdParam },
    responses: { 200: jsonResponse('Stalls', z.object({ items: z.array(StallSchema) })), ...errorResponses(401, 403, 404) },
  }),
  async (c) => {
    const { market } = await loadMarket(c, c.req.valid('param').id);
    return c.json({ items: (await listStalls(c.env.DB, market.id)).map(stallToJson) }, 200);
  },
);

markets.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/stalls',
    tags: ['Markets'],
    summary: 'Add a stall',
    request: { params: MarketIdParam, body: jsonBody(StallInput.openapi('StallCreate')) },
    responses: { 201: jsonResponse('The stall', StallSchema), ...errorResponses(400, 401, 403, 404, 409) },
  }),
  async (c) => {
    const { market } = await loadMarket(c, c.req.valid('param').id);
    const [id] = await addStalls(c.env.DB, market.id, [c.req.valid('json')]);
    return c.json(stallToJson((await findStall(c.env.DB, id!))!), 201);
  },
);

markets.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/stalls/import',
    tags: ['Markets'],
    summary: 'Import stalls from CSV (all or nothing)',
    description:
      'Columns code,traderName,traderPhone,monthlyFee,status (or Vietnamese headers "Mã ki-ốt", "Tiểu thương", "Số điện thoại", "Phí tháng", "Trạng thái").',
    request: {
      params: MarketIdParam,
      body: {
        required: true,
        content: { 'multipart/form-data': { schema: z.object({ file: z.any().openapi({ type: 'string', format: 'binary' }) }) } },
      },
    },
    responses: { 201: jsonResponse('Imported', z.object({ imported: z.number().int() })), ...errorResponses(400, 401, 403, 404, 409) },
  }),
  async (c) => {
    const { market } = await loadMarket(c, c.req.valid('param').id);
    const file = c.req.valid('form').file as unknown;
    if (!(file instanceof File))
      throw new ApiError(400, 'validation_failed', 'Hãy đính kèm tệp CSV ở trường file', [{ path: 'file', message: 'Bắt buộc' }]);
    const stalls = parseStallCsv(await file.text());
    await addStalls(c.env.DB, market.id, stalls);
    return c.json({ imported: stalls.length }, 201);
  },
);

const PeriodBody = z
  .strictObject({ period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'A month written YYYY-MM, e.g. 2026-12') })
  .openapi('FeeRunCreate');

markets.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/fee-runs',
    tags: ['Markets'],
    summary: "Issue a month's stall fees",
    description: 'One market_fee bill per active stall. Running it again for the same month creates nothing and returns the same run.',
    request: { params: MarketIdParam, body: jsonBody(PeriodBody) },
    responses: { 201: jsonResponse('The fee run', FeeRunSchema), ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const { market, userId } = await loadMarket(c, c.req.valid('param').id);
    const run = await createFeeRun(c.env.DB, market, c.req.valid('json').period, userId, new Date().toISOString());
    return c.json(run, 201);
  },
);

markets.openapi(
  createRoute({
    method: 'get',
    path: '/{id}/fee-runs',
    tags: ['Markets'],
    summary: "A market's fee runs with their collection rate",
    request: { params: MarketIdParam },
    responses: { 200: jsonResponse('Fee runs', z.object({ items: z.array(FeeRunSchema) })), ...errorResponses(401, 403, 404) },
  }),
  async (c) => {
    const { market } = await loadMarket(c, c.req.valid('param').id);
    return c.json({ items: await listFeeRuns(c.env.DB, market.id) }, 200);
  },
);

/** The static VietQR of a stall: no amount, the board's account, the stall's reference. */
export async function stallQrPayload(db: D1Database, stall: { boardId: string; reference: string; code: string }): Promise<string> {
  return staticStallQr(await findPayeeAccount(db, stall.boardId), stall);
}

/** The same, for a board account already read (the sheet reads it once for every stall). */
function staticStallQr(
  board: { bankBin: string | null; accountNo: string | null } | null,
  stall: { reference: string; code: string },
): string {
  if (!board?.bankBin || !board.accountNo)
    throw new ApiError(409, 'payee_account_missing', 'Ban quản lý chợ chưa có tài khoản ngân hàng để nhận tiền');
  return encodeVietQr({
    bankBin: board.bankBin,
    accountNumber: board.accountNo,
    billNumber: stall.reference,
    purpose: vietQrPurpose(stall.reference, `Phi cho ${stall.code}`),
  });
}

const qrSvg = (text: string, margin: number) => QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin });

markets.get('/:id/stalls/sheet', async (c) => {
  const { market } = await loadMarket(c, c.req.param('id'));
  const { stalls, board } = await listStallsForSheet(c.env.DB, market.id);
  // Each card is cut out and hung at its stall: it carries the account too, so a trader whose
  // app cannot scan (or who pays at the counter) can still transfer by hand and check the payee.
  const payee = board.bankBin && board.accountNo ? payeeLines(board.bankBin, board.accountNo, board.accountName) : null;
  const cards = await Promise.all(
    stalls.map(async (stall) => {
      const svg = await qrSvg(staticStallQr(board, stall), 1);
      return html`<section class="card"><h2>Ki-ốt ${stall.code}</h2>${raw(svg)}<p>${stall.traderName}</p><p class="fee">Phí tháng: ${formatVnd(stall.monthlyFee)}</p><p class="ref">Nội dung: ${stall.reference}</p>${payee ? html`<p class="payee">${payee.bank}<br />STK ${payee.account}${payee.name ? html`<br />${payee.name}` : ''}</p>` : ''}</section>`;
    }),
  );
  return c.html(stallSheet(market.name, cards, payee));
});

/** The board's account as printed: the bank's name, the number in groups of four, the holder. */
function payeeLines(bankBin: string, accountNo: string, accountName: string | null) {
  return { bank: bankName(bankBin), account: accountNo.replace(/(\d{4})(?=\d)/g, '$1 '), name: accountName };
}

function stallSheet(marketName: string, cards: unknown[], payee: { bank: string; account: string; name: string | null } | null) {
  return html`<!doctype html>
<html lang="vi"><head><meta charset="utf-8" /><title>Mã QR ki-ốt · ${marketName}</title>
<style>
  @page { size: A4; margin: 10mm; }
  body { font-family: system-ui, 'Noto Sans', Arial, sans-serif; margin: 0; }
  h1 { font-size: 14pt; margin: 0 0 4mm; }
  .grid { display: grid; grid-template-columns: repeat(3, 1fr); gap: 4mm; }
  .card { border: 1px dashed #666; padding: 3mm; text-align: center; break-inside: avoid; }
  .card h2 { font-size: 16pt; margin: 0; }
  .card svg { width: 45mm; height: 45mm; }
  .card p { margin: 1mm 0; font-size: 10pt; }
  .ref { font-family: monospace; font-size: 11pt; font-weight: 700; }
  .payee { font-size: 9pt; }
  .account { font-size: 11pt; margin: 0 0 4mm; }
</style></head>
<body><h1>${marketName}: quét mã để nộp phí chợ bằng ứng dụng ngân hàng</h1>${
    payee
      ? html`<p class="account">Tài khoản nhận tiền: ${payee.bank}, số tài khoản ${payee.account}${payee.name ? html`, chủ tài khoản ${payee.name}` : ''}. Chuyển khoản tay thì ghi đúng nội dung in trên thẻ ki-ốt.</p>`
      : ''
  }<div class="grid">${cards}</div></body></html>`;
}

export default markets;

export const stalls = createRouter();

stalls.get('/:id/qr.svg', async (c) => {
  const { boardId } = requireMarketViewer(c);
  const stall = await findStall(c.env.DB, c.req.param('id'));
  if (!stall || (boardId !== null && stall.boardId !== boardId))
    throw new ApiError(404, 'stall_not_found', 'Không tìm thấy ki-ốt này trong các chợ của bạn');
  const svg = await qrSvg(await stallQrPayload(c.env.DB, stall), 2);
  return c.body(svg, 200, { 'Content-Type': 'image/svg+xml; charset=utf-8', 'Cache-Control': 'private, max-age=3600' });
});
