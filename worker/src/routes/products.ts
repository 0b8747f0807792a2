import { createRoute, z } from '@hono/zod-openapi';
import {
  appendProductImage,
  archiveProduct,
  findProduct,
  imageUrl,
  insertProduct,
  isInPublicCatalogue,
  listProductsWithFacets,
  MAX_IMAGES_PER_PRODUCT,
  type OcopInput,
  type Product,
  updateProduct,
} from '../db/products';
import { productImageKeys, replaceProductImages } from '../db/seller-products';
import type { SessionUser } from '../db/users';
import { detectImageType, MAX_IMAGE_BYTES } from '../domain/images';
import { defaultOcopExpiry } from '../domain/ocop';
import { newId } from '../domain/tokens';
import { vietnamDate } from '../domain/vietnam-time';
import { ApiError, notFound } from '../errors';
import { PUBLIC_CATALOGUE_CACHE } from '../middleware/page-cache';
import { requireSellerOrganization } from '../middleware/session';
import { createRouter, errorResponses, jsonBody, jsonResponse } from '../openapi';
import {
  ProductCreateBody,
  ProductIdParam,
  ProductListQuery,
  ProductPageSchema,
  ProductSchema,
  ProductUpdateBody,
} from '../schemas/products';
import { token } from '../schemas/text';

/** Drafts, archived and hidden products are seen only by their own seller, and by admins. */
function canSee(product: Product, user: SessionUser | null): boolean {
  if (isInPublicCatalogue(product)) return true;
  return user !== null && (user.role === 'admin' || user.organization?.id === product.seller.id);
}

/** Fills in the 36-month default expiry and refuses certificates dated in the future. */
function completeOcop(ocop: { stars: 3 | 4 | 5; certificateNo: string; issuedAt: string; expiresAt?: string }, today: string): OcopInput {
  if (ocop.issuedAt > today) {
    throw new ApiError(400, 'validation_failed', 'Dữ liệu gửi lên chưa hợp lệ ở ocop.issuedAt', [
      { path: 'ocop.issuedAt', message: 'Ngày cấp giấy chứng nhận không thể ở tương lai' },
    ]);
  }
  return { ...ocop, expiresAt: ocop.expiresAt ?? defaultOcopExpiry(ocop.issuedAt) };
}

const products = createRouter();

// Writes are for sellers only, checked before the body is even read.
products.use('/*', async (c, next) => {
  if (['POST', 'PATCH', 'DELETE'].includes(c.req.method)) requireSellerOrganization(c);
  await next();
});
products.use('/:id/images', async (c, next) => {
  if (c.req.method === 'PUT') requireSellerOrganization(c);
  await next();
});

// An oversized photo is refused from its Content-Length (or as it streams) before it is
// parsed, by the body limits of middleware/body-limit.ts.

products.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['Catalogue'],
    summary: 'Search and filter the OCOP catalogue',
    request: { query: ProductListQuery },
    responses: { 200: jsonResponse('A page of products', ProductPageSchema), ...errorResponses(400) },
  }),
  async (c) => {
    const query = c.req.valid('query');
    const viewer = c.get('user');
    const viewerSellerId = viewer?.role === 'seller' ? (viewer.organization?.id ?? null) : null;
    const today = vietnamDate(new Date());
    const { items, nextCursor, facets } = await listProductsWithFacets(c.env.DB, query, today, viewerSellerId);
    if (!viewer) c.header('Cache-Control', PUBLIC_CATALOGUE_CACHE);
    return c.json({ items, nextCursor, facets }, 200);
  },
);

products.openapi(
  createRoute({
    method: 'get',
    path: '/{id}',
    tags: ['Catalogue'],
    summary: 'One product',
    request: { params: ProductIdParam },
    responses: { 200: jsonResponse('The product', ProductSchema), ...errorResponses(404) },
  }),
  async (c) => {
    const { id } = c.req.valid('param');
    const product = await findProduct(c.env.DB, id, vietnamDate(new Date()));
    if (!product || !canSee(product, c.get('user'))) throw notFound('Product', 'product_not_found');
    if (!c.get('user')) c.header('Cache-Control', PUBLIC_CATALOGUE_CACHE);
    return c.json(product, 200);
  },
);

