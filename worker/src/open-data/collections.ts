/**
 * The collection statistics dataset: per month, biller kind and commune, how many bills
 * were issued and paid, for how much, and what share was paid cashless. Every figure
 * resting on fewer bills than the disclosure threshold is withheld (domain/disclosure.ts).
 */
import { collectionCells } from '../db/collection-stats';
import { withhold } from '../domain/disclosure';
import { COLLECTIONS_DATASET } from './collections-dataset';
import { OPEN_DATA_LICENCE } from './datasets';

export interface CollectionRow {
  month: string;
  billerKind: string;
  commune: string;
  billsIssued: number | null;
  amountIssued: number | null;
  billsPaid: number | null;
  amountPaid: number | null;
  cashlessShare: number | null;
}

export async function collectionRows(db: D1Database): Promise<CollectionRow[]> {
  return (await collectionCells(db)).map((cell) => ({
    month: cell.month,
    billerKind: cell.billerKind,
    commune: cell.commune,
    billsIssued: withhold(cell.billsIssued, cell.billsIssued),
    amountIssued: withhold(cell.billsIssued, cell.amountIssued),
    billsPaid: withhold(cell.billsPaid, cell.billsPaid),
    amountPaid: withhold(cell.billsPaid, cell.amountPaid),
    cashlessShare: withhold(cell.billsPaid, Math.round((cell.billsPaidCashless / cell.billsPaid) * 1000) / 1000),
  }));
}

const csvCell = (value: string | number | null) => {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export function collectionsCsv(rows: CollectionRow[]): string {
  const names = COLLECTIONS_DATASET.fields.map((field) => field.name) as Array<keyof CollectionRow>;
  return `${[names.join(','), ...rows.map((row) => names.map((name) => csvCell(row[name])).join(','))].join('\r\n')}\r\n`;
}

export const collectionsMetadata = () => ({ ...COLLECTIONS_DATASET, licence: OPEN_DATA_LICENCE });
