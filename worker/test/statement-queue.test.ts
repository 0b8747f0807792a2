// A statement over 5.000 lines is checked whole, stored in R2 in chunks and applied by the
// statement queue; its progress is on GET /reconciliation/statements/{id}.
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import wranglerToml from '../../wrangler.toml?raw';
import app from '../src/app';
import { checkCharacter } from '../src/domain/codes';
import { STATEMENT_CHUNK_LINES, STATEMENT_CHUNK_MAX_RETRIES, type StatementChunkMessage } from '../src/reconciliation/statement-queue';
import worker from '../src/worker';
import { faultyD1 } from './d1-faults';
import { expectError, login, ORIGIN, seedDemo } from './helpers';

const ACCOUNT = '113000178542';
let market: string;
let biller: string;
beforeAll(async () => {
  await seedDemo();
  market = await login('market@choso.test');
  biller = await login('biller@choso.test');
});

/** `count` credits on 1–28 December 2026, each naming a reference we never issued. */
function statement(count: number, prefix: string): string {
  const rows = ['bookedAt,amount,description,transactionId'];
  for (let i = 0; i < count; i++) {
    const payload = `CS${'23456789ABCDEFGH'[i % 16]}${'JKMNPQRS'[Math.floor(i / 16) % 8]}${'TUVWXYZ2'[Math.floor(i / 128) % 8]}Z9KM`;
    rows.push(
      `${String((i % 28) + 1).padStart(2, '0')}/12/2026 09:00,${1000 + (i % 500)},IBFT ${payload}${checkCharacter(payload)} phi cho,${prefix}${i}`,
    );
  }
  return `${rows.join('\n')}\n`;
}

/** The queue producer as the upload sees it, keeping what was sent so the test delivers it to the consumer. */
function recordingQueue() {
  const sent: StatementChunkMessage[] = [];
  let calls = 0;
  const queue = {
    async send(body: StatementChunkMessage) {
      calls += 1;
      sent.push(body);
    },
    async sendBatch(messages: Iterable<{ body: StatementChunkMessage }>) {
      calls += 1;
      for (const message of messages) sent.push(message.body);
    },
  } as unknown as Queue;
  return { queue, sent, calls: () => calls };
}

async function upload(csv: string, queue: Queue, extra: Record<string, string> = {}) {
  const form = new FormData();
  form.append('file', new File([csv], 'sao-ke.csv', { type: 'text/csv' }));
  form.append('accountNumber', ACCOUNT);
  return app.request(
    `${ORIGIN}/api/v1/reconciliation/statements`,
    { method: 'POST', headers: { Authorization: `Bearer ${market}` }, body: form },
    { ...env, STATEMENT_QUEUE: queue, ...extra },
  );
}

/** Delivers messages to the worker's queue handler, as Queues would, and says which it asked to retry. */
async function deliver(messages: StatementChunkMessage[], attempts = 1, db: D1Database = env.DB) {
  const batch = createMessageBatch<StatementChunkMessage>(
    'choso-statements',
    messages.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, { ...env, DB: db });
  const result = await getQueueResult(batch, ctx);
  return result.retryMessages.map((retry) => messages[Number(retry.msgId.slice(1))]!);
}

const progress = async (id: string, token = market) =>
  app.request(`${ORIGIN}/api/v1/reconciliation/statements/${id}`, { headers: { Authorization: `Bearer ${token}` } }, env);

const creditsLike = async (prefix: string) =>
  (await env.DB.prepare('SELECT count(*) AS n FROM bank_credits WHERE transaction_id LIKE ?1').bind(`${prefix}%`).first<{ n: number }>())!
    .n;

