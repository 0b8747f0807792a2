import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { hitRateLimit } from '../db/rate-limits';
import { deleteSession, findUserForLogin, insertSession, insertUser, type SessionUser } from '../db/users';
import { hashPassword, verifyPassword } from '../domain/password';
import { newId, newSecretToken, sha256Hex } from '../domain/tokens';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { clientAddress } from '../middleware/client';
import { SESSION_COOKIE } from '../middleware/session';
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../openapi';

export const UserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(['shopper', 'seller', 'biller_staff', 'market_manager', 'admin']),
    organization: z.object({ id: z.string(), name: z.string(), kind: z.string() }).nullable(),
  })
  .openapi('User');

const SessionSchema = z.object({ token: z.string(), expiresAt: z.string(), user: UserSchema }).openapi('Session');

const email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'Enter a valid email address' }))
  .openapi({ example: 'shopper@choso.test' });

const RegisterBody = z
  .strictObject({
    email,
    password: z.string().min(8, 'Use at least 8 characters').max(128),
    name: z.string().trim().min(1).max(100),
  })
  .openapi('Register');

const LoginBody = z.strictObject({ email, password: z.string().min(1).max(128) }).openapi('Login');

/**
 * Login attempts allowed in each 15-minute window: few per account, against guessing one
 * password; more per address, because Vietnamese mobile carriers put many phones behind
 * one address (carrier-grade NAT).
 */
const ATTEMPTS_PER_ACCOUNT = 10;
const ATTEMPTS_PER_ADDRESS = 100;
const REGISTRATIONS_PER_ADDRESS = 30;
const WINDOW_SECONDS = 15 * 60;

// Verifying against this when the email is unknown makes a miss take as long as a hit,
// so response times do not reveal which emails have accounts.
const UNKNOWN_USER_HASH = 'pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

async function startSession(c: Context<AppEnv>, user: SessionUser) {
  const token = newSecretToken();
  const ttlSeconds = Number(c.env.SESSION_TTL_SECONDS) || 30 * 24 * 60 * 60;
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000).toISOString();
  await insertSession(c.env.DB, await sha256Hex(token), user.id, expiresAt);
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: new URL(c.req.url).protocol === 'https:',
    path: '/',
    maxAge: ttlSeconds,
  });
  return { token, expiresAt, user };
}

const auth = createRouter();

auth.openapi(
  createRoute({
    method: 'post',
    path: '/register',
    tags: ['Accounts'],
    summary: 'Create a shopper account and sign in',
    request: { body: jsonBody(RegisterBody) },
    responses: { 201: jsonResponse('Signed in as the new shopper', SessionSchema), ...errorResponses(400, 409, 429) },
  }),
  async (c) => {
    const body = c.req.valid('json');
    const limit = await hitRateLimit(c.env.DB, `register:${clientAddress(c)}`, REGISTRATIONS_PER_ADDRESS, WINDOW_SECONDS, Date.now());
    if (!limit.allowed) throw rateLimited(limit.retryAfterSeconds);
    const user: SessionUser = { id: newId('usr'), email: body.email, name: body.name, role: 'shopper', organization: null };
    const created = await insertUser(c.env.DB, {
      ...user,
      organizationId: null,
      passwordHash: await hashPassword(body.password),
    });
    if (!created) throw new ApiError(409, 'email_taken', 'An account with this email already exists; sign in instead');
    return c.json(await startSession(c, user), 201);
  },
);

auth.openapi(
  createRoute({
    method: 'post',
    path: '/login',
    tags: ['Accounts'],
    summary: 'Sign in',
    description: 'Returns a bearer token and also sets an HttpOnly session cookie.',
    request: { body: jsonBody(LoginBody) },
    responses: { 200: jsonResponse('Signed in', SessionSchema), ...errorResponses(400, 401, 429) },
  }),
  async (c) => {
    const { email, password } = c.req.valid('json');
    const now = Date.now();
    const limits: Array<[string, number]> = [
      [`login:email:${email}`, ATTEMPTS_PER_ACCOUNT],
      [`login:ip:${clientAddress(c)}`, ATTEMPTS_PER_ADDRESS],
    ];
    for (const [key, attempts] of limits) {
      const limit = await hitRateLimit(c.env.DB, key, attempts, WINDOW_SECONDS, now);
      if (!limit.allowed) throw rateLimited(limit.retryAfterSeconds);
    }
    const found = await findUserForLogin(c.env.DB, email);
    const passwordMatches = await verifyPassword(password, found?.passwordHash ?? UNKNOWN_USER_HASH);
    if (!found || !passwordMatches) {
      throw new ApiError(401, 'invalid_credentials', 'The email or password is wrong');
    }
    const { passwordHash: _, ...user } = found;
    return c.json(await startSession(c, user), 200);
  },
);

auth.openapi(
  createRoute({
    method: 'post',
    path: '/logout',
    tags: ['Accounts'],
    summary: 'End the current session',
    responses: { 204: { description: 'Signed out (also when there was no session)' } },
  }),
  async (c) => {
    const tokenHash = c.get('sessionTokenHash');
    if (tokenHash) await deleteSession(c.env.DB, tokenHash);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  },
);

function rateLimited(retryAfterSeconds: number) {
  return new ApiError(429, 'rate_limited', 'Too many attempts; wait a little and try again', [], {
    'Retry-After': String(Math.max(1, retryAfterSeconds)),
  });
}

export default auth;
