import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Product } from '../src/db/products';
import { api, expectError, login, seedDemo } from './helpers';

const PRODUCT = 'prd_banh_phu_the_dinh_bang'; // belongs to seller2
let seller: string;
let seller2: string;

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70, 0]);
const WEBP = new Uint8Array([0x52, 0x49, 0x46, 0x46, 36, 0, 0, 0, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38, 0x20]);
const GIF = new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0]);

/**
 * Uploads as a browser does: a multipart body with its Content-Length. (The form is
 * serialised first because workerd streams a FormData body without a length.)
 */
async function upload(bytes: Uint8Array, token: string, { type = 'image/png', product = PRODUCT, field = 'file' } = {}) {
  const form = new FormData();
  form.append(field, new File([bytes as Uint8Array<ArrayBuffer>], 'photo', { type }));
  const multipart = new Response(form);
  const body = await multipart.arrayBuffer();
  return api(`/api/v1/products/${product}/images`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': multipart.headers.get('Content-Type')!,
      'Content-Length': String(body.byteLength),
    },
    body,
  });
}

beforeAll(async () => {
  await seedDemo();
  [seller, seller2] = await Promise.all([login('seller@choso.test'), login('seller2@choso.test')]);
});

describe('POST /api/v1/products/:id/images', () => {
  it.each([
    ['PNG', PNG, 'png'],
    ['JPEG', JPEG, 'jpg'],
    ['WebP', WEBP, 'webp'],
  ])('stores a %s photo in R2 and serves it back under a stable URL', async (_name, bytes, extension) => {
    const res = await upload(bytes, seller2);
    expect(res.status).toBe(201);
    const product = await res.json<Product>();
    const url = product.images.at(-1)!;
    expect(url).toMatch(new RegExp(`^/api/v1/media/products/${PRODUCT}/[a-z0-9]+\\.${extension}$`));
    const served = await api(url);
    expect(served.status).toBe(200);
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(bytes);
    expect(served.headers.get('Cache-Control')).toContain('immutable');
    expect(await env.MEDIA.head(url.replace('/api/v1/media/', ''))).not.toBeNull();
  });

  it('decides the type from the file, not from what the client claims', async () => {
    const error = await expectError(await upload(GIF, seller2, { type: 'image/png' }), 400, 'unsupported_image_type');
    expect(error.error.details[0]?.path).toBe('file');
    const res = await upload(JPEG, seller2, { type: 'application/octet-stream' });
    expect(res.status).toBe(201);
  });

  it('accepts exactly 5 MB and refuses one byte more with 413', async () => {
    const limit = 5 * 1024 * 1024;
    const atLimit = new Uint8Array(limit);
    atLimit.set(JPEG);
    const before = await (await api(`/api/v1/products/${PRODUCT}`)).json<Product>();
    const tooBig = new Uint8Array(limit + 1);
    tooBig.set(JPEG);
    await expectError(await upload(tooBig, seller2), 413, 'image_too_large');
    const after = await (await api(`/api/v1/products/${PRODUCT}`)).json<Product>();
    expect(after.images).toEqual(before.images);
    if (before.images.length < 8) expect((await upload(atLimit, seller2)).status).toBe(201);
  });

  it('refuses a far larger body before reading it', async () => {
    const huge = new Uint8Array(12 * 1024 * 1024);
    huge.set(PNG);
    await expectError(await upload(huge, seller2), 413, 'image_too_large');
  });

  it('keeps at most 8 photos a product', async () => {
    let res: Response;
    do {
      res = await upload(PNG, seller2);
    } while (res.status === 201);
    await expectError(res, 409, 'too_many_images');
    const product = await (await api(`/api/v1/products/${PRODUCT}`)).json<Product>();
    expect(product.images).toHaveLength(8);
  });

  it("answers 404 when a seller uploads to another seller's product, and stores nothing", async () => {
    const before = await env.MEDIA.list({ prefix: `products/${PRODUCT}/` });
    await expectError(await upload(PNG, seller), 404, 'product_not_found');
    const after = await env.MEDIA.list({ prefix: `products/${PRODUCT}/` });
    expect(after.objects.length).toBe(before.objects.length);
  });

  it('answers 400 without a file field, and 401 without a session', async () => {
    await expectError(await upload(PNG, seller2, { field: 'photo' }), 400, 'validation_failed');
    await expectError(await api(`/api/v1/products/${PRODUCT}/images`, { method: 'POST', body: new FormData() }), 401);
  });

  it('answers 415 for a body that is not multipart', async () => {
    const res = await api(`/api/v1/products/${PRODUCT}/images`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${seller2}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    await expectError(res, 415, 'unsupported_media_type');
  });

  it('answers 404 for a photo that does not exist', async () => {
    await expectError(await api('/api/v1/media/products/prd_x/nothere.png'), 404);
  });
});
