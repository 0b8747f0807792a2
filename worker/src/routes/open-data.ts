import { createRoute, z } from '@hono/zod-openapi';
import { vietnamDate } from '../domain/vietnam-time';
import { ApiError } from '../errors';
import { DATASETS, OPEN_DATA_LICENCE } from '../open-data/datasets';
import { feedCsv, findDataset, loadFeed } from '../open-data/feeds';
import { createRouter, errorResponses, jsonResponse } from '../openapi';

const FieldSchema = z.object({ name: z.string(), type: z.string(), description: z.string() });
const LicenceSchema = z.object({ name: z.string(), url: z.string(), spdx: z.string() });
const DatasetSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    keywords: z.array(z.string()),
    fields: z.array(FieldSchema),
    licence: LicenceSchema,
    downloads: z.object({ csv: z.string(), json: z.string() }),
  })
  .openapi('OpenDataset');

const FileParam = z.object({
  file: z
    .string()
    .max(80)
    .regex(/^[a-z0-9-]+\.(csv|json)$/)
    .openapi({ param: { name: 'file', in: 'path' }, example: 'ocop-products.csv' }),
});

const openData = createRouter();

const describeDataset = (dataset: (typeof DATASETS)[number]) => ({
  ...dataset,
  licence: OPEN_DATA_LICENCE,
  downloads: { csv: `/api/v1/open-data/${dataset.id}.csv`, json: `/api/v1/open-data/${dataset.id}.json` },
});

openData.openapi(
  createRoute({
    method: 'get',
    path: '/',
    tags: ['Catalogue'],
    summary: 'The open datasets, with their licence and data dictionary',
    responses: { 200: jsonResponse('Every dataset', z.object({ items: z.array(DatasetSchema) })) },
  }),
  (c) => c.json({ items: DATASETS.filter((dataset) => findDataset(dataset.id)).map(describeDataset) }, 200),
);

openData.openapi(
  createRoute({
    method: 'get',
    path: '/{file}',
    tags: ['Catalogue'],
    summary: 'One dataset as CSV or JSON (CC BY 4.0)',
    description: 'No personal data. Last-Modified is the newest change in the records.',
    request: { params: FileParam },
    responses: {
      200: {
        description: 'The dataset',
        content: {
          'application/json': {
            schema: z.object({ dataset: DatasetSchema, lastModified: z.string(), items: z.array(z.record(z.string(), z.unknown())) }),
          },
          'text/csv': { schema: z.string() },
        },
      },
      ...errorResponses(400, 404),
    },
  }),
  async (c) => {
    const { file } = c.req.valid('param');
    const [id, format] = file.split('.') as [string, 'csv' | 'json'];
    const dataset = findDataset(id);
    if (!dataset) throw new ApiError(404, 'dataset_not_found', `Không có bộ dữ liệu mở “${id}”`);
    const { records, lastModified } = await loadFeed(c.env.DB, dataset, vietnamDate(new Date()));
    const headers = { 'Last-Modified': new Date(lastModified).toUTCString(), 'Cache-Control': 'public, max-age=300' };
    if (format === 'csv') {
      return c.body(feedCsv(dataset, records), 200, {
        ...headers,
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="${dataset.id}.csv"`,
      });
    }
    return c.json({ dataset: describeDataset(dataset), lastModified, items: records }, 200, headers);
  },
);

export default openData;
