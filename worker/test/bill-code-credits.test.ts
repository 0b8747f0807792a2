// Residents often pay a paper bill by typing its printed code into their banking app, without
// opening our payment page: the credit that carries the code pays that bill, once.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, jsonRequest, login, seedDemo } from './helpers';
import { type BankNotice, createPayment, exceptionsFor, expectLedgerBalanced, postBankNotice } from './payment-helpers';

const SCHOOL_ACCOUNT = '2603205412387';
let school: string;

beforeAll(async () => {
  await seedDemo();
  school = await login('biller@choso.test');
});

interface BillJson {
  id: string;
  code: string;
  displayCode: string;
  status: string;
  amount: number;
}

let payerNumber = 0;
async function issueBill(amount: number): Promise<BillJson> {
  payerNumber += 1;
  const res = await api(
    '/api/v1/bills',
    jsonRequest(
      'POST',
      {
        type: 'tuition',
        payerName: 'Nguyễn Văn An',
        payerRef: `HS-CODE-${payerNumber}-${crypto.randomUUID().slice(0, 6)}`,
        description: 'Học phí tháng 12/2026',
        amount,
        dueDate: '2026-12-15',
      },
      school,
    ),
  );
  expect(res.status).toBe(201);
  return res.json<BillJson>();
}

/** The content a banking app sends when the resident types the printed code, its two groups split by a space. */
const typedContent = (bill: BillJson) =>
  `MBVCB.4530998360.029552.${bill.code.slice(0, 5)} ${bill.code.slice(5)}.CT tu 0351000646393 NGUYEN VAN A toi ${SCHOOL_ACCOUNT}`;

const transactionId = () => `FT${crypto.randomUUID().replace(/-/g, '').slice(0, 14).toUpperCase()}`;

function notice(bill: BillJson, amount: number): BankNotice {
  return {
    transactionId: transactionId(),
    accountNumber: SCHOOL_ACCOUNT,
    amount,
    description: typedContent(bill),
    bookedAt: new Date().toISOString(),
  };
}

async function billRow(id: string) {
  return env.DB.prepare('SELECT status, payment_id FROM bills WHERE id = ?1')
    .bind(id)
    .first<{ status: string; payment_id: string | null }>();
}

async function paymentsOf(billId: string) {
  const { results } = await env.DB.prepare('SELECT id, status, amount, method FROM payments WHERE bill_id = ?1 ORDER BY created_at')
    .bind(billId)
    .all<{ id: string; status: string; amount: number; method: string }>();
  return results;
}

async function countRows() {
  const row = await env.DB.prepare(
    `SELECT (SELECT COUNT(*) FROM payments) AS payments, (SELECT COUNT(*) FROM ledger_lines) AS ledger,
       (SELECT COUNT(*) FROM payment_events) AS events, (SELECT COUNT(*) FROM payment_exceptions) AS exceptions,
       (SELECT COUNT(*) FROM bank_credits) AS credits`,
  ).first<Record<string, number>>();
  return row!;
}

