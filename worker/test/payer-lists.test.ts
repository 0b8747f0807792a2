// A biller's payer list and its monthly bill runs: the list kept by hand or from a file (all
// or nothing), a run that bills each active payer once per month, and what it has collected.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, bearer, expectError, jsonRequest, login, seedDemo } from './helpers';
import { createPayment, noticeFor, postBankNotice } from './payment-helpers';
import { buildXlsx } from './xlsx';

let school: string;
let market: string;
let shopper: string;

beforeAll(async () => {
  await seedDemo();
  [school, market, shopper] = await Promise.all([login('biller@choso.test'), login('market@choso.test'), login('shopper@choso.test')]);
});

interface PayerJson {
  id: string;
  payerRef: string;
  payerName: string;
  group: string | null;
  phone: string | null;
  amount: number | null;
  active: boolean;
}

interface RunJson {
  id: string;
  period: string;
  periodLabel: string;
  group: string | null;
  description: string;
  dueDate: string;
  amount: number | null;
  billsIssued: number;
  billsPaid: number;
  billsCancelled: number;
  amountIssued: number;
  amountPaid: number;
  collectionRate: number;
}

function addPayer(body: Record<string, unknown>, token = school) {
  return api('/api/v1/bills/payers', jsonRequest('POST', body, token));
}

async function addPayers(group: string, payers: Array<[string, string, number | null]>) {
  for (const [payerRef, payerName, amount] of payers) {
    const res = await addPayer({ payerRef, payerName, group, ...(amount === null ? {} : { amount }) });
    expect(res.status).toBe(201);
  }
}

function startRun(body: Record<string, unknown>, key: string | null = crypto.randomUUID(), token = school) {
  const init = jsonRequest('POST', body, token);
  if (key !== null) (init.headers as Record<string, string>)['Idempotency-Key'] = key;
  return api('/api/v1/bills/runs', init);
}

async function uploadPayers(content: string | Uint8Array, name = 'danh-sach.csv', token = school) {
  const form = new FormData();
  form.append('file', new File([content as BlobPart], name));
  const multipart = new Response(form);
  const body = await multipart.arrayBuffer();
  return api('/api/v1/bills/payers/import', {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': multipart.headers.get('Content-Type')!,
      'Content-Length': String(body.byteLength),
    },
    body,
  });
}

const count = async (table: 'payers' | 'bill_runs' | 'bills') =>
  (await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>())!.n;

const billsOfRun = async (runId: string) =>
  (
    await env.DB.prepare(
      'SELECT code, payer_ref, payer_name, payer_group, description, amount, due_date, type, status FROM bills WHERE bill_run_id = ?1 ORDER BY payer_ref',
    )
      .bind(runId)
      .all<{
        code: string;
        payer_ref: string;
        payer_name: string;
        payer_group: string;
        description: string;
        amount: number;
        due_date: string;
        type: string;
        status: string;
      }>()
  ).results;

