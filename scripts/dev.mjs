// `npm run dev`: the whole local setup, then the API and the storefront on one port.
//   1. .dev.vars, migrations and the demo seed (scripts/setup-local.mjs)
//   2. the local Stripe stand-in (a test double) when STRIPE_SECRET_KEY=sk_test_local
//   3. build the storefront (Astro, server output for Workers)
//   4. serve the built worker with wrangler on http://127.0.0.1:8787
// For live-reloading storefront work use `npm run dev:astro` after the first run.
import { copyFileSync, readFileSync } from 'node:fs';
import { parseVars } from './dev-vars.mjs';
import { npx, npxForeground } from './tools.mjs';

await import('./setup-local.mjs');
const vars = parseVars(readFileSync('.dev.vars', 'utf8'));

// Another checkout on the same machine can move both ports (CHOSO_DEV_PORT=8811
// CHOSO_DEV_STRIPE_PORT=12211 npm run dev); the worker is told the stand-in's port.
const port = process.env.CHOSO_DEV_PORT ?? '8787';
const stripePort = process.env.CHOSO_DEV_STRIPE_PORT ?? vars.STRIPE_API_PORT ?? '12111';

let standin;
if (vars.STRIPE_SECRET_KEY === 'sk_test_local' && vars.STRIPE_API_HOST === '127.0.0.1') {
  const { startStripeStandin } = await import('../dev/stripe-standin/standin.mjs');
  standin = await startStripeStandin({
    port: Number(stripePort),
    // Its webhooks go to this server, on whichever port it runs.
    webhookUrl: `http://127.0.0.1:${port}/api/v1/webhooks/stripe`,
    webhookSecret: (vars.STRIPE_WEBHOOK_SECRET ?? 'whsec_dev').split(',')[0].trim(),
  });
  console.log(`✓ Stripe stand-in (test double, not Stripe) on ${standin.url}`);
}

await import('./copy-vendor.mjs');
npx(['astro', 'build', '--root', 'web']);
// wrangler reads .dev.vars from beside the config it is given.
copyFileSync('.dev.vars', 'web/dist/server/.dev.vars');
const server = npxForeground([
  'wrangler',
  'dev',
  '-c',
  'web/dist/server/wrangler.json',
  '--persist-to',
  '.wrangler/state',
  '--ip',
  '127.0.0.1',
  '--port',
  port,
  '--var',
  `STRIPE_API_PORT:${stripePort}`,
  '--test-scheduled',
]);
server.on('exit', () => standin?.close());
