// `npm run dev`: the whole local setup, then the API and the storefront on one port.
//   1. .dev.vars, migrations and the demo seed (scripts/setup-local.mjs)
//   2. build the storefront (Astro, server output for Workers)
//   3. serve the built worker with wrangler on http://127.0.0.1:8787
// For live-reloading storefront work use `npm run dev:astro` after the first run.
import { copyFileSync, existsSync } from 'node:fs';
import { npx, npxForeground } from './tools.mjs';

await import('./setup-local.mjs');
await import('./copy-vendor.mjs');
npx(['astro', 'build', '--root', 'web']);
// wrangler reads .dev.vars from beside the config it is given.
if (existsSync('.dev.vars')) copyFileSync('.dev.vars', 'web/dist/server/.dev.vars');
npxForeground([
  'wrangler', 'dev',
  '-c', 'web/dist/server/wrangler.json',
  '--persist-to', '.wrangler/state',
  '--ip', '127.0.0.1', '--port', '8787',
  '--test-scheduled',
]);