describe('POST /api/v1/bills/payers', () => {
  it('adds a payer, then updates the same payerRef whatever its case', async () => {
    const res = await addPayer({ payerRef: 'HS-UP-01', payerName: 'Nguyễn Văn An', group: '7A', phone: '0912 345 678', amount: 350000 });
    expect(res.status).toBe(201);
    const added = await res.json<PayerJson>();
    expect(added).toMatchObject({
      payerRef: 'HS-UP-01',
      payerName: 'Nguyễn Văn An',
      group: '7A',
      phone: '0912345678',
      amount: 350000,
      active: true,
    });

    const again = await addPayer({ payerRef: 'hs-up-01', payerName: 'Nguyễn Văn Anh', group: '7B' });
    expect(again.status).toBe(200);
    expect(await again.json<PayerJson>()).toMatchObject({
      id: added.id,
      payerRef: 'HS-UP-01',
      payerName: 'Nguyễn Văn Anh',
      group: '7B',
      phone: null,
      amount: null,
    });
    const listed = await api('/api/v1/bills/payers?q=HS-UP', bearer(school));
    const page = await listed.json<{ items: PayerJson[]; groups: string[] }>();
    expect(page.items.map((p) => [p.payerRef, p.payerName, p.group])).toEqual([['HS-UP-01', 'Nguyễn Văn Anh', '7B']]);
    expect(page.groups).toContain('7B');
  });

  it('refuses bad input with a 400 in Vietnamese and writes nothing', async () => {
    const before = await count('payers');
    for (const body of [
      { payerRef: '', payerName: 'An' },
      { payerRef: 'HS-BAD', payerName: 'An', amount: -1 },
      { payerRef: 'HS-BAD', payerName: 'An', amount: 1.5 },
      { payerRef: 'HS-BAD', payerName: 'An\u0000' },
      { payerRef: 'HS-BAD', payerName: 'An', phone: 'gọi cho tôi' },
      { payerRef: 'HS-BAD', payerName: 'An', extra: 1 },
    ]) {
      await expectError(await addPayer(body), 400, 'validation_failed');
    }
    expect(await count('payers')).toBe(before);
  });

  it('is for billers only', async () => {
    expect((await addPayer({ payerRef: 'HS-X', payerName: 'An' }, shopper)).status).toBe(403);
    expect((await api('/api/v1/bills/payers')).status).toBe(401);
  });
});

describe('GET /api/v1/bills/payers', () => {
  it('pages through the list by reference, one group at a time', async () => {
    await addPayers('PG', [
      ['PG-03', 'Lê C', 100000],
      ['PG-01', 'Lê A', 100000],
      ['PG-02', 'Lê B', 100000],
    ]);
    const first = await (await api('/api/v1/bills/payers?group=PG&limit=2', bearer(school))).json<{
      items: PayerJson[];
      nextCursor: string | null;
    }>();
    expect(first.items.map((p) => p.payerRef)).toEqual(['PG-01', 'PG-02']);
    const second = await (await api(`/api/v1/bills/payers?group=PG&limit=2&cursor=${first.nextCursor}`, bearer(school))).json<{
      items: PayerJson[];
      nextCursor: string | null;
    }>();
    expect(second.items.map((p) => p.payerRef)).toEqual(['PG-03']);
    expect(second.nextCursor).toBeNull();
    await expectError(await api('/api/v1/bills/payers?cursor=garbage', bearer(school)), 400, 'invalid_cursor');
  });
});

describe('POST /api/v1/bills/payers/import', () => {
  it('refuses a file with wrong rows whole, naming each row, then imports it once fixed', async () => {
    const before = await count('payers');
    const wrong =
      'Mã học sinh,Họ tên,Lớp,Số tiền\r\nIM-01,Hoàng An,8B,350.000\r\nIM-02,,8B,350000\r\nIM-03,Hoàng Cúc,8B,ba trăm\r\nim-01,Hoàng Dũng,8B,\r\n';
    const refused = await expectError(await uploadPayers(wrong), 400, 'import_rejected');
    expect(refused.error.message).toBe('Chưa lưu người nộp nào: hãy sửa các dòng được liệt kê rồi tải tệp lên lại');
    expect(refused.error.details.map((d) => d.path)).toEqual(['row 3', 'row 4', 'row 5']);
    expect(refused.error.details[0]!.message).toBe('Dòng 3: thiếu họ tên (payerName)');
    expect(refused.error.details[1]!.message).toMatch(/^Dòng 4: Số tiền/);
    expect(refused.error.details[2]!.message).toBe('Dòng 5: trùng mã người nộp với dòng 2');
    expect(await count('payers')).toBe(before);

    const fixed = 'Mã học sinh,Họ tên,Lớp,Số tiền\r\nIM-01,Hoàng An,8B,350.000\r\nIM-02,Hoàng Bình,8B,350000\r\nIM-03,Hoàng Cúc,8B,\r\n';
    const imported = await uploadPayers(fixed);
    expect(imported.status).toBe(201);
    expect(await imported.json()).toEqual({ rows: 3, created: 3, updated: 0 });
    expect(await count('payers')).toBe(before + 3);

    // The same list from Excel, with one name corrected: every row updates, none is added.
    const xlsx = buildXlsx([
      {
        name: 'Lớp 8B',
        rows: [
          ['payerRef', 'payerName', 'class', 'amount'],
          ['IM-01', 'Hoàng Văn An', '8B', { number: 350000 }],
          ['IM-02', 'Hoàng Bình', '8B', { number: 350000 }],
          ['IM-03', 'Hoàng Cúc', '8B', null],
        ],
      },
    ]);
    const again = await uploadPayers(xlsx, 'lop-8b.xlsx');
    expect(again.status).toBe(201);
    expect(await again.json()).toEqual({ rows: 3, created: 0, updated: 3 });
    const page = await (await api('/api/v1/bills/payers?group=8B', bearer(school))).json<{ items: PayerJson[] }>();
    expect(page.items.map((p) => [p.payerRef, p.payerName, p.amount])).toEqual([
      ['IM-01', 'Hoàng Văn An', 350000],
      ['IM-02', 'Hoàng Bình', 350000],
      ['IM-03', 'Hoàng Cúc', null],
    ]);
  });

  it('answers a request without a file with a 400', async () => {
    const res = await api('/api/v1/bills/payers/import', {
      method: 'POST',
      headers: { Authorization: `Bearer ${school}` },
      body: new FormData(),
    });
    await expectError(res, 400, 'validation_failed');
  });
});

