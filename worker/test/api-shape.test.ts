import { describe, expect, it } from 'vitest';
import { api, expectError } from './helpers';

describe('the API as a whole', () => {
  it('serves an OpenAPI 3.1 document generated from the zod schemas', async () => {
    const res = await api('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    const doc = await res.json<{
      openapi: string;
      paths: Record<string, Record<string, { parameters?: Array<{ name: string }> }>>;
      components: { schemas: Record<string, unknown> };
    }>();
    expect(doc.openapi).toBe('3.1.0');
    for (const path of [
      '/api/v1/products',
      '/api/v1/products/{id}',
      '/api/v1/products/{id}/images',
      '/api/v1/auth/login',
      '/api/v1/auth/register',
      '/api/v1/auth/logout',
      '/api/v1/me',
      '/api/v1/sellers',
      '/api/v1/sellers/{id}',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    const listParams = doc.paths['/api/v1/products']!.get!.parameters!.map((p) => p.name);
    expect(listParams).toEqual(
      expect.arrayContaining(['q', 'category', 'minStars', 'commune', 'sellerId', 'minPrice', 'maxPrice', 'sort', 'limit', 'cursor']),
    );
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Product', 'Error', 'ProductCreate']));
  });

  it('serves readable docs at /api/docs that load nothing from a CDN', async () => {
    const res = await api('/api/docs');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('/api/v1/openapi.json');
    expect(html).toContain('/vendor/swagger-ui-dist/swagger-ui-bundle.js');
    expect(html).not.toMatch(/cdn\.|unpkg|jsdelivr/);
  });

  it.each([
    [`/api/v1/sellers?commune=${'x'.repeat(101)}`, 'commune'],
    [`/api/v1/sellers/${'x'.repeat(65)}`, 'id'],
    [`/api/v1/products/${'x'.repeat(65)}`, 'id'],
  ])('validates %s (400 naming %s)', async (path, field) => {
    const body = await expectError(await api(path), 400, 'validation_failed');
    expect(body.error.details.map((d) => d.path)).toContain(field);
  });

  it('answers unknown endpoints with 404 in the error shape', async () => {
    await expectError(await api('/api/v1/nothing-here'), 404, 'not_found');
    await expectError(await api('/api/v1/products', { method: 'PUT' }), 404);
  });
});
