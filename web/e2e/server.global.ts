// Starts what the browser tests drive: the BUILT worker (web/dist/server, built by `npm test`)
// under `wrangler dev` on a throwaway database with the migrations and the demo seed, plus the
// Stripe stand-in (a test double). Runs in Node once per run, before any browser test.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startStripeStandin } from '../../dev/stripe-standin/standin.mjs';
import { buildDevSeedStatements, renderStatement } from '../../worker/src/seed/statements.ts';
import { BROWSER_SETTINGS, browserAvailable } from './settings';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    stripeUrl: string;
    bankWebhookSecret: string;
  }
}

const root = path.resolve(import.meta.dirname, '../..');
const quietEnv = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', DO_NOT_TRACK: '1' };

function wrangler(args: string[]): void {
  const result = spawnSync('npx', ['--no-install', 'wrangler', ...args], { cwd: root, env: quietEnv, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`wrangler ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
}

async function waitUntilServing(url: string, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`wrangler dev exited (${server.exitCode}):\n${log()}`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`wrangler dev did not answer ${url} within 60 s:\n${log()}`);
}

export default async function setup(project: TestProject) {
  if (!browserAvailable()) return;
  if (!existsSync(path.join(root, 'web/dist/server/wrangler.json'))) {
    throw new Error('Build the storefront first (`npm run build`); `npm test` does it.');
  }
  const { port, stripePort, bankWebhookSecret } = BROWSER_SETTINGS;
  const state = mkdtempSync(path.join(tmpdir(), 'choso-e2e-'));
  const baseUrl = `http://127.0.0.1:${port}`;

  wrangler(['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state]);
  const seedFile = path.join(state, 'seed.sql');
  writeFileSync(seedFile, `${(await buildDevSeedStatements()).map(renderStatement).join('\n')}\n`);
  wrangler(['d1', 'execute', 'DB', '--local', '--persist-to', state, '--file', seedFile]);

  const standin = await startStripeStandin({
    port: stripePort,
    webhookUrl: `${baseUrl}/api/v1/webhooks/stripe`,
    webhookSecret: 'whsec_e2e',
    log: () => {},
  });

  const vars: Record<string, string> = {
    ENVIRONMENT: 'development',
    PUBLIC_BASE_URL: baseUrl,
    BANK_WEBHOOK_SECRET: bankWebhookSecret,
    CONNECTION_SECRETS_KEY: 'e2e-connection-key',
    STRIPE_SECRET_KEY: 'sk_test_local',
    STRIPE_WEBHOOK_SECRET: 'whsec_e2e',
    STRIPE_API_HOST: '127.0.0.1',
    STRIPE_API_PORT: String(stripePort),
    STRIPE_API_PROTOCOL: 'http',
    PLATFORM_BANK_BIN: '970418',
    PLATFORM_BANK_ACCOUNT: '12010009998888',
    PLATFORM_BANK_NAME: 'CONG TY CHO SO BAC NINH',
  };
  let output = '';
  const server = spawn(
    'npx',
    [
      '--no-install',
      'wrangler',
      'dev',
      '-c',
      'web/dist/server/wrangler.json',
      '--persist-to',
      state,
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      String(port + 1000),
      '--show-interactive-dev-session=false',
      '--log-level',
      'warn',
      ...Object.entries(vars).flatMap(([key, value]) => ['--var', `${key}:${value}`]),
    ],
    { cwd: root, env: quietEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  server.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  server.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  await waitUntilServing(`${baseUrl}/api/v1/categories`, server, () => output);

  project.provide('baseUrl', baseUrl);
  project.provide('stripeUrl', standin.url);
  project.provide('bankWebhookSecret', bankWebhookSecret);

  return async () => {
    if (server.pid) {
      try {
        process.kill(-server.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    await standin.close();
    rmSync(state, { recursive: true, force: true });
  };
}
