import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, seedDemo } from './helpers';

interface Feed {
  dataset: { id: string; licence: { spdx: string; url: string }; fields: Array<{ name: string; type: string; description: string }> };
  lastModified: string;
  items: Array<Record<string, unknown>>;
}

beforeAll(async () => {
  await seedDemo();
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO organizations (id, kind, name, commune, province) VALUES
       ('org_open_fixture', 'cooperative', 'HTX Dữ Liệu Mở', 'Xã Mở Thử', 'Bắc Ninh')`,
    ),
    env.DB.prepare(
      `INSERT INTO products (id, seller_id, name, description, category, price, unit, stock, status,
         ocop_stars, ocop_certificate_no, ocop_issued_at, ocop_expires_at, created_at, updated_at)
       VALUES
       ('prd_open_active', 'org_open_fixture', 'Mật ong, "rừng" tự nhiên', '', 'food', 250000, 'chai 500ml', 3, 'active',
         4, '12/QĐ-UBND', '2024-01-10', '2099-01-10', '2099-01-01T00:00:00.000Z', '2099-01-01T00:00:00.000Z'),
       ('prd_open_draft', 'org_open_fixture', 'Mật ong nháp', '', 'food', 250000, 'chai', 3, 'draft',
         3, '13/QĐ-UBND', '2024-01-10', '2099-01-10', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
       ('prd_open_no_ocop', 'org_open_fixture', 'Mật ong chưa có sao', '', 'food', 250000, 'chai', 3, 'active',
         NULL, NULL, NULL, NULL, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`,
    ),
  ]);
});

describe('GET /api/v1/open-data/ocop-products.json', () => {
  it('lists every active product with an OCOP certificate, with a CC BY 4.0 licence and Last-Modified', async () => {
    const res = await api('/api/v1/open-data/ocop-products.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('Last-Modified')).toBe('Thu, 01 Jan 2099 00:00:00 GMT');
    const feed = await res.json<Feed>();
    expect(feed.lastModified).toBe('2099-01-01T00:00:00.000Z');
    expect(feed.dataset.licence).toMatchObject({ spdx: 'CC-BY-4.0', url: 'https://creativecommons.org/licenses/by/4.0/' });
    expect(feed.items.find((item) => item.id === 'prd_open_active')).toEqual({
      id: 'prd_open_active',
      name: 'Mật ong, "rừng" tự nhiên',
      group: 'food',
      stars: 4,
      level: 'provincial',
      certificateNo: '12/QĐ-UBND',
      issuedAt: '2024-01-10',
      expiresAt: '2099-01-10',
      valid: true,
      producerName: 'HTX Dữ Liệu Mở',
      producerKind: 'cooperative',
      commune: 'Xã Mở Thử',
      province: 'Bắc Ninh',
      price: 250000,
      unit: 'chai 500ml',
    });
    const ids = feed.items.map((item) => item.id);
    expect(ids).not.toContain('prd_open_draft');
    expect(ids).not.toContain('prd_open_no_ocop');
    expect(ids).toContain('prd_banh_phu_the_dinh_bang');
  });

  it('holds no personal data: no phone, bank, e-mail, address or buyer field, in the records or the dictionary', async () => {
    const feed = await (await api('/api/v1/open-data/ocop-products.json')).json<Feed>();
    const names = [...new Set([...feed.items.flatMap((item) => Object.keys(item)), ...feed.dataset.fields.map((f) => f.name)])];
    for (const name of names) expect(name).not.toMatch(/phone|bank|account|email|address|buyer|payer|holder/i);
    expect(JSON.stringify(feed.items)).not.toMatch(/0\d{9}\b/);
  });

  it('describes every field in Vietnamese in its dictionary, in the order of the records', async () => {
    const feed = await (await api('/api/v1/open-data/ocop-products.json')).json<Feed>();
    expect(feed.dataset.fields.map((f) => f.name)).toEqual(Object.keys(feed.items[0]!));
    expect(feed.dataset.fields.find((f) => f.name === 'price')).toEqual({
      name: 'price',
      type: 'integer',
      description: 'Giá bán, tính bằng đồng (VND), số nguyên',
    });
  });
});

describe('GET /api/v1/open-data/ocop-products.csv', () => {
  it('is a CSV that Excel opens, with the dictionary as header and quoted fields', async () => {
    const res = await api('/api/v1/open-data/ocop-products.csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('Last-Modified')).toBe('Thu, 01 Jan 2099 00:00:00 GMT');
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
    expect(text.startsWith('\uFEFF')).toBe(true);
    const lines = text.slice(1).split('\r\n');
    expect(lines[0]).toBe(
      'id,name,group,stars,level,certificateNo,issuedAt,expiresAt,valid,producerName,producerKind,commune,province,price,unit',
    );
    expect(lines).toContain(
      'prd_open_active,"Mật ong, ""rừng"" tự nhiên",food,4,provincial,12/QĐ-UBND,2024-01-10,2099-01-10,true,HTX Dữ Liệu Mở,cooperative,Xã Mở Thử,Bắc Ninh,250000,chai 500ml',
    );
  });
});

describe('the dataset list and unknown files', () => {
  it('lists the OCOP dataset with its download links', async () => {
    const res = await api('/api/v1/open-data');
    expect(res.status).toBe(200);
    const { items } = await res.json<{ items: Array<{ id: string; downloads: { csv: string; json: string } }> }>();
    expect(items.find((d) => d.id === 'ocop-products')?.downloads).toEqual({
      csv: '/api/v1/open-data/ocop-products.csv',
      json: '/api/v1/open-data/ocop-products.json',
    });
  });

  it.each([
    ['/api/v1/open-data/nothing.csv', 404],
    ['/api/v1/open-data/ocop-products.xml', 400],
  ])('%s answers %i', async (path, status) => {
    expect((await api(path)).status).toBe(status);
  });
});