describe('POST /api/v1/bills/runs', () => {
  it('bills each payer of the group once for the month; running it again creates nothing and answers the same run', async () => {
    await addPayers('R1', [
      ['R1-01', 'Ngô Minh Anh', 350000],
      ['R1-02', 'Ngô Gia Bảo', 350000],
      ['R1-03', 'Ngô Thu Hà', 480000],
    ]);
    const body = { period: '2027-01', description: 'Học phí tháng 1/2027', dueDate: '2027-01-15', group: 'R1' };
    const key = crypto.randomUUID();
    const res = await startRun(body, key);
    expect(res.status).toBe(201);
    const run = await res.json<RunJson>();
    expect(res.headers.get('Location')).toBe(`/api/v1/bills/runs/${run.id}`);
    expect(run).toMatchObject({
      period: '2027-01',
      periodLabel: 'tháng 1/2027',
      group: 'R1',
      description: 'Học phí tháng 1/2027',
      dueDate: '2027-01-15',
      amount: null,
      billsIssued: 3,
      billsPaid: 0,
      amountIssued: 1_180_000,
      amountPaid: 0,
      collectionRate: 0,
    });
    const bills = await billsOfRun(run.id);
    expect(bills.map((b) => [b.payer_ref, b.payer_name, b.payer_group, b.description, b.amount, b.due_date, b.type, b.status])).toEqual([
      ['R1-01', 'Ngô Minh Anh', 'R1', 'Học phí tháng 1/2027', 350000, '2027-01-15', 'tuition', 'open'],
      ['R1-02', 'Ngô Gia Bảo', 'R1', 'Học phí tháng 1/2027', 350000, '2027-01-15', 'tuition', 'open'],
      ['R1-03', 'Ngô Thu Hà', 'R1', 'Học phí tháng 1/2027', 480000, '2027-01-15', 'tuition', 'open'],
    ]);
    const billsBefore = await count('bills');

    // The same request retried, and the same month asked again under another key.
    const retried = await startRun(body, key);
    expect(retried.status).toBe(200);
    expect(await retried.json<RunJson>()).toMatchObject({ id: run.id, billsIssued: 3, amountIssued: 1_180_000 });
    const asked = await startRun({ ...body, description: 'Học phí lần hai' });
    expect(asked.status).toBe(200);
    expect(await asked.json<RunJson>()).toMatchObject({ id: run.id, description: 'Học phí tháng 1/2027', billsIssued: 3 });
    expect(await count('bills')).toBe(billsBefore);

    // The key of this run reused for another month is refused.
    await expectError(await startRun({ ...body, period: '2027-02' }, key), 409, 'idempotency_key_reused');

    // A payer added later is billed when the month is run again; nobody else is billed twice.
    await addPayers('R1', [['R1-04', 'Ngô Quang Minh', 350000]]);
    const completed = await (await startRun(body)).json<RunJson>();
    expect(completed).toMatchObject({ id: run.id, billsIssued: 4, amountIssued: 1_530_000 });
    expect(await count('bills')).toBe(billsBefore + 1);

    const listed = await (await api('/api/v1/bills/runs', bearer(school))).json<{ items: RunJson[] }>();
    expect(listed.items.find((r) => r.id === run.id)).toMatchObject({ billsIssued: 4, billsPaid: 0 });
  });

  it('bills a payer once per month even when a run of all payers follows a run of their group', async () => {
    await addPayers('R5', [['R5-01', 'Cao Văn Nam', 200000]]);
    const groupRun = await (
      await startRun({ period: '2031-03', description: 'Tiền ăn tháng 3/2031', dueDate: '2031-03-10', group: 'R5' })
    ).json<RunJson>();
    expect(groupRun.billsIssued).toBe(1);
    const everyone = await startRun({ period: '2031-03', description: 'Tiền ăn tháng 3/2031', dueDate: '2031-03-10', amount: 200000 });
    expect(everyone.status).toBe(201);
    const { n } = (await env.DB.prepare(
      "SELECT count(*) AS n FROM bills b JOIN bill_runs r ON r.id = b.bill_run_id WHERE r.period = '2031-03' AND b.payer_ref = 'R5-01'",
    ).first<{ n: number }>())!;
    expect(n).toBe(1);
  });

  it('refuses a run when a payer has no amount and the run names none, and writes nothing', async () => {
    await addPayers('R2', [
      ['R2-01', 'Đinh Văn Long', 300000],
      ['R2-02', 'Đinh Thị Mai', null],
    ]);
    const [runsBefore, billsBefore] = [await count('bill_runs'), await count('bills')];
    const refused = await expectError(
      await startRun({ period: '2027-03', description: 'Học phí tháng 3/2027', dueDate: '2027-03-15', group: 'R2' }),
      400,
      'payer_amount_missing',
    );
    expect(refused.error.details).toEqual([{ path: 'payer R2-02', message: 'Đinh Thị Mai (R2-02) chưa có số tiền phải nộp' }]);
    expect([await count('bill_runs'), await count('bills')]).toEqual([runsBefore, billsBefore]);

    // One amount for the whole run bills everyone that amount.
    const res = await startRun({
      period: '2027-03',
      description: 'Học phí tháng 3/2027',
      dueDate: '2027-03-15',
      group: 'R2',
      amount: 250000,
    });
    expect(res.status).toBe(201);
    expect(await res.json<RunJson>()).toMatchObject({ amount: 250000, billsIssued: 2, amountIssued: 500000 });
  });

  it('refuses bad input with a 400 and writes nothing', async () => {
    const [runsBefore, billsBefore] = [await count('bill_runs'), await count('bills')];
    const good = { period: '2027-04', description: 'Học phí tháng 4/2027', dueDate: '2027-04-15', group: 'R1' };
    for (const body of [
      { ...good, period: '2027-13' },
      { ...good, period: '27-04' },
      { ...good, dueDate: '2027-02-30' },
      { ...good, description: '' },
      { ...good, amount: 0 },
      { ...good, amount: 10_000_000_001 },
    ]) {
      await expectError(await startRun(body), 400, 'validation_failed');
    }
    await expectError(await startRun(good, null), 400, 'idempotency_key_required');
    await expectError(await startRun({ ...good, group: 'NHÓM-KHÔNG-CÓ' }), 400, 'no_payers');
    expect([await count('bill_runs'), await count('bills')]).toEqual([runsBefore, billsBefore]);
  });

  it("shows the run's collection rate once one of its bills is paid", async () => {
    await addPayers('R3', [
      ['R3-01', 'Bùi Văn Tài', 350000],
      ['R3-02', 'Bùi Thị Thu', 350000],
    ]);
    const run = await (
      await startRun({ period: '2027-05', description: 'Học phí tháng 5/2027', dueDate: '2027-05-15', group: 'R3' })
    ).json<RunJson>();
    const [first] = await billsOfRun(run.id);
    const payment = await createPayment({ billCode: first!.code, method: 'vietqr' });
    expect((await postBankNotice(noticeFor(payment))).status).toBe(200);

    const res = await api(`/api/v1/bills/runs/${run.id}`, bearer(school));
    expect(res.status).toBe(200);
    expect(await res.json<RunJson>()).toMatchObject({
      billsIssued: 2,
      billsPaid: 1,
      amountIssued: 700000,
      amountPaid: 350000,
      collectionRate: 0.5,
    });

    // Its bills print from the run.
    const printed = await (await api(`/api/v1/bills/printable?runId=${run.id}`, bearer(school))).json<{
      items: Array<{ payerRef: string; payerGroup: string; amountText: string }>;
    }>();
    expect(printed.items.map((b) => [b.payerRef, b.payerGroup, b.amountText])).toEqual([
      ['R3-01', 'R3', '350.000 ₫'],
      ['R3-02', 'R3', '350.000 ₫'],
    ]);
  });

  it('leaves out a payer removed from the list', async () => {
    await addPayers('R4', [
      ['R4-01', 'Trịnh Văn Hải', 150000],
      ['R4-02', 'Trịnh Thị Yến', 150000],
    ]);
    const page = await (await api('/api/v1/bills/payers?group=R4', bearer(school))).json<{ items: PayerJson[] }>();
    const removed = await api(`/api/v1/bills/payers/${page.items[1]!.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${school}` },
    });
    expect(removed.status).toBe(200);
    expect(await removed.json<PayerJson>()).toMatchObject({ payerRef: 'R4-02', active: false });
    const run = await (
      await startRun({ period: '2027-06', description: 'Học phí tháng 6/2027', dueDate: '2027-06-15', group: 'R4' })
    ).json<RunJson>();
    expect((await billsOfRun(run.id)).map((b) => b.payer_ref)).toEqual(['R4-01']);
    const inactive = await (await api('/api/v1/bills/payers?group=R4&status=inactive', bearer(school))).json<{ items: PayerJson[] }>();
    expect(inactive.items.map((p) => p.payerRef)).toEqual(['R4-02']);
  });
});