products.openapi(
  createRoute({
    method: 'post',
    path: '/',
    tags: ['Seller catalogue'],
    summary: "Create a product in the seller's own catalogue",
    request: { body: jsonBody(ProductCreateBody) },
    responses: { 201: jsonResponse('The new product', ProductSchema), ...errorResponses(400, 401, 403) },
  }),
  async (c) => {
    const { sellerId } = requireSellerOrganization(c);
    const body = c.req.valid('json');
    const now = new Date();
    const today = vietnamDate(now);
    const id = newId('prd');
    await insertProduct(c.env.DB, { ...body, id, sellerId, ocop: body.ocop ? completeOcop(body.ocop, today) : null }, now.toISOString());
    const product = await findProduct(c.env.DB, id, today);
    c.header('Location', `/api/v1/products/${id}`);
    return c.json(product!, 201);
  },
);

products.openapi(
  createRoute({
    method: 'patch',
    path: '/{id}',
    tags: ['Seller catalogue'],
    summary: 'Change one of your own products',
    request: { params: ProductIdParam, body: jsonBody(ProductUpdateBody) },
    responses: { 200: jsonResponse('The updated product', ProductSchema), ...errorResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const { sellerId } = requireSellerOrganization(c);
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const now = new Date();
    const today = vietnamDate(now);
    const changes = { ...body, ocop: body.ocop ? completeOcop(body.ocop, today) : body.ocop };
    if (!(await updateProduct(c.env.DB, id, sellerId, changes, now.toISOString()))) {
      throw notFound('Product', 'product_not_found');
    }
    return c.json((await findProduct(c.env.DB, id, today))!, 200);
  },
);

products.openapi(
  createRoute({
    method: 'delete',
    path: '/{id}',
    tags: ['Seller catalogue'],
    summary: 'Archive one of your own products',
    description: 'The product leaves the catalogue but is kept, so past orders still show it.',
    request: { params: ProductIdParam },
    responses: { 200: jsonResponse('The archived product', ProductSchema), ...errorResponses(401, 403, 404) },
  }),
  async (c) => {
    const { sellerId } = requireSellerOrganization(c);
    const { id } = c.req.valid('param');
    const now = new Date();
    if (!(await archiveProduct(c.env.DB, id, sellerId, now.toISOString()))) throw notFound('Product', 'product_not_found');
    return c.json((await findProduct(c.env.DB, id, vietnamDate(now)))!, 200);
  },
);

const ImageUploadBody = z.object({
  file: z.any().openapi({ type: 'string', format: 'binary', description: 'JPEG, PNG or WebP, at most 5 MB' }),
});

products.openapi(
  createRoute({
    method: 'post',
    path: '/{id}/images',
    tags: ['Seller catalogue'],
    summary: 'Add a photo to one of your own products',
    description: `multipart/form-data with one \`file\` field: a JPEG, PNG or WebP of at most 5 MB. At most ${MAX_IMAGES_PER_PRODUCT} photos a product.`,
    request: {
      params: ProductIdParam,
      body: { required: true, content: { 'multipart/form-data': { schema: ImageUploadBody } } },
    },
    responses: {
      201: jsonResponse('The product with its new photo', ProductSchema),
      ...errorResponses(400, 401, 403, 404, 409, 413),
    },
  }),
  async (c) => {
    const { sellerId } = requireSellerOrganization(c);
    const { id } = c.req.valid('param');
    const now = new Date();
    const today = vietnamDate(now);
    const product = await findProduct(c.env.DB, id, today);
    if (!product || product.seller.id !== sellerId) throw notFound('Product', 'product_not_found');

    const file = c.req.valid('form').file as unknown;
    if (!(file instanceof File)) {
      throw new ApiError(400, 'validation_failed', 'Dữ liệu gửi lên chưa hợp lệ ở file', [
        { path: 'file', message: 'Hãy đính kèm ảnh vào trường file' },
      ]);
    }
    if (file.size > MAX_IMAGE_BYTES) throw imageTooLarge();
    const bytes = new Uint8Array(await file.arrayBuffer());
    // The declared type is the client's word; the file's own first bytes decide.
    const type = detectImageType(bytes);
    if (!type) {
      throw new ApiError(400, 'unsupported_image_type', 'Chỉ nhận ảnh JPEG, PNG hoặc WebP', [
        { path: 'file', message: 'Tệp này không phải ảnh JPEG, PNG hay WebP' },
      ]);
    }
    if (product.images.length >= MAX_IMAGES_PER_PRODUCT) throw tooManyImages();

    const key = `products/${id}/${newId('img').slice(4)}.${type.extension}`;
    await c.env.MEDIA.put(key, bytes, { httpMetadata: { contentType: type.mime, cacheControl: 'public, max-age=31536000, immutable' } });
    if (!(await appendProductImage(c.env.DB, id, sellerId, key, now.toISOString()))) {
      // Another upload took the last place meanwhile: leave no orphan object behind.
      await c.env.MEDIA.delete(key);
      throw tooManyImages();
    }
    return c.json((await findProduct(c.env.DB, id, today))!, 201);
  },
);

const ImageOrderBody = z
  .strictObject({
    images: z
      .array(token(300))
      .max(MAX_IMAGES_PER_PRODUCT)
      .openapi({ description: "The product's photo URLs in the new order; a photo left out is deleted" }),
  })
  .openapi('ProductImageOrder');

products.openapi(
  createRoute({
    method: 'put',
    path: '/{id}/images',
    tags: ['Seller catalogue'],
    summary: 'Reorder or delete the photos of one of your own products',
    description: 'Send the photo URLs as the product lists them, in the new order; the first is the cover. Photos left out are deleted.',
    request: { params: ProductIdParam, body: jsonBody(ImageOrderBody) },
    responses: {
      200: jsonResponse('The product with its photos in the new order', ProductSchema),
      ...errorResponses(400, 401, 403, 404, 409),
    },
  }),
  async (c) => {
    const { sellerId } = requireSellerOrganization(c);
    const { id } = c.req.valid('param');
    const now = new Date();
    const current = await productImageKeys(c.env.DB, id, sellerId);
    if (!current) throw notFound('Product', 'product_not_found');
    const wanted = c.req.valid('json').images.map((url) => current.find((key) => imageUrl(key) === url));
    if (wanted.some((key) => key === undefined) || new Set(wanted).size !== wanted.length) {
      throw new ApiError(400, 'validation_failed', 'Dữ liệu gửi lên chưa hợp lệ ở images', [
        { path: 'images', message: 'Chỉ gửi các ảnh hiện có của sản phẩm này, mỗi ảnh một lần' },
      ]);
    }
    const keys = wanted as string[];
    if (!(await replaceProductImages(c.env.DB, id, sellerId, current, keys, now.toISOString()))) {
      throw new ApiError(409, 'images_changed', 'Ảnh của sản phẩm vừa thay đổi ở nơi khác; hãy tải lại trang rồi làm lại');
    }
    const removed = current.filter((key) => !keys.includes(key));
    if (removed.length > 0) await c.env.MEDIA.delete(removed);
    return c.json((await findProduct(c.env.DB, id, vietnamDate(now)))!, 200);
  },
);

function imageTooLarge() {
  return new ApiError(413, 'image_too_large', `Mỗi ảnh tối đa ${MAX_IMAGE_BYTES / (1024 * 1024)} MB`, [
    { path: 'file', message: 'Hãy thu nhỏ ảnh rồi gửi lại' },
  ]);
}

const tooManyImages = () => new ApiError(409, 'too_many_images', `Mỗi sản phẩm có tối đa ${MAX_IMAGES_PER_PRODUCT} ảnh`);

export default products;
