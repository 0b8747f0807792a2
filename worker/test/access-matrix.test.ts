import { beforeAll, describe, expect, it } from 'vitest';
import { api, jsonRequest, login, seedDemo } from './helpers';

// Who may call what, for every markets, reconciliation and reports endpoint: each role
// against each endpoint, by status code. Ownership inside a role (one board, one school)
// is covered by the feature tests.
const ROLES = ['anonymous', 'shopper', 'seller', 'biller', 'market', 'admin'] as const;
type Role = (typeof ROLES)[number];
const EMAILS: Record<Exclude<Role, 'anonymous'>, string> = {
  shopper: 'shopper@choso.test',
  seller: 'seller@choso.test',
  biller: 'biller@choso.test',
  market: 'market@choso.test',
  admin: 'admin@choso.test',
};
const tokens: Partial<Record<Role, string>> = {};

const TODAY = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
const NOT_STAFF = { anonymous: 401, shopper: 403, seller: 403 } as const;

// [method, path, body, expected status per role]
const MATRIX: Array<[string, string, unknown, Record<Role, number>]> = [
  // Each signed-in user sees only their own orders; anonymous has none to see.
  ['GET', '/api/v1/me/orders', undefined, { anonymous: 401, shopper: 200, seller: 200, biller: 200, market: 200, admin: 200 }],
  [
    'GET',
    '/api/v1/open-data/ocop-products.json',
    undefined,
    { anonymous: 200, shopper: 200, seller: 200, biller: 200, market: 200, admin: 200 },
  ],
  ['GET', '/api/v1/markets', undefined, { ...NOT_STAFF, biller: 403, market: 200, admin: 200 }],
  ['POST', '/api/v1/markets', { name: 'Chợ mới' }, { ...NOT_STAFF, biller: 403, market: 201, admin: 403 }],
  ['GET', '/api/v1/markets/mkt_cho_chu/stalls', undefined, { ...NOT_STAFF, biller: 403, market: 200, admin: 200 }],
  ['GET', '/api/v1/markets/mkt_cho_chu/fee-runs', undefined, { ...NOT_STAFF, biller: 403, market: 200, admin: 200 }],
  ['POST', '/api/v1/markets/mkt_cho_chu/fee-runs', { period: '2027-03' }, { ...NOT_STAFF, biller: 403, market: 201, admin: 201 }],
  ['GET', '/api/v1/markets/mkt_cho_chu/stalls/sheet', undefined, { ...NOT_STAFF, biller: 403, market: 200, admin: 200 }],
  ['GET', '/api/v1/stalls/stl_chu_a01/qr.svg', undefined, { ...NOT_STAFF, biller: 403, market: 200, admin: 200 }],
  ['GET', '/api/v1/reconciliation/exceptions', undefined, { ...NOT_STAFF, biller: 200, market: 200, admin: 200 }],
  ['GET', '/api/v1/reconciliation/refunds', undefined, { ...NOT_STAFF, biller: 200, market: 200, admin: 200 }],
  [
    'POST',
    '/api/v1/reconciliation/exceptions/exc_missing/resolve',
    { action: 'dismiss', note: 'không có' },
    { ...NOT_STAFF, biller: 404, market: 404, admin: 404 },
  ],
  ['POST', '/api/v1/reconciliation/statements', undefined, { ...NOT_STAFF, biller: 400, market: 400, admin: 400 }],
  ['GET', '/api/v1/reconciliation/statements/stm_missing/lines', undefined, { ...NOT_STAFF, biller: 404, market: 404, admin: 404 }],
  // A bill's payments: its own biller only (the board issues stall fees); an admin belongs to no biller.
  ['GET', '/api/v1/bills/bil_demo_stall_b07/payments', undefined, { ...NOT_STAFF, biller: 404, market: 200, admin: 403 }],
  // The board closes its day first; the admin then finds it closed (409).
  [
    'POST',
    `/api/v1/reconciliation/days/${TODAY}/close`,
    { accountNumber: '113000178542' },
    { ...NOT_STAFF, biller: 404, market: 200, admin: 409 },
  ],
  ['POST', '/api/v1/reconciliation/stripe-payouts/po_unknown/check', undefined, { ...NOT_STAFF, biller: 403, market: 403, admin: 404 }],
  ['GET', '/api/v1/bank-connections', undefined, { ...NOT_STAFF, biller: 200, market: 200, admin: 200 }],
  [
    'POST',
    '/api/v1/bank-connections',
    { accountNumber: '2603205412387', provider: 'sepay', apiKey: 'sepay-key-matrix' },
    { ...NOT_STAFF, biller: 400, market: 400, admin: 400 },
  ],
  ['DELETE', '/api/v1/bank-connections/bcn_missing', undefined, { ...NOT_STAFF, biller: 404, market: 404, admin: 404 }],
  ['GET', `/api/v1/reports/daily?date=${TODAY}`, undefined, { ...NOT_STAFF, biller: 200, market: 200, admin: 200 }],
  ['GET', `/api/v1/reports/daily?date=${TODAY}&format=csv`, undefined, { ...NOT_STAFF, biller: 200, market: 200, admin: 200 }],
  ['GET', `/api/v1/reports/collections?from=${TODAY}&to=${TODAY}`, undefined, { ...NOT_STAFF, biller: 200, market: 200, admin: 200 }],
  // Seller payouts: a seller reads only its own money; payout runs are the platform admins'.
  ['GET', '/api/v1/seller/balance', undefined, { anonymous: 401, shopper: 403, seller: 200, biller: 403, market: 403, admin: 403 }],
  ['GET', '/api/v1/seller/payouts', undefined, { anonymous: 401, shopper: 403, seller: 200, biller: 403, market: 403, admin: 403 }],
  ['GET', '/api/v1/admin/payout-runs', undefined, { ...NOT_STAFF, biller: 403, market: 403, admin: 200 }],
  ['POST', '/api/v1/admin/payout-runs', {}, { ...NOT_STAFF, biller: 403, market: 403, admin: 400 }],
  ['GET', '/api/v1/admin/payout-runs/prun_missing', undefined, { ...NOT_STAFF, biller: 403, market: 403, admin: 404 }],
  ['POST', '/api/v1/admin/payout-runs/prun_missing/approve', undefined, { ...NOT_STAFF, biller: 403, market: 403, admin: 404 }],
  ['GET', '/api/v1/admin/payout-runs/prun_missing/transfers.csv', undefined, { ...NOT_STAFF, biller: 403, market: 403, admin: 404 }],
  ['POST', '/api/v1/admin/payouts/po_missing/fail', { reason: 'không có' }, { ...NOT_STAFF, biller: 403, market: 403, admin: 404 }],
  // A seller's own sub-orders: sellers only (an admin belongs to no producer); another's is a 404.
  ['GET', '/api/v1/seller/orders', undefined, { ...NOT_STAFF, seller: 200, biller: 403, market: 403, admin: 403 }],
  ['GET', '/api/v1/seller/orders/ord_missing_1', undefined, { ...NOT_STAFF, seller: 404, biller: 403, market: 403, admin: 403 }],
  [
    'POST',
    '/api/v1/seller/orders/ord_missing_1/status',
    { status: 'confirmed' },
    { ...NOT_STAFF, seller: 404, biller: 403, market: 403, admin: 403 },
  ],
  // Onboarding and moderation: admins only (creations without an Idempotency-Key answer 400).
  ['GET', '/api/v1/admin/organizations', undefined, { ...NOT_STAFF, biller: 403, market: 403, admin: 200 }],
  [
    'POST',
    '/api/v1/admin/organizations',
    { kind: 'household', name: 'Hộ ông Tư', commune: 'Tân Yên', province: 'Bắc Ninh' },
    { ...NOT_STAFF, biller: 403, market: 403, admin: 400 },
  ],
  ['GET', '/api/v1/admin/organizations/org_htx_phu_lang/members', undefined, { ...NOT_STAFF, biller: 403, market: 403, admin: 200 }],
  [
    'POST',
    '/api/v1/admin/organizations/org_htx_phu_lang/members/usr_missing/deactivate',
    undefined,
    { ...NOT_STAFF, biller: 403, market: 403, admin: 404 },
  ],
  ['GET', '/api/v1/admin/products/hidden', undefined, { ...NOT_STAFF, biller: 403, market: 403, admin: 200 }],
  ['POST', '/api/v1/admin/products/prd_missing/hide', { reason: 'Sai ảnh' }, { ...NOT_STAFF, biller: 403, market: 403, admin: 404 }],
  // A seller's own catalogue: sellers only.
  ['GET', '/api/v1/seller/products', undefined, { anonymous: 401, shopper: 403, seller: 200, biller: 403, market: 403, admin: 403 }],
];

beforeAll(async () => {
  await seedDemo();
  for (const role of ROLES) if (role !== 'anonymous') tokens[role] = await login(EMAILS[role]);
});

describe('access by role', () => {
  const cases = MATRIX.flatMap(([method, path, body, expected]) =>
    ROLES.map((role) => [method, path, role, body, expected[role]] as const),
  );
  it.each(cases)('%s %s as %s', async (method, path, role, body, status) => {
    const init = jsonRequest(method, body, tokens[role]);
    if (body === undefined) delete (init.headers as Record<string, string>)['Content-Type'];
    expect((await api(path, init)).status).toBe(status);
  });
});
