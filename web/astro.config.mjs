// @ts-check
import cloudflare from '@astrojs/cloudflare';
import solid from '@astrojs/solid-js';
import { defineConfig } from 'astro/config';

// Server-rendered storefront on the same worker as the API (see README "Architecture").
export default defineConfig({
  output: 'server',
  site: 'http://127.0.0.1:8787',
  server: { host: '127.0.0.1', port: 8787 },
  adapter: cloudflare({
    configPath: '../wrangler.toml',
    // Without this `astro dev` would use a fresh database instead of the migrated, seeded one.
    persistState: { path: '../.wrangler/state' },
    // Photos come from R2 as uploaded: no IMAGES binding.
    imageService: 'passthrough',
  }),
  // Sign-in sessions live in D1 (the API's own); Astro's KV-backed sessions are not used.
  session: false,
  integrations: [solid()],
  devToolbar: { enabled: false },
  build: { inlineStylesheets: 'always' },
  // Astro hashes every script and style it inlines (the page's CSS, the islands' loader) and
  // sends them in a Content-Security-Policy header, so nothing else inline can run. The other
  // security headers are set in worker/src/entry.ts (worker/src/middleware/security-headers.ts).
  security: {
    csp: {
      algorithm: 'SHA-256',
      directives: [
        "default-src 'self'",
        "img-src 'self' data: blob:", // blob: for the preview of a photo before it is uploaded
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ],
    },
  },
});
