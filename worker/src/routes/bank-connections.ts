import { createRoute, z } from '@hono/zod-openapi';
import { BANK_PROVIDERS } from '../bank-sources/registry';
import { ApiError } from '../errors';
import { requireReconciler } from '../middleware/session';
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../openapi';
import { createBankConnection, disableConnection, listConnections } from '../payments/bank-connections';

const ConnectionSchema = z
  .object({
    id: z.string(),
    provider: z.enum(BANK_PROVIDERS),
    providerName: z.string(),
    accountNumber: z.string(),
    organizationId: z.string().nullable(),
    status: z.enum(['active', 'disabled']),
    webhookUrl: z.string(),
    credentialHints: z.record(z.string(), z.string()),
    createdAt: z.string(),
    disabledAt: z.string().nullable(),
  })
  .openapi('BankConnection');

const credential = z.string().max(200);
const CreateBody = z
  .strictObject({
    accountNumber: z
      .string()
      .trim()
      .regex(/^\d{1,19}$/, 'Số tài khoản gồm 1 đến 19 chữ số'),
    provider: z.enum(BANK_PROVIDERS),
    // Which of these a provider needs is checked by its source (bank-sources/<provider>.ts).
    apiKey: credential.optional(),
    hmacSecret: credential.optional(),
    checksumKey: credential.optional(),
    secureToken: credential.optional(),
    username: credential.optional(),
    password: credential.optional(),
    secret: credential.optional(),
  })
  .openapi('BankConnectionCreate');

const IdParam = z.object({
  id: z
    .string()
    .regex(/^bcn_[a-z0-9]{1,40}$/, 'Mã kết nối có dạng bcn_…')
    .openapi({ param: { name: 'id', in: 'path' } }),
});

const bankConnections = createRouter();

bankConnections.use('/*', async (c, next) => {
  requireReconciler(c);
  await next();
});

bankConnections.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: ['Reconciliation'],
    summary: 'Connect a collection account to SePay, Casso, VietQR.vn or signed JSON',
    description:
      "Finance staff of the account's organization, or an admin. Needs an Idempotency-Key. Credentials by provider: sepay {apiKey | hmacSecret}, " +
      'casso {checksumKey (v2) | secureToken (v1)}, vietqr_vn {username, password}, signed_json {secret}. They are stored encrypted and never returned.',
    request: {
      headers: z.object({ 'idempotency-key': z.string().min(1).max(255).optional() }),
      body: jsonBody(CreateBody),
    },
    responses: {
      201: jsonResponse(
        'The connection and what to enter on the provider side',
        z.object({ connection: ConnectionSchema, instructions: z.array(z.string()) }),
      ),
      ...errorResponses(400, 401, 403, 404, 409),
    },
  }),
  async (c) => {
    const key = c.req.valid('header')['idempotency-key'];
    if (!key)
      throw new ApiError(400, 'idempotency_key_required', 'Hãy gửi kèm header Idempotency-Key (một giá trị ngẫu nhiên cho mỗi kết nối)', [
        { path: 'Idempotency-Key', message: 'Bắt buộc' },
      ]);
    const { accountNumber, provider, ...credentials } = c.req.valid('json');
    const result = await createBankConnection(
      c.env,
      c.req.url,
      requireReconciler(c),
      { accountNumber, provider, credentials },
      key,
      new Date().toISOString(),
    );
    return c.json({ connection: result.connection, instructions: result.instructions }, 201);
  },
);

bankConnections.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['Reconciliation'],
    summary: "Your organization's bank connections (credentials shown only by their last 4 characters)",
    responses: { 200: jsonResponse('Connections', z.object({ items: z.array(ConnectionSchema) })), ...errorResponses(401, 403) },
  }),
  async (c) => c.json({ items: await listConnections(c.env, c.req.url, requireReconciler(c).organizationId) }, 200),
);

bankConnections.openapi(
  createRoute({
    method: 'delete',
    path: '/{id}',
    tags: ['Reconciliation'],
    summary: 'Disable a bank connection: its webhook URL stops accepting notifications',
    request: { params: IdParam },
    responses: { 200: jsonResponse('The disabled connection', ConnectionSchema), ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) =>
    c.json(await disableConnection(c.env, c.req.url, c.req.valid('param').id, requireReconciler(c), new Date().toISOString()), 200),
);

export default bankConnections;
