import { safeRedirectPath } from '#worker/domain/redirect-target';
import { type CurrentUser, currentUser } from '../../lib/api';

const STAFF_ROLES = new Set(['market_manager', 'biller_staff', 'admin']);

/**
 * The signed-in finance staff member, or a redirect to the sign-in page (and back here
 * afterwards). Every manager page starts with this; the API checks access again anyway.
 */
export async function requireStaff(request: Request): Promise<CurrentUser | Response> {
  const user = await currentUser(request);
  if (user && STAFF_ROLES.has(user.role)) return user;
  const url = new URL(request.url);
  const back = safeRedirectPath(url.pathname + url.search, url.origin, '/quan-ly');
  return new Response(null, { status: 303, headers: { Location: `/dang-nhap?tiep=${encodeURIComponent(back)}` } });
}
