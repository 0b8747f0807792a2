import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { SourceAnswer, SourceRequest } from '../bank-sources/source';
import type { AppEnv } from '../env';
import { createRouter, errorResponses, jsonResponse } from '../openapi';
import { issueConnectionToken, receiveBankNotification } from '../payments/bank-notifications';

/** Notifications from SePay, Casso, VietQR.vn or a signer of our JSON, each to its own connection. */
const bankSources = createRouter();

const ConnectionParam = z.object({
  connectionId: z
    .string()
    .regex(/^bcn_[a-z0-9]{1,40}$/, 'Mã kết nối có dạng bcn_…')
    .openapi({ param: { name: 'connectionId', in: 'path' }, example: 'bcn_8k2m4q7t9v1x3z5b' }),
});

const ProviderAnswer = z.record(z.string(), z.unknown()).openapi({ description: "In the provider's own shape" });

async function sourceRequest(c: Context<AppEnv>, connectionId: string): Promise<SourceRequest> {
  const rawBody = await c.req.text();
  return { headers: (name) => c.req.header(name), rawBody, nowMs: Date.now(), connectionId };
}

// The provider decides the shape and status; the document lists them above.
const send = (c: Context<AppEnv>, answer: SourceAnswer) => c.json(answer.body as Record<string, unknown>, answer.status) as never;

const notification = (path: string, summary: string) =>
  createRoute({
    method: 'post',
    path,
    tags: ['Webhooks'],
    summary,
    description:
      "Authenticated as the connection's provider does (SePay API key or HMAC, Casso v2 signature or v1 secure-token, VietQR.vn Bearer token, X-Bank-Signature). " +
      "Answers in the provider's shape. A repeat changes nothing; money out is ignored; another account's transaction is refused (SePay, Casso: 200 with success false; VietQR.vn and signed_json: 400).",
    request: { params: ConnectionParam },
    responses: {
      200: jsonResponse('Received (SePay and Casso also answer a refusal for good with 200 and success false)', ProviderAnswer),
      // A 400 or 401 comes in the provider's shape for SePay, Casso and VietQR.vn, in ours for signed_json.
      ...errorResponses(400, 401, 404),
    },
  });

bankSources.openapi(notification('/{connectionId}', 'A notification to one bank connection'), async (c) =>
  send(c, await receiveBankNotification(c.env, await sourceRequest(c, c.req.valid('param').connectionId))),
);

bankSources.openapi(notification('/{connectionId}/bank/api/transaction-sync', 'VietQR.vn Transaction Sync to one connection'), async (c) =>
  send(c, await receiveBankNotification(c.env, await sourceRequest(c, c.req.valid('param').connectionId))),
);

bankSources.openapi(
  createRoute({
    method: 'post',
    path: '/{connectionId}/api/token_generate',
    tags: ['Webhooks'],
    summary: 'VietQR.vn Get Token for one connection (Basic auth)',
    request: { params: ConnectionParam },
    responses: {
      200: jsonResponse(
        'A Bearer token',
        z.object({ access_token: z.string(), token_type: z.literal('Bearer'), expires_in: z.number().int() }),
      ),
      // The 401 comes in VietQR.vn's shape ({error: true, errorReason, toastMessage, object: null}).
      ...errorResponses(401, 404),
    },
  }),
  async (c) => send(c, await issueConnectionToken(c.env, await sourceRequest(c, c.req.valid('param').connectionId))),
);

export default bankSources;
