import { defineMiddleware } from 'astro:middleware';
import { safeRedirectPath } from '#worker/domain/redirect-target';
import { areaOf } from './features/manage/areas';
import { currentUser } from './lib/api';

/**
 * Every signed-in page is checked here, against one table (features/workspace/areas.ts):
 * a visitor who is not signed in goes to the sign-in form and comes back afterwards; a
 * signed-in person whose role may not open the page is told so in Vietnamese (403), never
 * sent back to the sign-in form.
 */
export const onRequest = defineMiddleware(async (context, next) => {
  const area = areaOf(context.url.pathname);
  if (!area) return next();
  const user = await currentUser(context.request);
  if (!user) {
    const back = safeRedirectPath(context.url.pathname + context.url.search, context.url.origin, '/quan-ly');
    return new Response(null, {
      status: 303,
      headers: { Location: `/dang-nhap?tiep=${encodeURIComponent(back)}`, 'Cache-Control': 'no-store' },
    });
  }
  context.locals.user = user;
  if (!area.roles.includes(user.role)) {
    context.locals.forbiddenAudience = area.audience;
    return context.rewrite('/khong-co-quyen');
  }
  return next();
});
