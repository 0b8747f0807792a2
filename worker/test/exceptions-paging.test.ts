import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, bearer, expectError, login, seedDemo } from './helpers';

// The exceptions queue of a busy market can hold hundreds of open exceptions: the list pages
// through all of them, oldest first, and says how many there are in all on every page.

interface ExceptionPage {
  items: Array<{ id: string; amount: number }>;
  nextCursor: string | null;
  total: number;
}

let market: string;
let school: string;
const ours = ['exc_page_a', 'exc_page_b', 'exc_page_c', 'exc_page_d', 'exc_page_e'];

beforeAll(async () => {
  await seedDemo();
  [market, school] = await Promise.all([login('market@choso.test'), login('biller@choso.test')]);
  // Created after everything the demo holds, one a minute, two in the same second (the id breaks the tie).
  const times = [
    '2099-01-01T00:00:00.000Z',
    '2099-01-01T00:01:00.000Z',
    '2099-01-01T00:02:00.000Z',
    '2099-01-01T00:02:00.000Z',
    '2099-01-01T00:03:00.000Z',
  ];
  await env.DB.batch(
    ours.map((id, index) =>
      env.DB.prepare(
        `INSERT INTO payment_exceptions (id, type, organization_id, amount, account_number, booked_date, created_at)
         VALUES (?1, 'unmatched_credit', 'org_market_board', ?2, '113000178542', '2026-11-30', ?3)`,
      ).bind(id, 10_000 + index, times[index]),
    ),
  );
});

async function pageOf(query: string, token = market): Promise<ExceptionPage> {
  const res = await api(`/api/v1/reconciliation/exceptions?${query}`, bearer(token));
  expect(res.status).toBe(200);
  return res.json<ExceptionPage>();
}

describe('GET /api/v1/reconciliation/exceptions, page by page', () => {
  it('pages through every open exception, oldest first, neither repeating nor skipping, with the total on each page', async () => {
    const first = await pageOf('status=open&limit=2');
    const total = first.total;
    expect(total).toBeGreaterThanOrEqual(ours.length);
    const seen = first.items.map((item) => item.id);
    let cursor = first.nextCursor;
    while (cursor) {
      const next = await pageOf(`status=open&limit=2&cursor=${encodeURIComponent(cursor)}`);
      expect(next.total).toBe(total);
      expect(next.items.length).toBeLessThanOrEqual(2);
      seen.push(...next.items.map((item) => item.id));
      cursor = next.nextCursor;
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect(seen.slice(-5)).toEqual(ours);
  });

  it('counts what the filter matches: resolving one takes it off the total', async () => {
    const before = (await pageOf('status=open&limit=1')).total;
    await env.DB.prepare("UPDATE payment_exceptions SET status = 'resolved' WHERE id = 'exc_page_a'").run();
    const after = await pageOf('status=open&limit=1');
    expect(after.total).toBe(before - 1);
    expect((await pageOf('status=resolved&limit=200')).items.map((item) => item.id)).toContain('exc_page_a');
  });

  it("shows another organization none of the market's exceptions", async () => {
    const theirs = await pageOf('status=open&limit=200', school);
    expect(theirs.items.map((item) => item.id).filter((id) => ours.includes(id))).toEqual([]);
  });

  it('refuses a cursor it did not give, in Vietnamese', async () => {
    const body = await expectError(
      await api('/api/v1/reconciliation/exceptions?cursor=not-a-cursor', bearer(market)),
      400,
      'invalid_cursor',
    );
    expect(body.error.message).toContain('Liên kết trang này đã cũ');
  });
});
