import { existsSync } from 'node:fs';

/** Ports and paths of the browser tests; each can be moved so that several checkouts run at once. */
export const BROWSER_SETTINGS = {
  port: Number(process.env.CHOSO_E2E_PORT) || 8790,
  stripePort: Number(process.env.CHOSO_E2E_STRIPE_PORT) || 12113,
  chromium: process.env.CHOSO_CHROMIUM ?? '/usr/bin/chromium',
  bankWebhookSecret: 'e2e-bank-secret',
  /** Where screenshots go (git-ignored), for people to look at. */
  screenshots: 'web/e2e/screenshots',
};

/**
 * Whether the browser tests can run. CI installs Debian's chromium (.ci/run) and sets
 * CHOSO_REQUIRE_BROWSER=1, so there a missing browser fails the run instead of skipping it.
 */
export function browserAvailable(): boolean {
  if (existsSync(BROWSER_SETTINGS.chromium)) return true;
  if (process.env.CHOSO_REQUIRE_BROWSER === '1') {
    throw new Error(`Chromium not found at ${BROWSER_SETTINGS.chromium}; install it with: apt-get install -y chromium`);
  }
  console.warn(`⚠ Browser tests skipped: no Chromium at ${BROWSER_SETTINGS.chromium} (apt-get install -y chromium)`);
  return false;
}
