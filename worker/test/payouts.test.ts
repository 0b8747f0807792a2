import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { releaseDue } from '../src/payouts/balance';
import { flagOverduePayouts } from '../src/reconciliation/statement-debits';
import { buildPayoutSeedStatements } from '../src/seed/payouts';
import { api, bearer, expectError, jsonRequest, login, seedDemo } from './helpers';
import { createPayment, getPayment, noticeFor, postBankNotice, randomAddress } from './payment-helpers';

// Two sellers of the demo catalogue: HTX Gốm Phù Lãng (seller@) and Đình Bảng food (seller2@).
const VASE = 'prd_binh_gom_men_da_luon_phu_lang'; // 850.000 ₫
const CAKE = 'prd_banh_phu_the_dinh_bang'; // 55.000 ₫
const POTTERY = 'org_htx_phu_lang';
const FOOD = 'org_dinh_bang_food';
const PLATFORM_ACCOUNT = '12010009998888';
const DAY = 86_400_000;
const RUN_KEY = crypto.randomUUID();
/** The settings these numbers are worked out with: a 7-day hold and a 2.5 % commission. */
const SETTINGS = { holdDays: 7, commissionBps: 250 };

let potter: string;
let baker: string;
let shopper: string;
let admin: string;
let admin2: string;

interface Balance {
  pending: number;
  available: number;
  inTransfer: number;
  paidOut: number;
}
interface PayoutJson {
  id: string;
  reference: string;
  organizationId: string;
  amount: number;
  status: string;
  holdReason: string | null;
}
interface RunJson {
  run: { id: string; cutoffDate: string; status: string; payouts: number; total: number };
  payouts: PayoutJson[];
}

const vietnamDay = (offsetDays = 0) => new Date(Date.now() + 7 * 3600_000 + offsetDays * DAY).toISOString().slice(0, 10);

async function balanceOf(token: string): Promise<Balance> {
  const res = await api('/api/v1/seller/balance', bearer(token));
  expect(res.status).toBe(200);
  return res.json<Balance>();
}

function createRun(token: string, cutoffDate: string, key: string = crypto.randomUUID()) {
  const init = jsonRequest('POST', { cutoffDate }, token);
  (init.headers as Record<string, string>)['Idempotency-Key'] = key;
  return api('/api/v1/admin/payout-runs', init);
}

const approve = (runId: string, token: string) => api(`/api/v1/admin/payout-runs/${runId}/approve`, jsonRequest('POST', {}, token));

function importStatement(lines: string[]) {
  const form = new FormData();
  form.append('file', new File([`bookedAt,amount,description,transactionId\n${lines.join('\n')}\n`], 'sao-ke.csv', { type: 'text/csv' }));
  form.append('accountNumber', PLATFORM_ACCOUNT);
  return api('/api/v1/reconciliation/statements', { method: 'POST', headers: { Authorization: `Bearer ${admin}` }, body: form });
}

const payoutEvents = async (payoutId: string) =>
  (
    await env.DB.prepare('SELECT event, from_status, to_status FROM payout_events WHERE payout_id = ?1 ORDER BY created_at, rowid')
      .bind(payoutId)
      .all<{ event: string; from_status: string | null; to_status: string }>()
  ).results.map((e) => `${e.from_status ?? '∅'} --${e.event}--> ${e.to_status}`);

const payoutExceptions = async (payoutId: string) =>
  (
    await env.DB.prepare('SELECT type, amount, expected_amount FROM payment_exceptions WHERE payout_id = ?1 ORDER BY created_at, rowid')
      .bind(payoutId)
      .all<{ type: string; amount: number; expected_amount: number }>()
  ).results;

/** A guest buys two vases (1.700.000 ₫ from the potters) and three boxes of cake (165.000 ₫ from the bakers), and pays. */
async function paidOrder() {
  const init = jsonRequest('POST', {
    items: [
      { productId: VASE, quantity: 2 },
      { productId: CAKE, quantity: 3 },
    ],
    buyer: { name: 'Trần Thị Mai', phone: '0912345678', address: 'Số 5, phường Kinh Bắc, Bắc Ninh' },
  });
  (init.headers as Record<string, string>)['CF-Connecting-IP'] = randomAddress();
  const res = await api('/api/v1/orders', init);
  expect(res.status).toBe(201);
  const order = await res.json<{ id: string; accessToken: string; subOrders: Array<{ id: string; sellerId: string }> }>();
  const payment = await createPayment({ orderId: order.id, orderToken: order.accessToken, method: 'vietqr' });
  expect((await postBankNotice(noticeFor(payment))).status).toBe(200);
  expect((await getPayment(payment.id)).status).toBe('paid');
  const sub = (sellerId: string) => order.subOrders.find((s) => s.sellerId === sellerId)!.id;
  return { pottery: sub(POTTERY), food: sub(FOOD) };
}

