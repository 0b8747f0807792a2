import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { newPaymentReference } from '../src/domain/codes';
import { checkIntegrity } from '../src/integrity/check';
import { sellerBalanceOf } from '../src/payouts/balance';
import { approvePayoutRun, createPayoutRun, markPayoutFailed } from '../src/payouts/runs';
import { buildPayoutSeedStatements } from '../src/seed/payouts';
import { dyingD1 } from './d1-faults';
import { seedDemo } from './helpers';

// A payout run's workflow (worker/src/payouts/runs.ts) writes in a few db.batch() calls:
// creating a run releases what is due (batch 1) and then writes the run, its payouts, their
// events and reserve journals (batch 2); approving is one batch; marking a transfer failed is
// one batch. The worker may die at any of those boundaries (the wrapper throws just before a
// batch, or just after it was written). Afterwards nothing may be half-written and a retry,
// as an admin would press the button again, must complete exactly once.

const SETTINGS = { holdDays: 7, commissionBps: 250, minimumAmount: 50_000, confirmDays: 3 };
const SOURCE = { bankBin: '970418', accountNo: '12010009998888', accountName: 'CONG TY CHO SO BAC NINH' };
/** The seed's delivered order: 1.300.000 ₫, less 2,5 % commission (32.500 ₫). */
const PAYOUT_AMOUNT = 1_267_500;
const DAY = 86_400_000;

let scenario = 0;