describe('a bank notification whose content carries a bill code', () => {
  it('pays the open bill with the exact amount: a payment and a receipt exist, and a replay changes nothing', async () => {
    const bill = await issueBill(415_000);
    const sent = notice(bill, 415_000);
    const res = await postBankNotice(sent);
    expect(res.status).toBe(200);

    const [payment] = await paymentsOf(bill.id);
    expect(payment).toMatchObject({ status: 'paid', amount: 415_000, method: 'vietqr' });
    expect(await billRow(bill.id)).toEqual({ status: 'paid', payment_id: payment!.id });
    const ledger = await expectLedgerBalanced(payment!.id);
    expect(ledger.debits).toBeGreaterThanOrEqual(415_000);

    const shown = await (await api(`/api/v1/payments/${payment!.id}`)).json<{ status: string; receiptUrl: string | null }>();
    expect(shown.status).toBe('paid');
    const receipt = await api(shown.receiptUrl!);
    expect(receipt.status).toBe(200);
    expect(await receipt.text()).toContain('415.000');

    const before = await countRows();
    expect((await postBankNotice(sent)).status).toBe(200);
    expect(await countRows()).toEqual(before);
    expect(await paymentsOf(bill.id)).toHaveLength(1);
  });

  it('with another amount is an amount_mismatch exception, and the bill stays open', async () => {
    const bill = await issueBill(415_000);
    const sent = notice(bill, 400_000);
    expect((await postBankNotice(sent)).status).toBe(200);
    expect(await billRow(bill.id)).toEqual({ status: 'open', payment_id: null });
    expect(await paymentsOf(bill.id)).toEqual([]);
    expect(await exceptionsFor({ bankTransactionId: sent.transactionId })).toEqual([
      {
        type: 'amount_mismatch',
        status: 'open',
        amount: 400_000,
        expected_amount: 415_000,
        payment_id: null,
        organization_id: 'org_school_dinh_bang',
      },
    ]);
  });

  it('for a bill paid already is a duplicate_payment, and the bill keeps its one payment', async () => {
    const bill = await issueBill(212_000);
    expect((await postBankNotice(notice(bill, 212_000))).status).toBe(200);
    const second = notice(bill, 212_000);
    expect((await postBankNotice(second)).status).toBe(200);
    expect(await paymentsOf(bill.id)).toHaveLength(1);
    expect((await exceptionsFor({ bankTransactionId: second.transactionId })).map((e) => e.type)).toEqual(['duplicate_payment']);
  });

  it('confirms the pending VietQR payment someone started for the bill', async () => {
    const bill = await issueBill(99_000);
    const { id } = await createPayment({ billCode: bill.code, method: 'vietqr' });
    expect((await postBankNotice(notice(bill, 99_000))).status).toBe(200);
    expect(await paymentsOf(bill.id)).toEqual([{ id, status: 'paid', amount: 99_000, method: 'vietqr' }]);
    expect(await billRow(bill.id)).toEqual({ status: 'paid', payment_id: id });
  });
});

describe('a statement line whose description carries a bill code', () => {
  function upload(lines: string[]) {
    const csv = ['STT,Ngày giao dịch,Số tham chiếu,Số tiền ghi nợ,Số tiền ghi có,Mô tả', ...lines].join('\n');
    const form = new FormData();
    form.append('file', new File([csv], 'sao-ke.csv', { type: 'text/csv' }));
    form.append('accountNumber', SCHOOL_ACCOUNT);
    return api('/api/v1/reconciliation/statements', { method: 'POST', headers: { Authorization: `Bearer ${school}` }, body: form });
  }

  it('pays the bill with the exact amount, and another amount is an exception that leaves its bill open', async () => {
    const paid = await issueBill(333_000);
    const short = await issueBill(333_000);
    const day = new Date(Date.now() + 7 * 60 * 60 * 1000);
    const when = `${String(day.getUTCDate()).padStart(2, '0')}/${String(day.getUTCMonth() + 1).padStart(2, '0')}/${day.getUTCFullYear()} 09:00:00`;
    const [first, second] = [transactionId(), transactionId()];
    const res = await upload([
      `1,${when},${first},,"333.000",${typedContent(paid)}`,
      `2,${when},${second},,"330.000",${typedContent(short)}`,
    ]);
    expect(res.status).toBe(201);

    const [payment] = await paymentsOf(paid.id);
    expect(payment).toMatchObject({ status: 'paid', amount: 333_000 });
    expect(await billRow(paid.id)).toEqual({ status: 'paid', payment_id: payment!.id });
    expect(await billRow(short.id)).toEqual({ status: 'open', payment_id: null });
    expect((await exceptionsFor({ bankTransactionId: second })).map((e) => [e.type, e.expected_amount])).toEqual([
      ['amount_mismatch', 333_000],
    ]);

    const again = await upload([`1,${when},${first},,"333.000",${typedContent(paid)}`]);
    expect(again.status).toBe(201);
    expect(await paymentsOf(paid.id)).toHaveLength(1);
  });
});
