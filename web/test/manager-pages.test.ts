import { exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonRequest, login, seedDemo } from '../../worker/test/helpers';

// The market board's and the school's pages as a browser with JavaScript off gets them (issue
// 10): the day that cannot be closed yet, the chart's values, months in words, the stall table
// on a phone, the QR sheet's account, a statement line by line, and a bill's payments.

const ORIGIN = 'http://choso.test';
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN };
const BOARD_ACCOUNT = '113000178542';
// A day of its own, with no demo data: its three exceptions are the only ones.
const BLOCKED_DAY = '2026-10-15';

function fetchPage(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, { redirect: 'manual', ...init }));
}

async function signIn(email: string): Promise<string> {
  const res = await fetchPage('/dang-nhap', { method: 'POST', headers: FORM, body: new URLSearchParams({ email, password: 'demo1234' }) });
  expect(res.status).toBe(303);
  return res.headers.get('Set-Cookie')!.match(/choso_session=[^;]+/)![0];
}

async function html(path: string, cookie: string): Promise<string> {
  const res = await fetchPage(path, { headers: { Cookie: cookie } });
  expect(res.status, path).toBe(200);
  return res.text();
}

/** Text without tags, with the entities Astro escapes turned back. */
function text(page: string): string {
  return page
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ');
}

const todayDmy = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10).split('-').reverse().join('/');

let board: string;
let school: string;
let statementId: string;
let paymentId: string;
let importResult: string;

beforeAll(async () => {
  await seedDemo();
  [board, school] = [await signIn('market@choso.test'), await signIn('biller@choso.test')];
  // A trader starts paying KQBTM-2526A (250.000 ₫) by VietQR; the board's statement then
  // brings that transfer and three that carry no code.
  const token = await login('market@choso.test');
  const start = await exports.default.fetch(
    new Request(`${ORIGIN}/api/v1/payments`, {
      ...jsonRequest('POST', { billCode: 'KQBTM-2526A', method: 'vietqr' }, token),
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
    }),
  );
  expect(start.status).toBe(201);
  const payment = (await start.json()) as { id: string; reference: string };
  paymentId = payment.id;
  const csv = [
    'bookedAt,amount,description,transactionId',
    `${todayDmy()} 09:15,250000,MBVCB.771.${payment.reference} phi cho B07,FT-MGR-PAID`,
    '15/10/2026 08:00,120000,chuyen tien cho ban,FT-MGR-X1',
    '15/10/2026 08:30,80000,nop tien,FT-MGR-X2',
    '15/10/2026 09:00,45000,ck,FT-MGR-X3',
  ].join('\n');
  const upload = new FormData();
  upload.append('accountNumber', BOARD_ACCOUNT);
  upload.append('file', new File([csv], 'sao-ke.csv', { type: 'text/csv' }));
  const imported = await fetchPage('/quan-ly/sao-ke', { method: 'POST', headers: { Cookie: board, Origin: ORIGIN }, body: upload });
  expect(imported.status).toBe(200);
  importResult = await imported.text();
  statementId = importResult.match(/href="\/quan-ly\/sao-ke\/(stm_[a-z0-9]+)"/)![1]!;
});

describe('closing the day', () => {
  it('a day with open exceptions shows the button disabled and says why, with the count', async () => {
    const page = await html(`/quan-ly/bao-cao?ngay=${BLOCKED_DAY}`, board);
    expect(page).toMatch(
      /<button class="button" type="submit" disabled aria-describedby="close-blocked-113000178542">Chốt sổ ngày<\/button>/,
    );
    expect(text(page)).toContain('Còn 3 khoản ngoại lệ chưa xử lý. Xử lý ngoại lệ rồi mới chốt sổ được.');
    expect(page).toContain('id="close-blocked-113000178542"');
  });

  it('a day with none keeps the button usable and says nothing more', async () => {
    const page = await html('/quan-ly/bao-cao?ngay=2026-10-01', board);
    expect(page).toMatch(/<button class="button" type="submit">Chốt sổ ngày<\/button>/);
    expect(text(page)).not.toContain('khoản ngoại lệ chưa xử lý');
  });
});

describe('the 30-day collections chart', () => {
  it('has an axis and writes every day with money in a table, without hovering', async () => {
    const page = await html('/quan-ly', board);
    expect(page).toMatch(/<svg viewBox="0 0 360 200" role="img" aria-labelledby="chart-caption"/);
    // Gridlines at 0, half and the top: 250.000 ₫ is already a round top for the axis.
    expect(page).toMatch(/<text[^>]*text-anchor="end"[^>]*>0<\/text>/);
    expect(page).toMatch(/<text[^>]*>125 nghìn<\/text>/);
    expect(page).toMatch(/<text[^>]*>250 nghìn<\/text>/);
    const body = text(page);
    expect(body).toContain('Số tiền thu từng ngày');
    expect(body).toContain(`${todayDmy()} 1 250.000 ₫`);
    expect(body).toContain('Cao nhất một ngày: 250.000 ₫.');
  });
});

describe('months in words', () => {
  it('a fee run is announced and listed as "tháng 3/2027", never "2027-03"', async () => {
    const res = await fetchPage('/quan-ly/cho/mkt_cho_chu', {
      method: 'POST',
      headers: { ...FORM, Cookie: board },
      body: new URLSearchParams({ intent: 'fee-run', period: '2027-03' }),
    });
    expect(res.status).toBe(200);
    const body = text(await res.text());
    expect(body).toContain('Đã phát hành phí tháng 3/2027: 9 hoá đơn.');
    expect(body).toMatch(/tháng 3\/2027 0 \/ 9/);
    expect(body).not.toContain('2027-03');
    const overview = text(await html('/quan-ly', board));
    expect(overview).toContain('Chợ Chũ tháng 3/2027 0 / 9 0%');
    expect(overview).not.toMatch(/\b2027-03\b/);
  });
});