/** A seller with a bank account whose delivered sub-order (1.300.000 ₫) is past its hold. */
async function sellerWithMoneyDue(): Promise<{ org: string; subOrder: string; cutoffDate: string }> {
  scenario += 1;
  const tag = `pf${scenario}`;
  const org = `org_payout_fault_${scenario}`;
  const reference = newPaymentReference();
  const renamed = (text: string) => text.replaceAll('org_htx_ruou_lang_van', org).replaceAll('seed_lang_van', `seed_${tag}`);
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO organizations (id, kind, name, commune, province, bank_bin, bank_account_no, bank_account_name)
       SELECT ?1, kind, 'HTX thử lỗi chi trả ' || ?2, commune, province, bank_bin, bank_account_no, bank_account_name
       FROM organizations WHERE id = 'org_htx_ruou_lang_van'`,
    ).bind(org, scenario),
    ...buildPayoutSeedStatements().map(({ sql, params }) =>
      env.DB.prepare(renamed(sql)).bind(
        ...params.map((param) => {
          if (typeof param !== 'string') return param;
          if (/^CSSEEDVAN.$/.test(param)) return reference;
          if (/^0{64}$/.test(param)) return crypto.randomUUID().replaceAll('-', '').padEnd(64, '0');
          return renamed(param);
        }),
      ),
    ),
  ]);
  // A cut-off day of its own (one run per day), in the past.
  const cutoffDate = new Date(Date.now() + 7 * 3600_000 - scenario * DAY).toISOString().slice(0, 10);
  return { org, subOrder: `sub_seed_${tag}`, cutoffDate };
}

const now = () => new Date().toISOString();
const createRun = (db: D1Database, cutoffDate: string, idempotencyKey: string) =>
  createPayoutRun(db, { cutoffDate, idempotencyKey, userId: 'usr_admin', source: SOURCE, settings: SETTINGS, now: now() });

async function rows<T>(sql: string, ...params: unknown[]): Promise<T[]> {
  return (
    await env.DB.prepare(sql)
      .bind(...params)
      .all<T>()
  ).results;
}

/** Nothing half-written: sound books, every payout with its event and its journal, each sub-order released once. */
async function expectNothingHalfWritten(org: string, subOrder: string) {
  const report = await checkIntegrity(env.DB);
  expect(report.rules.filter((rule) => !rule.ok)).toEqual([]);
  expect(await rows(`SELECT journal_id, sum(debit) - sum(credit) AS off FROM ledger_lines GROUP BY journal_id HAVING off <> 0`)).toEqual(
    [],
  );
  const payouts = await rows<{ id: string; status: string; amount: number; last_event_id: string }>(
    'SELECT id, status, amount, last_event_id FROM payouts WHERE organization_id = ?1',
    org,
  );
  for (const payout of payouts) {
    const [last] = await rows<{ to_status: string }>('SELECT to_status FROM payout_events WHERE id = ?1', payout.last_event_id);
    expect(last?.to_status).toBe(payout.status);
    const created = await rows<{ event: string; id: string }>(
      "SELECT event, id FROM payout_events WHERE payout_id = ?1 AND event IN ('create', 'hold')",
      payout.id,
    );
    expect(created).toHaveLength(1);
    // The reserve journal: the payout's amount out of the seller's available money.
    const reserve = await rows<{ lines: number; moved: number }>(
      'SELECT count(*) AS lines, sum(debit) AS moved FROM ledger_lines WHERE journal_id = ?1 AND payout_id = ?2',
      created[0]!.id,
      payout.id,
    );
    expect(reserve[0]!.lines).toBeGreaterThan(0);
    expect(reserve[0]!.moved).toBe(payout.amount);
  }
  expect(
    await rows('SELECT l.id FROM ledger_lines l LEFT JOIN payouts p ON p.id = l.payout_id WHERE l.payout_id IS NOT NULL AND p.id IS NULL'),
  ).toEqual([]);
  expect(await rows('SELECT sub_order_id FROM payout_releases WHERE sub_order_id = ?1', subOrder)).toHaveLength(1);
  return payouts;
}

beforeAll(async () => {
  await seedDemo();
  await env.DB.batch(buildPayoutSeedStatements().map(({ sql, params }) => env.DB.prepare(sql).bind(...params)));
  // The seed's own seller is paid by a run of its own, so the scenarios below each see only theirs.
  await createRun(env.DB, new Date(Date.now() + 7 * 3600_000 - 40 * DAY).toISOString().slice(0, 10), crypto.randomUUID());
});

describe('a payout run whose worker dies at a batch boundary', () => {
  it.each([
    ['before the release batch', 1, 'before'],
    ['after the release batch', 1, 'after'],
    ['before the batch of the run and its payouts', 2, 'before'],
    ['after the batch of the run and its payouts', 2, 'after'],
  ] as const)('creating it: dies %s, and the retry makes one run with one payout', async (_name, batch, moment) => {
    const { org, subOrder, cutoffDate } = await sellerWithMoneyDue();
    const key = crypto.randomUUID();
    const dying = dyingD1(env.DB, { batch, moment });
    await expect(createRun(dying.db, cutoffDate, key)).rejects.toThrow(/the worker died/);
    expect(dying.batches).toBe(batch);

    const retried = await createRun(env.DB, cutoffDate, key);
    expect(retried.created).toBe(!(batch === 2 && moment === 'after'));
    expect(retried.payouts.filter((payout) => payout.organizationId === org).map((payout) => [payout.amount, payout.status])).toEqual([
      [PAYOUT_AMOUNT, 'awaiting_approval'],
    ]);
    // Pressed once more: the same run, nothing new.
    const again = await createRun(env.DB, cutoffDate, key);
    expect(again.created).toBe(false);
    expect(again.run.id).toBe(retried.run.id);
    expect(await rows('SELECT id FROM payout_runs WHERE cutoff_date = ?1', cutoffDate)).toHaveLength(1);

    expect(await expectNothingHalfWritten(org, subOrder)).toHaveLength(1);
    expect(await sellerBalanceOf(env.DB, org, now(), SETTINGS)).toEqual({
      pending: 0,
      available: 0,
      inTransfer: PAYOUT_AMOUNT,
      paidOut: 0,
    });
  });

  it.each([
    ['before', 'before'],
    ['after', 'after'],
  ] as const)('approving it: dies %s its one batch, and the retry approves it once', async (_name, moment) => {
    const { org, subOrder, cutoffDate } = await sellerWithMoneyDue();
    const { run } = await createRun(env.DB, cutoffDate, crypto.randomUUID());
    const dying = dyingD1(env.DB, { batch: 1, moment });
    await expect(approvePayoutRun(dying.db, run.id, 'usr_admin2', now())).rejects.toThrow(/the worker died/);

    if (moment === 'before') {
      const approved = await approvePayoutRun(env.DB, run.id, 'usr_admin2', now());
      expect(approved.run.status).toBe('approved');
    } else {
      // It was written: pressing again is refused, and says so in Vietnamese.
      await expect(approvePayoutRun(env.DB, run.id, 'usr_admin2', now())).rejects.toMatchObject({
        status: 409,
        message: 'Đợt chi trả này đã được duyệt',
      });
    }
    const payouts = await expectNothingHalfWritten(org, subOrder);
    expect(payouts.map((payout) => payout.status)).toEqual(['approved']);
    expect(await rows("SELECT id FROM payout_events WHERE payout_id = ?1 AND event = 'approve'", payouts[0]!.id)).toHaveLength(1);
  });

  it.each([
    ['before', 'before'],
    ['after', 'after'],
  ] as const)('marking a transfer failed: dies %s its one batch, and the money comes back once', async (_name, moment) => {
    const { org, subOrder, cutoffDate } = await sellerWithMoneyDue();
    const { run, payouts } = await createRun(env.DB, cutoffDate, crypto.randomUUID());
    await approvePayoutRun(env.DB, run.id, 'usr_admin2', now());
    const payout = payouts.find((one) => one.organizationId === org)!;
    const reason = 'Ngân hàng trả lại: sai số tài khoản';
    const dying = dyingD1(env.DB, { batch: 1, moment });
    await expect(markPayoutFailed(dying.db, payout.id, 'usr_admin', reason, now())).rejects.toThrow(/the worker died/);

    if (moment === 'before') {
      expect((await markPayoutFailed(env.DB, payout.id, 'usr_admin', reason, now())).status).toBe('failed');
    } else {
      await expect(markPayoutFailed(env.DB, payout.id, 'usr_admin', reason, now())).rejects.toMatchObject({ status: 409 });
    }
    await expectNothingHalfWritten(org, subOrder);
    expect(await rows("SELECT id FROM payout_events WHERE payout_id = ?1 AND event = 'fail'", payout.id)).toHaveLength(1);
    expect(await sellerBalanceOf(env.DB, org, now(), SETTINGS)).toEqual({
      pending: 0,
      available: PAYOUT_AMOUNT,
      inTransfer: 0,
      paidOut: 0,
    });
  });
});
