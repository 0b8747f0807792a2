import { handle } from '@astrojs/cloudflare/handler';
import api from './worker';

/**
 * The one worker that ships: /api/* goes to the Hono API, everything else to the Astro
 * storefront, whose pages read D1 through the same db modules. See README "Architecture".
 */
export default {
  fetch(request, env, ctx) {
    const { pathname } = new URL(request.url);
    if (pathname === '/api' || pathname.startsWith('/api/')) return api.fetch(request, env, ctx);
    return handle(request, env, ctx);
  },
  scheduled: api.scheduled,
} satisfies ExportedHandler<Env>;
