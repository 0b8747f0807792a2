import { env, exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../worker/test/helpers';

// A market's exceptions queue with more open exceptions than one page of the list (100): the
// heading counts every one, and the queue says it is working through the oldest.

const ORIGIN = 'http://choso.test';
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN };
const EXTRA = 120;

function fetchPage(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, { redirect: 'manual', ...init }));
}

let board: string;

beforeAll(async () => {
  await seedDemo();
  const statements = Array.from({ length: EXTRA }, (_, index) =>
    env.DB.prepare(
      `INSERT INTO payment_exceptions (id, type, organization_id, amount, account_number, booked_date, created_at)
       VALUES (?1, 'unmatched_credit', 'org_market_board', 20000, '113000178542', '2026-11-30', ?2)`,
    ).bind(
      `exc_queue_${String(index).padStart(3, '0')}`,
      `2099-01-01T00:${String(Math.floor(index / 60)).padStart(2, '0')}:${String(index % 60).padStart(2, '0')}.000Z`,
    ),
  );
  await env.DB.batch(statements);
  const res = await fetchPage('/dang-nhap', {
    method: 'POST',
    headers: FORM,
    body: new URLSearchParams({ email: 'market@choso.test', password: 'demo1234' }),
  });
  board = res.headers.get('Set-Cookie')!.match(/choso_session=[^;]+/)![0];
});

describe('the exceptions queue beyond one page', () => {
  it('counts every open exception in its heading and says it shows the oldest 100', async () => {
    const open = await env.DB.prepare(
      "SELECT count(*) AS n FROM payment_exceptions WHERE organization_id = 'org_market_board' AND status = 'open'",
    ).first<number>('n');
    expect(open).toBeGreaterThanOrEqual(EXTRA);
    const res = await fetchPage('/quan-ly/ngoai-le', { headers: { Cookie: board } });
    expect(res.status).toBe(200);
    const body = (await res.text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(body).toContain(`Ngoại lệ cần xử lý (${open})`);
    expect(body).toContain('Đang xem khoản 1 / 100 trong 100 khoản cũ nhất; xử lý xong sẽ đến các khoản mới hơn.');
  });
});
