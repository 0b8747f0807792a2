import { beforeAll, describe, expect, it } from 'vitest';
import { api, expectError, seedDemo } from './helpers';
import { DEMO_BILLS } from './payment-helpers';

beforeAll(async () => {
  await seedDemo();
});

const from = (address: string): RequestInit => ({ headers: { 'CF-Connecting-IP': address } });

describe('GET /api/v1/billers', () => {
  it('lists who bills residents, with what the payer code is called, without signing in', async () => {
    const res = await api('/api/v1/billers', from('192.0.2.101'));
    expect(res.status).toBe(200);
    const { items } = await res.json<{ items: Array<{ id: string; kind: string; payerRefLabel: string }> }>();
    expect(items.find((b) => b.id === 'org_school_dinh_bang')).toMatchObject({ kind: 'school', payerRefLabel: 'Mã học sinh' });
    expect(items.find((b) => b.id === 'org_hospital')).toMatchObject({ kind: 'hospital', payerRefLabel: 'Mã bệnh nhân' });
    // Producers sell on the marketplace; they do not issue bills.
    expect(items.every((b) => ['market_board', 'school', 'hospital', 'commune_office', 'utility'].includes(b.kind))).toBe(true);
    expect(items.find((b) => b.id === 'org_water_bac_ninh')).toMatchObject({ kind: 'utility', payerRefLabel: 'Mã khách hàng' });
  });
});

describe('GET /api/v1/billers/:id/open-bills', () => {
  it("lists a student's open bills with the name masked and nothing the payer does not need", async () => {
    const res = await api('/api/v1/billers/org_school_dinh_bang/open-bills?payerRef=HS-2026-0217', from('192.0.2.102'));
    expect(res.status).toBe(200);
    const body = await res.json<{ biller: { name: string }; items: Array<Record<string, unknown>> }>();
    expect(body.items).toEqual([
      {
        code: DEMO_BILLS.tuitionNgoc.code,
        displayCode: 'BT8C2-6DBNM',
        type: 'tuition',
        description: 'Tiền ăn bán trú tháng 12/2026, lớp 8C',
        amount: 480000,
        dueDate: '2026-12-15',
        status: 'open',
        payerName: 'Trần T** B** N**',
      },
    ]);
    expect(JSON.stringify(body)).not.toContain('Ngọc');
    expect(JSON.stringify(body.items)).not.toContain('HS-2026-0217');
  });

  it("another biller's code finds nothing there, and an unknown biller is a 404", async () => {
    const res = await api('/api/v1/billers/org_hospital/open-bills?payerRef=HS-2026-0217', from('192.0.2.103'));
    expect((await res.json<{ items: unknown[] }>()).items).toEqual([]);
    await expectError(await api('/api/v1/billers/org_nope/open-bills?payerRef=X', from('192.0.2.103')), 404, 'biller_not_found');
    await expectError(await api('/api/v1/billers/org_hospital/open-bills', from('192.0.2.103')), 400, 'validation_failed');
  });

  it('shares the bill lookup allowance: 30 tries, then 429 for both', async () => {
    const headers = from('192.0.2.104');
    for (let i = 0; i < 20; i++) {
      expect((await api(`/api/v1/billers/org_school_dinh_bang/open-bills?payerRef=HS-${i}`, headers)).status).toBe(200);
    }
    for (let i = 0; i < 10; i++) expect((await api(`/api/v1/bills/lookup/${DEMO_BILLS.stallA12.code}`, headers)).status).toBe(200);
    await expectError(await api('/api/v1/billers/org_school_dinh_bang/open-bills?payerRef=HS-2026-0217', headers), 429, 'rate_limited');
    await expectError(await api(`/api/v1/bills/lookup/${DEMO_BILLS.stallA12.code}`, headers), 429, 'rate_limited');
  });
});
