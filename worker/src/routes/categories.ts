import { createRoute, z } from '@hono/zod-openapi';
import { CATEGORY_SLUGS, listCategories } from '../db/products';
import { createRouter, jsonResponse } from '../openapi';

const CategorySchema = z.object({ slug: z.enum(CATEGORY_SLUGS), name: z.string(), productCount: z.number().int() }).openapi('Category');

const categories = createRouter();

categories.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['Catalogue'],
    summary: 'The six OCOP product groups',
    responses: { 200: jsonResponse('The groups, in display order', z.object({ items: z.array(CategorySchema) })) },
  }),
  async (c) => c.json({ items: await listCategories(c.env.DB) }, 200),
);

export default categories;
