import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { decryptCredentials, encryptCredentials } from '../src/domain/connection-crypto';
import { createConnection, SCHOOL_ACCOUNT } from './bank-source-helpers';
import { api, bearer, expectError, jsonRequest, login, seedDemo } from './helpers';

let school: string;
let market: string;
let admin: string;

const post = (token: string, body: unknown, key: string | null = crypto.randomUUID()) => {
  const init = jsonRequest('POST', body, token);
  if (key) (init.headers as Record<string, string>)['Idempotency-Key'] = key;
  return api('/api/v1/bank-connections', init);
};

async function storedRow(id: string) {
  return (await env.DB.prepare('SELECT * FROM bank_connections WHERE id = ?1').bind(id).first<Record<string, string>>())!;
}

beforeAll(async () => {
  await seedDemo();
  [school, market, admin] = await Promise.all([login('biller@choso.test'), login('market@choso.test'), login('admin@choso.test')]);
});

describe('POST /api/v1/bank-connections', () => {
  it("connects the school's account to SePay and answers its webhook URL and Vietnamese instructions", async () => {
    const { connection, instructions } = await createConnection(school, {
      accountNumber: SCHOOL_ACCOUNT,
      provider: 'sepay',
      apiKey: 'sepay-secret-key-9f3a',
    });
    expect(connection).toMatchObject({
      provider: 'sepay',
      providerName: 'SePay',
      accountNumber: SCHOOL_ACCOUNT,
      organizationId: 'org_school_dinh_bang',
      status: 'active',
      credentialHints: { apiKey: '…9f3a' },
    });
    expect(connection.webhookUrl).toBe(`http://choso.test/api/v1/webhooks/bank/${connection.id}`);
    expect(instructions.join('\n')).toContain(`Gọi đến URL: ${connection.webhookUrl}`);
    expect(instructions.join('\n')).toContain('API Key');
  });

  it('stores the credentials encrypted: the row does not contain the secret, and it decrypts with the key', async () => {
    const secret = 'casso-checksum-PLAINTEXT-abcd';
    const { connection } = await createConnection(school, { accountNumber: SCHOOL_ACCOUNT, provider: 'casso', checksumKey: secret });
    const row = await storedRow(connection.id);
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(JSON.stringify(row)).not.toContain('PLAINTEXT');
    expect(row.credentials_ciphertext).toMatch(/^v1\./);
    expect(await decryptCredentials(['test-connection-key'], connection.id, row.credentials_ciphertext!)).toEqual({ checksumKey: secret });
    // Bound to its own row: the same ciphertext does not open as another connection's.
    expect(await decryptCredentials(['test-connection-key'], 'bcn_other', row.credentials_ciphertext!)).toBeNull();
  });

  it('reads credentials written with the previous key while rotating, and not with an unknown key', async () => {
    const sealed = await encryptCredentials(['previous-connection-key'], 'bcn_rotation', { secret: 'x'.repeat(20) });
    expect(await decryptCredentials(['test-connection-key', 'previous-connection-key'], 'bcn_rotation', sealed)).toEqual({
      secret: 'x'.repeat(20),
    });
    expect(await decryptCredentials(['test-connection-key'], 'bcn_rotation', sealed)).toBeNull();
  });

  it('returns the same connection for the same Idempotency-Key and body, 409 for another body', async () => {
    const key = crypto.randomUUID();
    const body = { accountNumber: SCHOOL_ACCOUNT, provider: 'signed_json', secret: 'signed-json-secret-0001' };
    const first = await (await post(school, body, key)).json<{ connection: { id: string } }>();
    const again = await post(school, body, key);
    expect(again.status).toBe(201);
    expect((await again.json<{ connection: { id: string } }>()).connection.id).toBe(first.connection.id);
    await expectError(await post(school, { ...body, secret: 'another-secret-000002' }, key), 409, 'idempotency_conflict');
    const count = await env.DB.prepare('SELECT count(*) AS n FROM bank_connections WHERE id = ?1')
      .bind(first.connection.id)
      .first<{ n: number }>();
    expect(count!.n).toBe(1);
  });

  it('needs an Idempotency-Key', async () => {
    await expectError(
      await post(school, { accountNumber: SCHOOL_ACCOUNT, provider: 'sepay', apiKey: 'k'.repeat(10) }, null),
      400,
      'idempotency_key_required',
    );
  });

  it("refuses another organization's account as if it did not exist, and writes nothing", async () => {
    const before = await env.DB.prepare('SELECT count(*) AS n FROM bank_connections').first<{ n: number }>();
    // The market board's account, asked for by the school's staff.
    const marketAccount = (await env.DB.prepare("SELECT bank_account_no FROM organizations WHERE id = 'org_market_board'").first<{
      bank_account_no: string;
    }>())!.bank_account_no;
    await expectError(
      await post(school, { accountNumber: marketAccount, provider: 'sepay', apiKey: 'k'.repeat(10) }),
      404,
      'account_not_found',
    );
    await expectError(
      await post(school, { accountNumber: '999999999', provider: 'sepay', apiKey: 'k'.repeat(10) }),
      404,
      'account_not_found',
    );
    const after = await env.DB.prepare('SELECT count(*) AS n FROM bank_connections').first<{ n: number }>();
    expect(after!.n).toBe(before!.n);
  });

  it('lets an admin connect the platform account', async () => {
    const { connection } = await createConnection(admin, {
      accountNumber: '12010009998888',
      provider: 'vietqr_vn',
      username: 'vietqr-platform',
      password: 'platform-password-01',
    });
    expect(connection.organizationId).toBeNull();
    expect(connection.credentialHints).toEqual({ password: '…d-01' });
  });

  it.each([
    ['SePay without a key', { provider: 'sepay' }, 'apiKey'],
    ['Casso without a key', { provider: 'casso' }, 'checksumKey'],
    ['VietQR.vn without a password', { provider: 'vietqr_vn', username: 'vietqr-user' }, 'password'],
    ['signed JSON with a short secret', { provider: 'signed_json', secret: 'short' }, 'secret'],
    ['an unknown provider', { provider: 'momo' }, 'provider'],
  ])('refuses %s with 400 naming %s', async (_name, body, field) => {
    const error = await expectError(await post(school, { accountNumber: SCHOOL_ACCOUNT, ...body }), 400, 'validation_failed');
    expect(error.error.details.map((detail) => detail.path)).toContain(field);
  });
});

