import { createRoute } from '@hono/zod-openapi';
import { requireUser } from '../middleware/session';
import { createRouter, errorResponses, jsonResponse } from '../openapi';
import { UserSchema } from './auth';

const me = createRouter();

me.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['Accounts'],
    summary: 'The signed-in user',
    responses: { 200: jsonResponse('The current user', UserSchema), ...errorResponses(401) },
  }),
  (c) => c.json(requireUser(c), 200),
);

export default me;
