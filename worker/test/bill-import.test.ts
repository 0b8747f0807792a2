import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, bearer, expectError, login, seedDemo } from './helpers';
import { buildXlsx, excelSerial } from './xlsx';

let school: string;
let shopper: string;

beforeAll(async () => {
  await seedDemo();
  [school, shopper] = await Promise.all([login('biller@choso.test'), login('shopper@choso.test')]);
});

async function upload(content: string | Uint8Array, token: string, name = 'hoc-phi.csv') {
  const form = new FormData();
  form.append('file', new File([content as BlobPart], name));
  const multipart = new Response(form);
  const body = await multipart.arrayBuffer();
  return api('/api/v1/bills/import', {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': multipart.headers.get('Content-Type')!,
      'Content-Length': String(body.byteLength),
    },
    body,
  });
}

const billsOf = (payerRefPrefix: string) =>
  env.DB.prepare(
    `SELECT payer_ref, payer_name, description, amount, due_date, type, payer_group, payer_phone, status
     FROM bills WHERE biller_id = 'org_school_dinh_bang' AND payer_ref LIKE ?1 ORDER BY payer_ref`,
  )
    .bind(`${payerRefPrefix}%`)
    .all<Record<string, unknown>>()
    .then((r) => r.results);

describe('POST /api/v1/bills/import', () => {
  it('issues one tuition bill per CSV row, and the same file again creates nothing', async () => {
    const csv =
      'payerRef,payerName,description,amount,dueDate,class,phone\r\n' +
      'IMP-A-01,Nguyễn Văn An,Học phí tháng 12/2026,350000,15/12/2026,6A,0912 345 678\r\n' +
      'IMP-A-02,Trần Thị Bình,Học phí tháng 12/2026,"350.000",2026-12-15,6A,\r\n';
    const first = await upload(csv, school);
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({ rows: 2, created: 2, alreadyImported: 0 });
    expect(await billsOf('IMP-A-')).toEqual([
      {
        payer_ref: 'IMP-A-01',
        payer_name: 'Nguyễn Văn An',
        description: 'Học phí tháng 12/2026',
        amount: 350000,
        due_date: '2026-12-15',
        type: 'tuition',
        payer_group: '6A',
        payer_phone: '0912345678',
        status: 'open',
      },
      {
        payer_ref: 'IMP-A-02',
        payer_name: 'Trần Thị Bình',
        description: 'Học phí tháng 12/2026',
        amount: 350000,
        due_date: '2026-12-15',
        type: 'tuition',
        payer_group: '6A',
        payer_phone: null,
        status: 'open',
      },
    ]);
    const again = await upload(csv, school);
    expect(again.status).toBe(201);
    expect(await again.json()).toEqual({ rows: 2, created: 0, alreadyImported: 2 });
    expect(await billsOf('IMP-A-')).toHaveLength(2);
  });

  it('refuses the whole file when any row is wrong, naming each row and reason, and writes nothing', async () => {
    const csv =
      'payerRef,payerName,description,amount,dueDate\n' +
      'IMP-B-01,Lê Văn Cường,Học phí tháng 12/2026,350000,15/12/2026\n' +
      'IMP-B-02,Phạm Thị Dung,Học phí tháng 12/2026,35O000,15/12/2026\n' +
      'IMP-B-03,,Học phí tháng 12/2026,350000,31/02/2026\n' +
      'IMP-B-01,Lê Văn Cường,Học phí tháng 12/2026,350000,15/12/2026\n';
    const error = await expectError(await upload(csv, school), 400, 'import_rejected');
    expect(error.error.message).toBe('Chưa tạo hoá đơn nào: hãy sửa các dòng được liệt kê rồi tải tệp lên lại');
    expect(error.error.details).toEqual([
      { path: 'row 3', message: 'Dòng 3: Số tiền phải là số nguyên đồng từ 1 ₫ đến 10.000.000.000 ₫' },
      {
        path: 'row 4',
        message: 'Dòng 4: thiếu họ tên (payerName); hạn nộp không phải một ngày có thật (viết dd/mm/yyyy, ví dụ 30/11/2026)',
      },
      { path: 'row 5', message: 'Dòng 5: trùng người nộp và nội dung với dòng 2' },
    ]);
    expect(await billsOf('IMP-B-')).toEqual([]);
  });

  it('names the missing columns of the header', async () => {
    const error = await expectError(await upload('payerRef,payerName,amount\nX,Y,1000\n', school), 400, 'import_rejected');
    expect(error.error.details).toEqual([{ path: 'row 1', message: 'Dòng tiêu đề thiếu cột: nội dung (description), hạn nộp (dueDate)' }]);
  });

  it('reads an Excel file with Vietnamese headings and date cells', async () => {
    const xlsx = buildXlsx([
      {
        name: 'Học phí',
        rows: [
          ['Mã học sinh', 'Họ tên', 'Lớp', 'Nội dung', 'Số tiền', 'Hạn nộp'],
          ['IMP-C-01', 'Đỗ Minh Châu', '7B', 'Học phí tháng 1/2027', { number: '420000' }, { date: excelSerial(2027, 1, 15) }],
        ],
      },
    ]);
    const res = await upload(xlsx, school, 'hoc-phi.xlsx');
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ rows: 1, created: 1, alreadyImported: 0 });
    expect(await billsOf('IMP-C-')).toMatchObject([
      { payer_name: 'Đỗ Minh Châu', amount: 420000, due_date: '2027-01-15', payer_group: '7B' },
    ]);
  });

  it('takes 2,000 rows in one request, all written', async () => {
    const lines = ['payerRef,payerName,description,amount,dueDate'];
    for (let i = 0; i < 2000; i++)
      lines.push(`IMP-D-${String(i).padStart(4, '0')},Học sinh ${i},Học phí tháng 2/2027,${300000 + i},15/02/2027`);
    const res = await upload(lines.join('\n'), school);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ rows: 2000, created: 2000, alreadyImported: 0 });
    const total = await env.DB.prepare(`SELECT count(*) AS n, sum(amount) AS s FROM bills WHERE payer_ref LIKE 'IMP-D-%'`).first<{
      n: number;
      s: number;
    }>();
    expect(total).toEqual({ n: 2000, s: 2000 * 300000 + (1999 * 2000) / 2 });
  });

  it('refuses 2,001 rows whole', async () => {
    const lines = ['payerRef,payerName,description,amount,dueDate'];
    for (let i = 0; i < 2001; i++) lines.push(`IMP-E-${i},Học sinh ${i},Học phí tháng 3/2027,300000,15/03/2027`);
    const error = await expectError(await upload(lines.join('\n'), school), 400, 'import_rejected');
    expect(error.error.details[0]!.message).toContain('tối đa 2000');
    expect(await billsOf('IMP-E-')).toEqual([]);
  });

  it('is for billers only, and a missing file is a 400', async () => {
    await expectError(await upload('payerRef\n', shopper), 403);
    const res = await api('/api/v1/bills/import', { method: 'POST', headers: { Authorization: `Bearer ${school}` }, body: new FormData() });
    expect(res.status).toBe(400);
  });
});

describe('GET /api/v1/bills/import/template.csv', () => {
  it('gives a template whose header the import reads', async () => {
    const res = await api('/api/v1/bills/import/template.csv', bearer(school));
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    // A byte-order mark first, so that Excel opens the Vietnamese text as UTF-8.
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text.split('\r\n')[0]).toBe('payerRef,payerName,description,amount,dueDate,class,phone');
    const filled = text.replace('HS-2026-0001', 'IMP-T-01');
    expect(await (await upload(filled, school)).json()).toEqual({ rows: 1, created: 1, alreadyImported: 0 });
  });
});
