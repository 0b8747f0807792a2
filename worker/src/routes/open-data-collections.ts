import { createRoute, z } from '@hono/zod-openapi';
import { collectionRows, collectionsCsv, collectionsMetadata } from '../open-data/collections';
import { OPEN_DATA_LICENCE } from '../open-data/datasets';
import { createRouter, jsonResponse } from '../openapi';

const Row = z.object({
  month: z.string(),
  billerKind: z.string(),
  commune: z.string(),
  billsIssued: z.number().int().nullable(),
  amountIssued: z.number().int().nullable(),
  billsPaid: z.number().int().nullable(),
  amountPaid: z.number().int().nullable(),
  cashlessShare: z.number().nullable(),
});

const collections = createRouter();
const HEADERS = { 'Cache-Control': 'public, max-age=3600', Link: `<${OPEN_DATA_LICENCE.url}>; rel="license"` };

collections.openapi(
  createRoute({
    method: 'get',
    path: '/collections.json',
    tags: ['Open data'],
    summary: 'Collection statistics per month, biller kind and commune (cells under 5 bills withheld)',
    responses: {
      200: jsonResponse(
        'The dataset with its metadata and licence',
        z.object({ dataset: z.object({ id: z.string(), title: z.string() }).passthrough(), rows: z.array(Row) }),
      ),
    },
  }),
  async (c) => c.json({ dataset: collectionsMetadata(), rows: await collectionRows(c.env.DB) }, 200, HEADERS),
);

collections.openapi(
  createRoute({
    method: 'get',
    path: '/collections.csv',
    tags: ['Open data'],
    summary: 'The same statistics as CSV (empty cell = withheld)',
    responses: { 200: { description: 'CSV, one row per month, biller kind and commune', content: { 'text/csv': { schema: z.string() } } } },
  }),
  async (c) =>
    c.body(collectionsCsv(await collectionRows(c.env.DB)), 200, {
      ...HEADERS,
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': 'attachment; filename="thong-ke-thu-khong-tien-mat.csv"',
    }),
);

export default collections;
