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
});
