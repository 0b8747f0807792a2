// What every browser test uses: Debian's Chromium through playwright-core, pages at phone
// and tablet widths, axe on every page visited, screenshots, and signed bank notifications.
import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import { BROWSER_SETTINGS, browserAvailable } from './settings';

export const PHONE = { width: 360, height: 740 };
export const TABLET = { width: 1024, height: 768 };

/** `describe`, skipped (with a warning) where no Chromium is installed; CI always has one. */
export const describeInBrowser = browserAvailable() ? describe : describe.skip;

export const baseUrl = (): string => inject('baseUrl');

/** One browser per test file, started before its tests and closed after them. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: BROWSER_SETTINGS.chromium,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('the browser is not started yet');
    return browser;
  };
}

/** A fresh context (own cookies) at the given size, speaking Vietnamese, with our base URL. */
export async function newContext(browser: Browser, viewport = PHONE): Promise<BrowserContext> {
  return browser.newContext({ viewport, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', baseURL: baseUrl() });
}

/**
 * Runs axe on the page as it is now and fails on any violation of impact serious or
 * critical, listing each with the elements it found.
 */
export async function expectAccessible(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = serious.map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`);
  expect(report, `axe on ${page.url()}`).toEqual([]);
}

/** The page fits the screen: nothing wider than the viewport forces sideways scrolling. */
export async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  expect(scrollWidth, `page width on ${page.url()}`).toBeLessThanOrEqual(clientWidth);
}

/** Opens a path, checks it loaded, is accessible and fits; returns the page for more checks. */
export async function visit(page: Page, pathname: string, { status = 200 } = {}): Promise<Page> {
  const response = await page.goto(pathname);
  expect(response?.status(), `status of ${pathname}`).toBe(status);
  try {
    await expectAccessible(page);
    await expectNoSidewaysScroll(page);
  } catch (error) {
    if (!String(error).includes('Frame cannot run scripts')) throw error;
    await checkInScriptableTwin(page);
  }
  return page;
}

/**
 * axe runs scripts in the page, which a context with JavaScript off refuses. For such a page
 * a twin opens the same URL with the same cookies and size, with every script request
 * blocked, so what is checked is still the page a proxy browser shows.
 */
async function checkInScriptableTwin(page: Page): Promise<void> {
  const browser = page.context().browser();
  if (!browser) throw new Error('the page has no browser to open a twin in');
  const twinContext = await browser.newContext({ viewport: page.viewportSize(), locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  try {
    await twinContext.addCookies(await page.context().cookies());
    await twinContext.route('**/*', (route) => (route.request().resourceType() === 'script' ? route.abort() : route.continue()));
    const twin = await twinContext.newPage();
    await twin.goto(page.url());
    await expectAccessible(twin);
    await expectNoSidewaysScroll(twin);
  } finally {
    await twinContext.close();
  }
}

/** Saves a full-page screenshot under web/e2e/screenshots/ (git-ignored), for people to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = path.resolve(import.meta.dirname, '../..', BROWSER_SETTINGS.screenshots);
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/** Signs in through the sign-in form, as a person would. */
export async function signIn(page: Page, email: string, password = 'demo1234'): Promise<void> {
  await page.goto('/dang-nhap');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Mật khẩu').fill(password);
  await Promise.all([page.waitForURL((url) => url.pathname !== '/dang-nhap'), page.getByRole('button', { name: 'Đăng nhập' }).click()]);
}

/** A bearer token for API calls a test makes beside the browser (setting up data). */
export async function apiToken(email: string, password = 'demo1234'): Promise<string> {
  const res = await fetch(`${baseUrl()}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

/**
 * Tells the platform a transfer arrived, as the bank's signed notification does
 * (HMAC-SHA256 of `<timestamp>.<body>` with BANK_WEBHOOK_SECRET).
 */
export async function notifyBankCredit(credit: {
  transactionId: string;
  accountNumber: string;
  amount: number;
  description: string;
  bookedAt?: string;
}): Promise<Response> {
  const body = JSON.stringify({ bookedAt: new Date().toISOString(), ...credit });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', inject('bankWebhookSecret')).update(`${timestamp}.${body}`).digest('hex');
  return fetch(`${baseUrl()}/api/v1/webhooks/bank`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Bank-Timestamp': timestamp, 'X-Bank-Signature': signature },
    body,
  });
}
