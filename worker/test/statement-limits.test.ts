// A statement is read whole in one request, so what one upload may hold is capped: 100.000
// lines and 16 MB, with a 413 that says how to split the file, and nothing written. Up to
// 5.000 lines it is applied in the request (larger ones: statement-queue.test.ts).
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import app from '../src/app';
import { checkCharacter } from '../src/domain/codes';
import { faultyD1 } from './d1-faults';
import { expectError, login, ORIGIN, seedDemo } from './helpers';

const ACCOUNT = '113000178542';
let market: string;
beforeAll(async () => {
  await seedDemo();
  market = await login('market@choso.test');
});

/** A generic statement of `count` credits on 1–28 December 2026, each naming a reference we never issued. */
function statement(count: number, prefix: string, padding = ''): string {
  const rows = ['bookedAt,amount,description,transactionId'];
  for (let i = 0; i < count; i++) {
    const payload = `CS${'23456789ABCDEFGH'[i % 16]}${'JKMNPQRS'[Math.floor(i / 16) % 8]}${'TUVWXYZ2'[Math.floor(i / 128) % 8]}Z9KM`;
    rows.push(
      `${String((i % 28) + 1).padStart(2, '0')}/12/2026 09:00,${1000 + (i % 500)},IBFT ${payload}${checkCharacter(payload)} phi cho${padding},${prefix}${i}`,
    );
  }
  return `${rows.join('\n')}\n`;
}

function upload(csv: string, db: D1Database = env.DB) {
  const form = new FormData();
  form.append('file', new File([csv], 'sao-ke.csv', { type: 'text/csv' }));
  form.append('accountNumber', ACCOUNT);
  return app.request(
    `${ORIGIN}/api/v1/reconciliation/statements`,
    { method: 'POST', headers: { Authorization: `Bearer ${market}` }, body: form },
    { ...env, DB: db },
  );
}

const statementsCount = async () => (await env.DB.prepare('SELECT count(*) AS n FROM statements').first<{ n: number }>())!.n;
const creditsLike = async (prefix: string) =>
  (await env.DB.prepare('SELECT count(*) AS n FROM bank_credits WHERE transaction_id LIKE ?1').bind(`${prefix}%`).first<{ n: number }>())!
    .n;

describe('a statement import is capped', () => {
  it('refuses more than 100.000 lines with a 413 that says how to split the file, and writes nothing', async () => {
    const before = await statementsCount();
    const refused = await expectError(await upload(statement(100_001, 'T-MANY-')), 413, 'statement_too_large');
    expect(refused.error.message).toContain('tệp có 100.001 dòng');
    expect(refused.error.message).toContain('tối đa 100.000 dòng và 16 MB');
    expect(refused.error.message).toContain('theo từng khoảng ngày ngắn hơn');
    expect(await statementsCount()).toBe(before);
    expect(await creditsLike('T-MANY-')).toBe(0);
  });

  it('refuses a file over 16 MB the same way, before reading it', async () => {
    const big = statement(2_500, 'T-BIG-', ` ${'x'.repeat(7_000)}`);
    expect(big.length).toBeGreaterThan(16 * 1024 * 1024);
    const refused = await expectError(await upload(big), 413, 'statement_too_large');
    expect(refused.error.message).toContain('tối đa 100.000 dòng và 16 MB');
    expect(await creditsLike('T-BIG-')).toBe(0);
  });

  it('imports 5.000 lines whole within D1’s 1,000 queries for one request', async () => {
    const counting = faultyD1(env.DB);
    const res = await upload(statement(5_000, 'T-FULL-'), counting.db);
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ lines: 5_000, credits: 5_000, matched: 0, exceptions: { unknown_reference: 5_000 } });
    expect(await creditsLike('T-FULL-')).toBe(5_000);
    expect(counting.calls).toBeLessThan(400);
  });
});