async function deliver(subOrderId: string, token: string) {
  for (const body of [{ status: 'confirmed' }, { status: 'shipped', carrier: 'ghn', trackingNumber: 'GHN-1' }, { status: 'delivered' }]) {
    expect((await api(`/api/v1/seller/orders/${subOrderId}/status`, jsonRequest('POST', body, token))).status).toBe(200);
  }
}

beforeAll(async () => {
  await seedDemo();
  // The dev seed's order of HTX Rượu làng Vân, delivered on 20/11/2026 (what `npm run dev` loads).
  await env.DB.batch(buildPayoutSeedStatements().map(({ sql, params }) => env.DB.prepare(sql).bind(...params)));
  [potter, baker, shopper, admin, admin2] = await Promise.all([
    login('seller@choso.test'),
    login('seller2@choso.test'),
    login('shopper@choso.test'),
    login('admin@choso.test'),
    login('admin2@choso.test'),
  ]);
});

describe('a seller is paid for a delivered order', () => {
  let run: RunJson;
  let potteryPayout: PayoutJson;

  it('keeps a paid sub-order pending, each seller seeing only its own balance', async () => {
    const { pottery, food } = await paidOrder();
    expect(await balanceOf(potter)).toEqual({ pending: 1_700_000, available: 0, inTransfer: 0, paidOut: 0 });
    expect(await balanceOf(baker)).toEqual({ pending: 165_000, available: 0, inTransfer: 0, paidOut: 0 });
    await deliver(pottery, potter);
    await deliver(food, baker);
    // Delivered today: still in its hold. Only the demo order of HTX Rượu làng Vân (delivered 20/11/2026) is released.
    expect(await releaseDue(env.DB, new Date().toISOString(), SETTINGS)).toBe(1);
    expect((await balanceOf(potter)).pending).toBe(1_700_000);
  });

  it('makes a delivered sub-order available after the hold, less the commission rounded down, once', async () => {
    const afterHold = new Date(Date.now() + 8 * DAY).toISOString();
    expect(await releaseDue(env.DB, afterHold, SETTINGS)).toBe(2);
    expect(await releaseDue(env.DB, afterHold, SETTINGS)).toBe(0);
    // 1.700.000 ₫ less 2.5 % (42.500 ₫); 165.000 ₫ less 4.125 ₫.
    expect(await balanceOf(potter)).toEqual({ pending: 0, available: 1_657_500, inTransfer: 0, paidOut: 0 });
    expect(await balanceOf(baker)).toEqual({ pending: 0, available: 160_875, inTransfer: 0, paidOut: 0 });
    const commission = await env.DB.prepare(
      "SELECT sum(debit) - sum(credit) AS total FROM ledger_lines WHERE account = 'commission:platform'",
    ).first<{ total: number }>();
    // 42.500 + 4.125 ₫, and 32.500 ₫ on the demo order's 1.300.000 ₫.
    expect(commission!.total).toBe(79_125);
  });

  it('makes one payout per seller, holding the one without a bank account with its reason', async () => {
    await env.DB.prepare('UPDATE organizations SET bank_bin = NULL, bank_account_no = NULL, bank_account_name = NULL WHERE id = ?1')
      .bind(FOOD)
      .run();
    const res = await createRun(admin, vietnamDay(), RUN_KEY);
    expect(res.status).toBe(201);
    run = await res.json<RunJson>();
    // The potters' 1.657.500 ₫ and the demo seller's 1.267.500 ₫; the bakers' payout is held.
    expect(run.run).toMatchObject({ status: 'awaiting_approval', payouts: 2, total: 2_925_000 });
    const byOrg = new Map(run.payouts.map((p) => [p.organizationId, p]));
    potteryPayout = byOrg.get(POTTERY)!;
    expect(potteryPayout).toMatchObject({ amount: 1_657_500, status: 'awaiting_approval', holdReason: null });
    expect(potteryPayout.reference).toMatch(/^PO[2-9A-HJKMNP-Z]{5}$/);
    expect(byOrg.get('org_htx_ruou_lang_van')).toMatchObject({ amount: 1_267_500, status: 'awaiting_approval' });
    expect(byOrg.get(FOOD)).toMatchObject({
      amount: 160_875,
      status: 'held',
      holdReason: expect.stringContaining('Chưa có tài khoản ngân hàng'),
    });
    // The potters' money is reserved for the payout; the bakers' stays available.
    expect(await balanceOf(potter)).toEqual({ pending: 0, available: 0, inTransfer: 1_657_500, paidOut: 0 });
    expect((await balanceOf(baker)).available).toBe(160_875);
  });

  it('answers the same run for the same cut-off, and refuses a key reused for another cut-off', async () => {
    const again = await createRun(admin2, vietnamDay());
    expect(again.status).toBe(200);
    expect((await again.json<RunJson>()).run.id).toBe(run.run.id);
    expect((await createRun(admin, vietnamDay(), RUN_KEY)).status).toBe(200);
    await expectError(await createRun(admin, vietnamDay(-1), RUN_KEY), 409, 'idempotency_key_reused');
    await expectError(await createRun(admin, vietnamDay(2)), 400, 'validation_failed');
    const missingKey = await api('/api/v1/admin/payout-runs', jsonRequest('POST', {}, admin));
    await expectError(missingKey, 400, 'idempotency_key_required');
  });

  it('is approved only by a different admin, and only then gives the transfer file', async () => {
    await expectError(await api(`/api/v1/admin/payout-runs/${run.run.id}/transfers.csv`, bearer(admin)), 409, 'not_approved');
    await expectError(await approve(run.run.id, admin), 403, 'second_person_required');
    const approved = await approve(run.run.id, admin2);
    expect(approved.status).toBe(200);
    expect((await approved.json<RunJson>()).payouts.find((p) => p.id === potteryPayout.id)!.status).toBe('approved');
    await expectError(await approve(run.run.id, admin2), 409, 'already_approved');

    const langVan = run.payouts.find((p) => p.organizationId === 'org_htx_ruou_lang_van')!;
    const csv = await api(`/api/v1/admin/payout-runs/${run.run.id}/transfers.csv`, bearer(admin));
    expect(csv.status).toBe(200);
    expect(csv.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    // The byte-order mark is part of the file (Excel needs it): read the bytes as they are.
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(await csv.arrayBuffer())).toBe(
      '\uFEFFSTT,Số tài khoản thụ hưởng,Mã ngân hàng (BIN),Tên ngân hàng,Tên người thụ hưởng,Số tiền,Nội dung chuyển khoản\r\n' +
        `1,2605205118334,970405,Agribank,HTX GOM PHU LANG,1657500,CHOSO ${potteryPayout.reference}\r\n` +
        `2,2504205067891,970405,Agribank,HTX RUOU LANG VAN,1267500,CHOSO ${langVan.reference}\r\n`,
    );
  });

  it('files a debit of the wrong amount as an exception and leaves the payout waiting', async () => {
    const res = await importStatement([`02/12/2026 10:00,-1657000,IBFT CHOSO ${potteryPayout.reference} HTX GOM PHU LANG,DB-WRONG`]);
    expect(res.status).toBe(201);
    expect(await payoutExceptions(potteryPayout.id)).toEqual([{ type: 'amount_mismatch', amount: 1_657_000, expected_amount: 1_657_500 }]);
    expect((await balanceOf(potter)).inTransfer).toBe(1_657_500);
    // An admin works it in the exceptions queue: it can only be dismissed (no money came in to match or send back).
    const [exception] = (
      await (
        await api('/api/v1/reconciliation/exceptions?status=open&type=amount_mismatch', bearer(admin))
      ).json<{
        items: Array<{ id: string; details: { payoutReference?: string } }>;
      }>()
    ).items.filter((item) => item.details.payoutReference === potteryPayout.reference);
    const resolve = (body: unknown) => api(`/api/v1/reconciliation/exceptions/${exception!.id}/resolve`, jsonRequest('POST', body, admin));
    await expectError(await resolve({ action: 'refund', note: 'thử' }), 409, 'nothing_to_refund');
    expect((await resolve({ action: 'dismiss', note: 'Ngân hàng chuyển lại đúng số tiền' })).status).toBe(200);
  });

  it('is confirmed by the statement debit with its reference and amount, exactly once', async () => {
    const line = `02/12/2026 10:05,-1657500,IBFT.choso ${potteryPayout.reference.toLowerCase()}.HTX GOM PHU LANG,DB-RIGHT`;
    expect((await importStatement([line])).status).toBe(201);
    expect((await importStatement([line])).status).toBe(201);
    expect(await balanceOf(potter)).toEqual({ pending: 0, available: 0, inTransfer: 0, paidOut: 1_657_500 });
    expect(await payoutEvents(potteryPayout.id)).toEqual([
      '∅ --create--> awaiting_approval',
      'awaiting_approval --approve--> approved',
      'approved --confirm--> paid',
    ]);
    expect(await payoutExceptions(potteryPayout.id)).toHaveLength(1);
    const mine = await api('/api/v1/seller/payouts', bearer(potter));
    expect((await mine.json<{ items: PayoutJson[] }>()).items.map((p) => [p.reference, p.amount, p.status])).toEqual([
      [potteryPayout.reference, 1_657_500, 'paid'],
    ]);
  });

  it('flags an approved payout with no debit after N days, then makes a failed one available again', async () => {
    await env.DB.prepare(
      "UPDATE organizations SET bank_bin = '970436', bank_account_no = '0011002233', bank_account_name = 'CONG TY DINH BANG' WHERE id = ?1",
    )
      .bind(FOOD)
      .run();
    const second = await (await createRun(admin2, vietnamDay(-1))).json<RunJson>();
    const food = second.payouts.find((p) => p.organizationId === FOOD)!;
    expect(food).toMatchObject({ amount: 160_875, status: 'awaiting_approval' });
    expect((await approve(second.run.id, admin)).status).toBe(200);
    expect(await balanceOf(baker)).toEqual({ pending: 0, available: 0, inTransfer: 160_875, paidOut: 0 });

    expect(await flagOverduePayouts(env.DB, new Date(Date.now() + 2 * DAY).toISOString(), 3)).toBe(0);
    // The bakers' payout and the demo seller's, approved in the first run and never debited.
    expect(await flagOverduePayouts(env.DB, new Date(Date.now() + 4 * DAY).toISOString(), 3)).toBe(2);
    expect(await flagOverduePayouts(env.DB, new Date(Date.now() + 5 * DAY).toISOString(), 3)).toBe(0);
    expect(await payoutExceptions(food.id)).toEqual([{ type: 'missing_at_bank', amount: 160_875, expected_amount: 160_875 }]);

    const failed = await api(`/api/v1/admin/payouts/${food.id}/fail`, jsonRequest('POST', { reason: 'Sai số tài khoản' }, admin));
    expect(failed.status).toBe(200);
    expect(await failed.json()).toMatchObject({ status: 'failed', failReason: 'Sai số tài khoản' });
    expect(await balanceOf(baker)).toEqual({ pending: 0, available: 160_875, inTransfer: 0, paidOut: 0 });
    await expectError(
      await api(`/api/v1/admin/payouts/${food.id}/fail`, jsonRequest('POST', { reason: 'Lần nữa' }, admin)),
      409,
      'payout_not_in_transfer',
    );
  });

  it('keeps every ledger journal balanced', async () => {
    const { results } = await env.DB.prepare(
      'SELECT journal_id, sum(debit) - sum(credit) AS off FROM ledger_lines GROUP BY journal_id HAVING off <> 0',
    ).all();
    expect(results).toEqual([]);
  });
});

describe('who may see payouts', () => {
  it.each([
    ['/api/v1/seller/balance', 'shopper', 403],
    ['/api/v1/seller/payouts', 'admin', 403],
    ['/api/v1/admin/payout-runs', 'seller', 403],
    ['/api/v1/admin/payout-runs', 'shopper', 403],
    ['/api/v1/admin/payout-runs/prun_missing', 'admin', 404],
  ] as const)('GET %s as %s → %i', async (path, who, status) => {
    const token = { shopper, admin, seller: potter }[who];
    await expectError(await api(path, bearer(token)), status);
  });

  it('asks a guest to sign in', async () => {
    await expectError(await api('/api/v1/seller/balance'), 401, 'unauthorized');
    await expectError(await api('/api/v1/admin/payout-runs'), 401, 'unauthorized');
  });
});