describe('another organization', () => {
  it("gets 404 for the school's payers and runs, and sees none of them", async () => {
    await addPayers('OT', [['OT-01', 'Mạc Văn Khoa', 100000]]);
    const payer = (await (await api('/api/v1/bills/payers?group=OT', bearer(school))).json<{ items: PayerJson[] }>()).items[0]!;
    const run = await (
      await startRun({ period: '2027-07', description: 'Học phí tháng 7/2027', dueDate: '2027-07-15', group: 'OT' })
    ).json<RunJson>();

    await expectError(await api(`/api/v1/bills/runs/${run.id}`, bearer(market)), 404, 'bill_run_not_found');
    await expectError(
      await api(`/api/v1/bills/payers/${payer.id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${market}` } }),
      404,
      'payer_not_found',
    );
    const theirs = await (await api('/api/v1/bills/payers?q=OT-01', bearer(market))).json<{ items: PayerJson[] }>();
    expect(theirs.items).toEqual([]);
    const theirRuns = await (await api('/api/v1/bills/runs', bearer(market))).json<{ items: RunJson[] }>();
    expect(theirRuns.items.map((r) => r.id)).not.toContain(run.id);
    const printed = await (await api(`/api/v1/bills/printable?runId=${run.id}`, bearer(market))).json<{ items: unknown[] }>();
    expect(printed.items).toEqual([]);
    // Still there for the school.
    expect((await api(`/api/v1/bills/runs/${run.id}`, bearer(school))).status).toBe(200);
  });
});