describe('a large statement goes through the queue', () => {
  it('answers 202 for 12.000 lines, and the consumer applies every line once, to done with its summary', async () => {
    const recorder = recordingQueue();
    const res = await upload(statement(12_000, 'Q-BIG-'), recorder.queue);
    expect(res.status).toBe(202);
    const queued = (await res.json()) as { statementId: string };
    expect(queued).toMatchObject({ status: 'processing', lines: 12_000, processed: 0 });
    expect(recorder.sent).toHaveLength(24);
    expect(recorder.calls()).toBe(1);
    expect(await creditsLike('Q-BIG-')).toBe(0);

    expect(await (await progress(queued.statementId)).json()).toEqual({
      statementId: queued.statementId,
      status: 'processing',
      lines: 12_000,
      processed: 0,
      summary: null,
      failureReason: null,
    });

    expect(await deliver(recorder.sent.slice(0, 10))).toEqual([]);
    expect(await (await progress(queued.statementId)).json()).toMatchObject({ status: 'processing', processed: 5_000 });
    expect(await deliver(recorder.sent.slice(10))).toEqual([]);

    const done = (await (await progress(queued.statementId)).json()) as Record<string, unknown>;
    expect(done).toMatchObject({
      status: 'done',
      lines: 12_000,
      processed: 12_000,
      summary: {
        statementId: queued.statementId,
        lines: 12_000,
        credits: 12_000,
        matched: 0,
        alreadyConfirmed: 0,
        exceptions: { unknown_reference: 12_000, missing_at_bank: 0 },
      },
    });
    expect(await creditsLike('Q-BIG-')).toBe(12_000);

    // Queues may deliver a chunk again: nothing counts twice.
    expect(await deliver(recorder.sent.slice(0, 2))).toEqual([]);
    expect(await (await progress(queued.statementId)).json()).toEqual(done);
  });

  it('a chunk that fails after writing its credits is retried and counts each line once', async () => {
    const recorder = recordingQueue();
    const res = await upload(statement(1_500, 'Q-RETRY-'), recorder.queue, { STATEMENT_INLINE_LINES: '1000' });
    expect(res.status).toBe(202);
    const { statementId } = (await res.json()) as { statementId: string };
    expect(recorder.sent).toHaveLength(3);

    let failed = false;
    const faulty = faultyD1(env.DB, (statement) => {
      if (failed || !statement.sql.includes('INTO statement_chunks') || statement.params[1] !== 1) return false;
      failed = true;
      return true;
    });
    const retried = await deliver(recorder.sent, 1, faulty.db);
    expect(retried).toEqual([{ statementId, chunk: 1 }]);
    expect(await (await progress(statementId)).json()).toMatchObject({ status: 'processing', processed: 1_000 });
    expect(await creditsLike('Q-RETRY-')).toBe(1_500);

    expect(await deliver(retried, 2)).toEqual([]);
    expect(await (await progress(statementId)).json()).toMatchObject({
      status: 'done',
      processed: 1_500,
      summary: { lines: 1_500, credits: 1_500, matched: 0, alreadyConfirmed: 0, exceptions: { unknown_reference: 1_500 } },
    });
    expect(await creditsLike('Q-RETRY-')).toBe(1_500);
  });

  it('a chunk that still fails after the last retry marks the statement failed, with the reason in Vietnamese', async () => {
    const recorder = recordingQueue();
    const res = await upload(statement(1_200, 'Q-FAIL-'), recorder.queue, { STATEMENT_INLINE_LINES: '1000' });
    const { statementId } = (await res.json()) as { statementId: string };
    const faulty = faultyD1(env.DB, (statement) => statement.sql.includes('INTO statement_chunks') && statement.params[1] === 2);
    expect(await deliver(recorder.sent, 1, faulty.db)).toEqual([{ statementId, chunk: 2 }]);
    expect(await deliver([{ statementId, chunk: 2 }], 6, faulty.db)).toEqual([]);
    const body = (await (await progress(statementId)).json()) as { status: string; failureReason: string; summary: unknown };
    expect(body.status).toBe('failed');
    expect(body.summary).toBeNull();
    expect(body.failureReason).toContain('Không xử lý được phần 3 của sao kê sau 6 lần thử');
  });

  it('another organization cannot see the statement', async () => {
    const recorder = recordingQueue();
    const res = await upload(statement(1_100, 'Q-OTHER-'), recorder.queue, { STATEMENT_INLINE_LINES: '1000' });
    const { statementId } = (await res.json()) as { statementId: string };
    await expectError(await progress(statementId, biller), 404, 'statement_not_found');
    await expectError(await progress('stm_nope'), 404, 'statement_not_found');
    expect((await progress(statementId, await login('admin@choso.test'))).status).toBe(200);
  });
});

describe('retries and repeated transaction ids', () => {
  it('the consumer gives up after as many retries as wrangler.toml lets Queues make', () => {
    const consumer = /\[\[queues\.consumers\]\]\s*queue = "choso-statements"[^[]*?max_retries = (\d+)/.exec(wranglerToml);
    expect(consumer, 'the choso-statements consumer in wrangler.toml').not.toBeNull();
    expect(STATEMENT_CHUNK_MAX_RETRIES).toBe(Number(consumer![1]));
  });

  it('a transaction id repeated in another chunk is refused with both lines, and nothing is stored or queued', async () => {
    // The retry recount (recountRetried) takes a credit row of this statement with the same id
    // for this line's own first attempt; that holds because no statement has an id twice.
    const lines = statement(1_200, 'Q-TWICE-').split('\n');
    const repeated = lines[1]!.split(',').at(-1)!;
    const farLine = STATEMENT_CHUNK_LINES + 100;
    lines[farLine] = lines[farLine]!.replace(/,[^,]+$/, `,${repeated}`);
    const recorder = recordingQueue();
    const statements = async () => (await env.DB.prepare('SELECT count(*) AS n FROM statements').first<{ n: number }>())!.n;
    const before = await statements();
    const refused = await expectError(
      await upload(lines.join('\n'), recorder.queue, { STATEMENT_INLINE_LINES: '1000' }),
      400,
      'invalid_statement',
    );
    expect(refused.error.details?.[0]?.message).toContain(`mã giao dịch "${repeated}" đã có ở dòng 2`);
    expect(recorder.sent).toEqual([]);
    expect(await statements()).toBe(before);
    expect(await creditsLike('Q-TWICE-')).toBe(0);
  });
});
