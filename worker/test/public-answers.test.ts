// What a stranger who knows a bill code, or sends a request with a Host of their own, can get:
// no more guesses than the lookup allows, a receipt that shows only what the lookup shows, and
// links that point at our own address.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import app from '../src/app';
import { newBillCode } from '../src/domain/codes';
import { api, bearer, expectError, jsonRequest, login, seedDemo } from './helpers';
import { createPayment, getPayment, insertOpenBill, noticeFor, postBankNotice, randomAddress } from './payment-helpers';
import { STANDIN, type StandinForm } from './stripe-helpers';

let school: string;
beforeAll(async () => {
  await seedDemo();
  school = await login('biller@choso.test');
});

const fromAddress = (address: string, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string>), 'CF-Connecting-IP': address },
});
const startByCode = (code: string, address: string) =>
  api(
    '/api/v1/payments',
    fromAddress(address, {
      ...jsonRequest('POST', { billCode: code }),
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
    }),
  );

async function paidSchoolBill() {
  const code = await insertOpenBill(newBillCode(), 'org_school_dinh_bang', 275000);
  const payment = await createPayment({ billCode: code });
  await postBankNotice(noticeFor(payment));
  expect((await getPayment(payment.id)).status).toBe('paid');
  return payment;
}

describe('payments by bill code are under the lookup allowance', () => {
  it('counts starting a payment by code and looking a code up against one allowance per client', async () => {
    const address = randomAddress();
    for (let i = 0; i < 20; i++) expect((await api(`/api/v1/bills/lookup/${newBillCode()}`, fromAddress(address))).status).toBe(404);
    for (let i = 0; i < 10; i++) expect((await startByCode(newBillCode(), address)).status).toBe(404);
    const refused = await startByCode(newBillCode(), address);
    await expectError(refused, 429, 'rate_limited');
    expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(0);
    await expectError(await api(`/api/v1/bills/lookup/${newBillCode()}`, fromAddress(address)), 429, 'rate_limited');
    // Another client is not held back.
    expect((await startByCode(newBillCode(), randomAddress())).status).toBe(404);
  });
});

describe('a receipt anyone can open', () => {
  it('shows the payer only as the lookup does (masked, no payer reference)', async () => {
    const payment = await paidSchoolBill();
    const html = await (await api(`/api/v1/payments/${payment.id}/receipt`)).text();
    expect(html).toContain('Ngô V** N**');
    expect(html).not.toContain('Ngô Văn Nam');
    expect(html).not.toContain('HS-X');
  });

  it("shows everything to the biller's own staff", async () => {
    const payment = await paidSchoolBill();
    const res = await api(`/api/v1/payments/${payment.id}/receipt`, bearer(school));
    expect(res.headers.get('Cache-Control')).toBe('private, no-store');
    const html = await res.text();
    expect(html).toContain('Ngô Văn Nam');
    expect(html).toContain('Mã người nộp HS-X');
    // Another organization's staff are strangers to it.
    const market = await login('market@choso.test');
    expect(await (await api(`/api/v1/payments/${payment.id}/receipt`, bearer(market))).text()).not.toContain('Ngô Văn Nam');
  });
});

describe("links we send use our address, not the caller's", () => {
  const configured = { ...env, PUBLIC_BASE_URL: 'https://cho-so.example.vn' };

  it('builds the receipt check link and its QR on PUBLIC_BASE_URL, whatever Host the request names', async () => {
    const payment = await paidSchoolBill();
    const res = await app.request(`http://evil.example/api/v1/payments/${payment.id}/receipt`, {}, configured);
    const html = await res.text();
    expect(html).toContain(`href="https://cho-so.example.vn/bien-lai/${payment.id}"`);
    expect(html).not.toContain('evil.example');
  });

  it('gives Stripe return URLs on PUBLIC_BASE_URL', async () => {
    const code = await insertOpenBill(newBillCode(), 'org_hospital', 199000);
    const res = await app.request(
      'http://evil.example/api/v1/payments',
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID(), 'CF-Connecting-IP': randomAddress() },
        body: JSON.stringify({ billCode: code, method: 'stripe' }),
      },
      configured,
    );
    expect(res.status).toBe(201);
    const { id } = await res.json<{ id: string }>();
    const { data } = (await (await fetch(`${STANDIN}/_standin/requests`)).json()) as { data: Array<{ path: string; body: StandinForm }> };
    const created = data.find((r) => r.path === '/v1/checkout/sessions' && r.body.metadata?.paymentId === id)!;
    expect(created.body.success_url).toBe(`https://cho-so.example.vn/thanh-toan/${id}`);
    expect(created.body.cancel_url).toBe(`https://cho-so.example.vn/thanh-toan/${id}`);
  });

  it('refuses to build links outside development when no public address is configured', async () => {
    const payment = await paidSchoolBill();
    const res = await app.request(
      `http://evil.example/api/v1/payments/${payment.id}/receipt`,
      {},
      { ...env, ENVIRONMENT: 'production', PUBLIC_BASE_URL: '' },
    );
    await expectError(res, 503, 'not_configured');
  });

  it('uses the request origin in development and tests, where no address is set', async () => {
    const payment = await paidSchoolBill();
    expect(await (await api(`/api/v1/payments/${payment.id}/receipt`)).text()).toContain(`http://choso.test/bien-lai/${payment.id}`);
  });
});
