/**
 * The open datasets the province publishes, in one list: the /du-lieu-mo page shows each
 * with its metadata (and schema.org `Dataset` JSON-LD), and every feed answers with the same
 * licence. A dataset holds no personal data: no names of people, phone numbers, bank
 * accounts or anything about a buyer or payer.
 */
import { COLLECTIONS_DATASET } from './collections-dataset';

export const OPEN_DATA_LICENCE = {
  name: 'Creative Commons Attribution 4.0 International (CC BY 4.0)',
  url: 'https://creativecommons.org/licenses/by/4.0/',
  spdx: 'CC-BY-4.0',
} as const;

export interface DatasetField {
  name: string;
  type: 'string' | 'integer' | 'date' | 'boolean' | 'number';
  /** What the field means, in Vietnamese. */
  description: string;
}

export interface OpenDataset {
  /** Used in URLs: /api/v1/open-data/<id>.csv and .json. */
  id: string;
  /** Title and description in Vietnamese. */
  title: string;
  description: string;
  keywords: string[];
  /** The data dictionary: every column of the CSV and every field of the JSON. */
  fields: DatasetField[];
}

/** Every dataset, in the order the page lists them. Each feature adds its own. */
export const DATASETS: OpenDataset[] = [COLLECTIONS_DATASET];
