import { type CurrentUser, currentUser } from '../../lib/api';

/**
 * The signed-in staff member of a /quan-ly page. src/middleware.ts has already sent
 * visitors who are not signed in to the sign-in form, and told people whose role may not
 * open the page so; this only hands the page its user (the API checks access again anyway).
 */
export async function requireStaff(request: Request): Promise<CurrentUser | Response> {
  const user = await currentUser(request);
  if (user) return user;
  return new Response(null, { status: 303, headers: { Location: '/dang-nhap' } });
}
