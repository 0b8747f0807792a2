import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { BILLER_KINDS } from '../db/bills';
import type { Role, SessionUser } from '../db/users';
import { findSessionUser } from '../db/users';
import { sha256Hex } from '../domain/tokens';
import type { AppEnv } from '../env';
import { ApiError, forbidden, unauthorized } from '../errors';

export const SESSION_COOKIE = 'choso_session';

/**
 * Resolves the caller from `Authorization: Bearer …` or the session cookie. A request
 * with no credentials, or with a stale one, proceeds as a guest; routes that need a user
 * call `requireUser`.
 */
export const sessionMiddleware = createMiddleware<AppEnv>(async (c, next) => {
  c.set('user', null);
  c.set('authVia', null);
  c.set('sessionTokenHash', null);

  const header = c.req.header('Authorization');
  const bearer = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
  const cookie = getCookie(c, SESSION_COOKIE);
  const token = bearer ?? cookie;
  if (token && token.length <= 128) {
    const tokenHash = await sha256Hex(token);
    const user = await findSessionUser(c.env.DB, tokenHash, new Date().toISOString());
    if (user) {
      c.set('user', user);
      c.set('authVia', bearer ? 'bearer' : 'cookie');
      c.set('sessionTokenHash', tokenHash);
    }
  }
  await next();
});

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF protection for cookie sessions. A browser attaches the cookie to cross-site
 * requests too, so a write that rides on the cookie must come from our own origin: the
 * Origin header, or failing that Sec-Fetch-Site, must say so. Bearer tokens are never
 * sent by a browser on its own, so they need no such check. A cross-site Origin is
 * refused even without a cookie, which also stops login CSRF.
 */
export const csrfMiddleware = createMiddleware<AppEnv>(async (c, next) => {
  if (SAFE_METHODS.has(c.req.method) || c.get('authVia') === 'bearer') return next();
  const origin = c.req.header('Origin');
  const fetchSite = c.req.header('Sec-Fetch-Site');
  const crossSite =
    (origin !== undefined && origin !== new URL(c.req.url).origin) ||
    (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none');
  const unprovenCookieWrite = c.get('authVia') === 'cookie' && origin === undefined && fetchSite === undefined;
  if (crossSite || unprovenCookieWrite) {
    throw new ApiError(403, 'csrf_rejected', 'Yêu cầu từ trang web khác bị từ chối: hãy gửi từ chính trang này hoặc kèm bearer token');
  }
  await next();
});

export function requireUser(c: Context<AppEnv>): SessionUser {
  const user = c.get('user');
  if (!user) throw unauthorized();
  return user;
}

export function requireRole(c: Context<AppEnv>, ...roles: Role[]): SessionUser {
  const user = requireUser(c);
  if (!roles.includes(user.role)) throw forbidden();
  return user;
}

/** The caller's organization id, for a seller acting on its own catalogue. */
export function requireSellerOrganization(c: Context<AppEnv>): { user: SessionUser; sellerId: string } {
  const user = requireRole(c, 'seller');
  if (!user.organization) throw forbidden('Tài khoản của bạn chưa gắn với nhà sản xuất nào');
  return { user, sellerId: user.organization.id };
}

const BILLER_KIND_SET = new Set<string>(BILLER_KINDS);

/** The caller's biller organization (school, hospital, commune office, market board). */
export function requireBillerOrganization(c: Context<AppEnv>): { user: SessionUser; billerId: string } {
  const user = requireRole(c, 'biller_staff', 'market_manager');
  if (!user.organization || !BILLER_KIND_SET.has(user.organization.kind)) {
    throw forbidden('Tài khoản của bạn chưa gắn với trường học, bệnh viện, UBND xã hay ban quản lý chợ nào');
  }
  return { user, billerId: user.organization.id };
}

/**
 * Finance staff of a biller (market board, school, hospital, commune office) see their own
 * organization's money; admins see everyone's (organizationId undefined).
 */
export function requireReconciler(c: Context<AppEnv>): { user: SessionUser; organizationId: string | undefined } {
  const user = requireUser(c);
  if (user.role === 'admin') return { user, organizationId: undefined };
  return { user, organizationId: requireBillerOrganization(c).billerId };
}