describe('the stall table on a phone', () => {
  it('is a table that stacks into cards, each value named, with a caption', async () => {
    const page = await html('/quan-ly/cho/mkt_cho_chu', board);
    expect(page).toContain('<table class="data data--stack">');
    expect(text(page)).toContain('Các ki-ốt của chợ, mã QR nộp phí và số hoá đơn còn nợ');
    for (const label of ['Ki-ốt', 'Tiểu thương', 'Phí tháng', 'Nợ', 'Trạng thái']) expect(page).toContain(`data-label="${label}"`);
    expect(page).toMatch(/<div class="table-scroll" role="region" aria-label="Các lần phát hành phí tháng" tabindex="0">/);
  });
});

describe('the A4 stall QR sheet', () => {
  it('prints the bank, the account number and its holder, on the sheet and on each card', async () => {
    const page = await html('/api/v1/markets/mkt_cho_chu/stalls/sheet', board);
    expect(page).toContain('Tài khoản nhận tiền: VietinBank, số tài khoản 1130 0017 8542, chủ tài khoản BAN QUAN LY CHO CHU.');
    expect(page.match(/<p class="payee">VietinBank<br \/>STK 1130 0017 8542<br \/>BAN QUAN LY CHO CHU<\/p>/g)).toHaveLength(9);
  });
});

describe("a statement's lines", () => {
  it('says which bill a line paid and which exception each other line became, with links', async () => {
    const page = await html(`/quan-ly/sao-ke/${statementId}`, board);
    const body = text(page);
    expect(body).toContain('Từng dòng tiền vào');
    expect(body).toContain('Đã khớp với hoá đơn KQBTM-2526A');
    expect(page).toContain('href="/quan-ly/hoa-don/bil_demo_stall_b07"');
    expect(body.match(/Thành ngoại lệ: Tiền vào không có mã thanh toán\. Xử lý ngoại lệ này/g)).toHaveLength(3);
    expect(body).toContain('15/10/2026 08:00 FT-MGR-X1 120.000 ₫ chuyen tien cho ban');
    const link = page.match(/href="(\/quan-ly\/ngoai-le\?ma=exc_[a-z0-9]+)"/)![1]!;
    // The link opens the queue at that very exception.
    const queue = text(await html(link, board));
    expect(queue).toMatch(/Mã giao dịch FT-MGR-X[123]/);
    expect(queue).toContain('Đang xem khoản');
    // The bank line shows its time in Vietnam, as the statement printed it.
    expect(queue).toMatch(/Dòng sao kê ngân hàng 15\/10\/2026 (08:00 · 120\.000 ₫|08:30 · 80\.000 ₫|09:00 · 45\.000 ₫)/);
  });

  it('is offered from the import result', async () => {
    expect(text(importResult)).toContain('Xem từng dòng: khớp với gì, thành ngoại lệ gì');
    const detail = text(await html(`/quan-ly/sao-ke/${statementId}`, board));
    expect(detail).toContain('Sao kê đã nhập');
    expect(detail).toContain('Đã xong Đã xử lý 4/4 dòng');
    // Only the kinds of exception the statement produced are listed.
    expect(detail).toContain('Ngoại lệ: không có mã 3');
    expect(detail).not.toContain('Ngoại lệ: mã lạ');
  });
});

describe("the biller's bills", () => {
  it('filters by the month a bill falls due', async () => {
    const token = await login('biller@choso.test');
    for (const [payerRef, dueDate] of [
      ['MGR-THANG-01', '2027-01-20'],
      ['MGR-THANG-02', '2027-02-20'],
    ]) {
      const res = await exports.default.fetch(
        new Request(
          `${ORIGIN}/api/v1/bills`,
          jsonRequest(
            'POST',
            { type: 'tuition', payerName: 'Đỗ Văn Hải', payerRef, description: 'Học phí', amount: 300000, dueDate },
            token,
          ),
        ),
      );
      expect(res.status).toBe(201);
    }
    const page = await html('/quan-ly/hoa-don?q=MGR-THANG&period=2027-02', school);
    const body = text(page);
    expect(body).toContain('MGR-THANG-02');
    expect(body).not.toContain('MGR-THANG-01');
    expect(body).toContain('Hoá đơn có hạn nộp trong tháng 2/2027.');
    expect(page).toContain('<input id="period" name="period" type="month" value="2027-02">');
  });

  it("a paid bill's page lists its payment, its receipt and its refund", async () => {
    const token = await login('market@choso.test');
    const refund = await exports.default.fetch(
      new Request(
        `${ORIGIN}/api/v1/payments/${paymentId}/refunds`,
        jsonRequest('POST', { amount: 50000, reason: 'Tiểu thương nộp thừa tháng trước' }, token),
      ),
    );
    expect(refund.status).toBe(201);
    const page = await html('/quan-ly/hoa-don/bil_demo_stall_b07', board);
    const body = text(page);
    expect(body).toContain('Các lần thanh toán');
    expect(body).toMatch(/VietQR \(chuyển khoản\) Đã thanh toán 250\.000 ₫ Đã hoàn 50\.000 ₫ Biên lai CS/);
    expect(page).toContain(`href="/bien-lai/${paymentId}"`);
    expect(body).toContain('Hoàn tiền');
    expect(body).toContain('50.000 ₫ Tiểu thương nộp thừa tháng trước Chờ duyệt');
    expect(page).toContain('href="/quan-ly/duyet-hoan-tien"');
  });
});