describe('GET and DELETE /api/v1/bank-connections', () => {
  it("lists only the organization's own connections, with credentials as their last 4 characters", async () => {
    const { connection } = await createConnection(school, {
      accountNumber: SCHOOL_ACCOUNT,
      provider: 'sepay',
      hmacSecret: 'sepay-hmac-list-7d2e',
    });
    const res = await api('/api/v1/bank-connections', bearer(school));
    expect(res.status).toBe(200);
    const { items } = await res.json<{ items: Array<{ id: string; organizationId: string; credentialHints: Record<string, string> }> }>();
    expect(items.find((item) => item.id === connection.id)?.credentialHints).toEqual({ hmacSecret: '…7d2e' });
    expect(items.every((item) => item.organizationId === 'org_school_dinh_bang')).toBe(true);
    expect(JSON.stringify(items)).not.toContain('sepay-hmac-list');
    const marketList = await (await api('/api/v1/bank-connections', bearer(market))).json<{ items: Array<{ id: string }> }>();
    expect(marketList.items.map((item) => item.id)).not.toContain(connection.id);
  });

  it('disables a connection: its webhook then answers 404; another organization cannot disable it', async () => {
    const { connection } = await createConnection(school, {
      accountNumber: SCHOOL_ACCOUNT,
      provider: 'sepay',
      apiKey: 'sepay-disable-key-01',
    });
    await expectError(
      await api(`/api/v1/bank-connections/${connection.id}`, { method: 'DELETE', ...bearer(market) }),
      404,
      'connection_not_found',
    );
    const res = await api(`/api/v1/bank-connections/${connection.id}`, { method: 'DELETE', ...bearer(school) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: connection.id, status: 'disabled' });
    const notice = await api(`/api/v1/webhooks/bank/${connection.id}`, {
      method: 'POST',
      headers: { Authorization: 'Apikey sepay-disable-key-01', 'Content-Type': 'application/json' },
      body: '{}',
    });
    await expectError(notice, 404, 'connection_not_found');
  });
});
