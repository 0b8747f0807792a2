import { listOcopProductRecords } from '../db/open-data';
import { isOcopValid, ocopLevel } from '../domain/ocop';
import { DATASETS, type OpenDataset } from './datasets';
import { OCOP_PRODUCTS_DATASET } from './ocop-products';

export type FeedRecord = Record<string, string | number | boolean | null>;

export interface FeedContent {
  records: FeedRecord[];
  /** ISO time of the newest change in the records: the Last-Modified of both formats. */
  lastModified: string;
}

/** How each dataset of DATASETS is read; a dataset without a loader here is not served. */
const LOADERS: Record<string, (db: D1Database, today: string) => Promise<FeedContent>> = {
  [OCOP_PRODUCTS_DATASET.id]: async (db, today) => {
    const rows = await listOcopProductRecords(db);
    return {
      records: rows.map(({ updatedAt: _updatedAt, ...row }) => ({
        id: row.id,
        name: row.name,
        group: row.group,
        stars: row.stars,
        level: ocopLevel(row.stars),
        certificateNo: row.certificateNo,
        issuedAt: row.issuedAt,
        expiresAt: row.expiresAt,
        valid: isOcopValid(row.expiresAt, today),
        producerName: row.producerName,
        producerKind: row.producerKind,
        commune: row.commune,
        province: row.province,
        price: row.price,
        unit: row.unit,
      })),
      // With no product yet, the feed dates from the start of the catalogue.
      // biome-ignore lint/complexity/useMathMinMax: ISO dates compare as strings; Math.max would make numbers of them
      lastModified: rows.reduce((newest, row) => (row.updatedAt > newest ? row.updatedAt : newest), '2025-01-01T00:00:00.000Z'),
    };
  },
};

export function registerLoader(id: string, loader: (db: D1Database, today: string) => Promise<FeedContent>): void {
  LOADERS[id] = loader;
}

export function findDataset(id: string): OpenDataset | null {
  return DATASETS.find((dataset) => dataset.id === id && LOADERS[id]) ?? null;
}

export async function loadFeed(db: D1Database, dataset: OpenDataset, today: string): Promise<FeedContent> {
  return LOADERS[dataset.id]!(db, today);
}

function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  let text = String(value);
  // A cell a spreadsheet would run as a formula is prefixed with a quote (CSV injection).
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The feed as CSV: a header row of the dictionary's field names, one row per record in
 * the dictionary's order; UTF-8 with a byte-order mark so Excel shows Vietnamese, CRLF.
 */
export function feedCsv(dataset: OpenDataset, records: FeedRecord[]): string {
  const names = dataset.fields.map((field) => field.name);
  const lines = [names.join(','), ...records.map((record) => names.map((name) => csvField(record[name] ?? null)).join(','))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
