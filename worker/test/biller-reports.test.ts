import { beforeAll, describe, expect, it } from 'vitest';
import { api, bearer, login, seedDemo } from './helpers';

let school: string;

beforeAll(async () => {
  await seedDemo();
  school = await login('biller@choso.test');
});

describe('reports for every biller kind', () => {
  it("the school's day report answers with the school alone", async () => {
    const res = await api('/api/v1/reports/daily?date=2026-11-30', bearer(school));
    expect(res.status).toBe(200);
    const report = await res.json<{ organizations: Array<{ organizationId: string; name: string }> }>();
    expect(report.organizations.map((o) => o.organizationId)).toEqual(['org_school_dinh_bang']);
  });

  it("the school's day report downloads as CSV", async () => {
    const res = await api('/api/v1/reports/daily?date=2026-11-30&format=csv', bearer(school));
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toContain('text/csv');
  });

  it("the school's collection series answers", async () => {
    const res = await api('/api/v1/reports/collections?days=30', bearer(school));
    expect(res.status).toBeLessThan(500);
  });
});
