import { createRoute, z } from '@hono/zod-openapi';
import { checkIntegrity } from '../integrity/check';
import { requireRole } from '../middleware/session';
import { createRouter, errorResponses, jsonResponse } from '../openapi';

const Report = z.object({
  ok: z.boolean(),
  checkedAt: z.string(),
  rules: z.array(
    z.object({
      name: z.string(),
      rule: z.string(),
      ok: z.boolean(),
      breaks: z.array(z.object({ id: z.string(), detail: z.string() })),
    }),
  ),
});

const integrity = createRouter();

integrity.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['Admin'],
    summary:
      "The books' parity check: every journal balances, every paid bill and order has one paid payment with money behind it, every bank credit was applied once or waits as an exception",
    description: 'The same rules as `npm run check:integrity` on the local database. Read-only; at most 20 breaks per rule.',
    responses: { 200: jsonResponse('Each rule, whether it holds, and what breaks it', Report), ...errorResponses(401, 403) },
  }),
  async (c) => {
    requireRole(c, 'admin');
    return c.json(await checkIntegrity(c.env.DB), 200);
  },
);

export default integrity;
