import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { deleteSession, findUserForLogin, insertSession, insertUser, type SessionUser } from '../db/users';
import { hashPassword, verifyPassword } from '../domain/password';
import { MAX_PASSWORD_LENGTH, passwordProblem } from '../domain/password-policy';
import { newId, newSecretToken, sha256Hex } from '../domain/tokens';
import type { AppEnv } from '../env';
import { ApiError } from '../errors';
import { clientAddress } from '../middleware/client';
import { SESSION_COOKIE } from '../middleware/session';
import { setPasswordFromLink } from '../onboarding/members';
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../openapi';
import { hit, isKnownDevice, rememberDevice, resetLimit } from '../rate-limits/hit';
import { KNOWN_DEVICE, RATE_LIMITS } from '../rate-limits/limits';
import { email, password } from '../schemas/accounts';
import { singleLine, token } from '../schemas/text';

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

const RegisterBody = z
  .strictObject({ email, password, name: singleLine(1, 100) })
  .superRefine(async (body, ctx) => {
    const problem = await passwordProblem(body.password, body);
    if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem });
  })
  .openapi('Register');

const LoginBody = z.strictObject({ email, password: z.string().min(1, 'Hãy nhập mật khẩu').max(MAX_PASSWORD_LENGTH) }).openapi('Login');

// Verifying against this when the email is unknown makes a miss take as long as a hit,
// so response times do not reveal which emails have accounts.
const UNKNOWN_USER_HASH = 'pbkdf2-sha256$100000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/**
 * A random id a browser keeps once it has signed in (HttpOnly, long-lived). The account then
 * knows the device, and lets it try past the account-wide backoff (see rate-limits/limits.ts).
 */
const DEVICE_COOKIE = 'choso_device';

async function deviceOf(c: Context<AppEnv>): Promise<{ token: string; hash: string } | null> {
  const token = getCookie(c, DEVICE_COOKIE);
  if (!token || !/^[A-Za-z0-9_-]{20,128}$/.test(token)) return null;
  return { token, hash: await sha256Hex(`device:${token}`) };
}

async function rememberThisDevice(c: Context<AppEnv>, email: string, device: { token: string; hash: string } | null) {
  const token = device?.token ?? newSecretToken();
  await rememberDevice(`${email}|${device?.hash ?? (await sha256Hex(`device:${token}`))}`);
  setCookie(c, DEVICE_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: new URL(c.req.url).protocol === 'https:',
    path: '/',
    maxAge: KNOWN_DEVICE.rememberSeconds,
  });
}

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
    await hit('register', clientAddress(c));
    const user: SessionUser = { id: newId('usr'), email: body.email, name: body.name, role: 'shopper', organization: null };
    const created = await insertUser(c.env.DB, {
      ...user,
      organizationId: null,
      passwordHash: await hashPassword(body.password),
    });
    if (!created) throw new ApiError(409, 'email_taken', 'Email này đã có tài khoản; hãy đăng nhập.');
    return c.json(await startSession(c, user), 201);
  },
);

auth.openapi(
  createRoute({
    method: 'post',
    path: '/login',
    tags: ['Accounts'],
    summary: 'Sign in',
    description:
      'Returns a bearer token and also sets an HttpOnly session cookie. Attempts are limited per account and address ' +
      `(${RATE_LIMITS.loginAccountAddress.rule.limit} per ${RATE_LIMITS.loginAccountAddress.rule.windowSeconds / 60} minutes, ` +
      `forgiven on the right password) and per account from everywhere (${RATE_LIMITS.loginAccount.rule.freeAttempts}, ` +
      `then one attempt per ${RATE_LIMITS.loginAccount.rule.baseDelaySeconds} to ${RATE_LIMITS.loginAccount.rule.maxDelaySeconds} seconds), ` +
      'so strangers failing from other addresses never lock the owner out; a browser that signed in to the account before ' +
      `(its ${DEVICE_COOKIE} cookie) skips the account-wide backoff, limited per device instead.`,
    request: { body: jsonBody(LoginBody) },
    responses: { 200: jsonResponse('Signed in', SessionSchema), ...errorResponses(400, 401, 429) },
  }),
  async (c) => {
    const { email, password } = c.req.valid('json');
    const address = clientAddress(c);
    // Cheapest first; the account's own ceiling is counted only for attempts its
    // per-address limit let through, so one noisy address cannot use it up alone.
    await hit('loginAddress', address);
    await hit('loginAccountAddress', `${email}|${address}`);
    const device = await deviceOf(c);
    if (device && (await isKnownDevice(`${email}|${device.hash}`))) await hit('loginAccountDevice', `${email}|${device.hash}`);
    else await hit('loginAccount', email);
    const found = await findUserForLogin(c.env.DB, email);
    const passwordMatches = await verifyPassword(password, found?.passwordHash ?? UNKNOWN_USER_HASH);
    if (!found || !passwordMatches) {
      throw new ApiError(401, 'invalid_credentials', 'Email hoặc mật khẩu không đúng.');
    }
    // The right password proves this address (and device) is the owner's: their failures are forgiven.
    await resetLimit('loginAccountAddress', `${email}|${address}`);
    if (device) await resetLimit('loginAccountDevice', `${email}|${device.hash}`);
    await rememberThisDevice(c, email, device);
    const { passwordHash: _, ...user } = found;
    return c.json(await startSession(c, user), 200);
  },
);

const SetPasswordBody = z
  .strictObject({ token: token(128).openapi({ description: 'From the link an admin handed over' }), password })
  .openapi('SetPassword');

auth.openapi(
  createRoute({
    method: 'post',
    path: '/set-password',
    tags: ['Accounts'],
    summary: 'Set a staff member’s password from their one-time link',
    description:
      'The link works once, for 72 hours. The password follows the same policy as registration; every earlier session of the account ends.',
    request: { body: jsonBody(SetPasswordBody) },
    responses: { 200: jsonResponse('Password set; sign in with it', z.object({ email: z.string() })), ...errorResponses(400, 404, 429) },
  }),
  async (c) => {
    const body = c.req.valid('json');
    await hit('register', clientAddress(c));
    return c.json(await setPasswordFromLink(c.env.DB, body.token, body.password, new Date()), 200);
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

export default auth;
