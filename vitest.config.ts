import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig, type Plugin } from 'vitest/config';
import { STRIPE_STANDIN_TEST_PORT } from './worker/test/stripe-standin.global.ts';

// Every test runs inside workerd with real D1 (and R2), through @cloudflare/vitest-plugin.
// Two projects:
//  - api: the API worker (worker/src/worker.ts), so its tests need no storefront build;
//  - web: the built storefront worker (web/dist/server), which `npm test` builds first,
//         to check that pages arrive as complete server-rendered HTML.

// The stripe package ships source maps that point at files it does not ship; stripping
// the comment keeps the test output readable.
const stripStripeSourceMaps: Plugin = {
  name: 'strip-stripe-source-maps',
  enforce: 'pre',
  load(id) {
    const file = id.split('?')[0]!;
    if (!file.includes('/node_modules/stripe/') || !file.endsWith('.js')) return null;
    return { code: readFileSync(file, 'utf8').replace(/\/\/# sourceMappingURL=.*$/gm, ''), map: null };
  },
};

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, 'migrations'));
  const bindings = {
    TEST_MIGRATIONS: migrations,
    ENVIRONMENT: 'test',
    // Two secrets each: the tests check that both work while a secret is being rotated.
    BANK_WEBHOOK_SECRET: 'test-bank-secret,previous-bank-secret',
    CONNECTION_SECRETS_KEY: 'test-connection-key,previous-connection-key',
    STRIPE_SECRET_KEY: 'sk_test_local',
    STRIPE_WEBHOOK_SECRET: 'whsec_test_current,whsec_test_previous',
    // The Stripe stand-in started by worker/test/stripe-standin.global.ts (a test double).
    STRIPE_API_HOST: '127.0.0.1',
    STRIPE_API_PORT: String(STRIPE_STANDIN_TEST_PORT),
    STRIPE_API_PROTOCOL: 'http',
    PLATFORM_BANK_BIN: '970418',
    PLATFORM_BANK_ACCOUNT: '12010009998888',
    PLATFORM_BANK_NAME: 'CONG TY CHO SO BAC NINH',
  };
  return {
    // Inline projects extend this config (Vitest 5), so this applies to both projects and to
    // the Stripe stand-in's global setup, which loads the SDK outside them.
    plugins: [stripStripeSourceMaps],
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest({
              main: './worker/src/worker.ts',
              wrangler: { configPath: './wrangler.toml' },
              // MIGRATION_DB: a second, empty database on which a test applies the migrations
              // up to one of them, writes rows, then applies the rest (worker/test/migrations.test.ts).
              miniflare: { bindings, d1Databases: { MIGRATION_DB: 'choso-migration-test' } },
            }),
          ],
          test: {
            name: 'api',
            // A busy two-core CI machine runs several workerd isolates at once.
            testTimeout: 20_000,
            include: ['worker/**/*.test.ts', 'web/src/**/*.test.ts'],
            globalSetup: ['./worker/test/stripe-standin.global.ts'],
            setupFiles: ['./worker/test/apply-migrations.ts'],
          },
        },
        {
          plugins: [
            cloudflareTest({
              main: './web/dist/server/entry.mjs',
              wrangler: { configPath: './web/dist/server/wrangler.json' },
              miniflare: { bindings },
            }),
          ],
          test: {
            name: 'web',
            testTimeout: 20_000,
            include: ['web/test/**/*.test.ts'],
            setupFiles: ['./worker/test/apply-migrations.ts'],
          },
        },
        {
          // Real Chromium against the built worker under `wrangler dev` (web/e2e/server.global.ts).
          test: {
            name: 'browser',
            include: ['web/e2e/**/*.test.ts'],
            environment: 'node',
            globalSetup: ['./web/e2e/server.global.ts'],
            // One browser and one local server: files run one after another.
            fileParallelism: false,
            testTimeout: 60_000,
            hookTimeout: 120_000,
          },
        },
      ],
    },
  };
});
