import { ProductListQuery } from '#worker/schemas/products';

export type CatalogueParams = Partial<
  Record<'q' | 'category' | 'minStars' | 'commune' | 'sellerId' | 'minPrice' | 'maxPrice' | 'sort' | 'cursor', string>
>;

const KEYS = ['q', 'category', 'minStars', 'commune', 'sellerId', 'minPrice', 'maxPrice', 'sort', 'cursor'] as const;

/**
 * Reads the catalogue form from the URL with the API's own schema. A plain HTML form
 * sends empty fields as `name=`, which here means "no filter".
 */
export function parseCatalogueParams(searchParams: URLSearchParams, limit = 24) {
  const params: CatalogueParams = {};
  for (const key of KEYS) {
    const value = searchParams.get(key)?.trim();
    if (value) params[key] = value;
  }
  const parsed = ProductListQuery.safeParse({ ...params, limit });
  return { params, parsed };
}

/** The URL of the catalogue with some parameters changed; empty values are dropped. */
export function catalogueHref(params: CatalogueParams, changes: CatalogueParams = {}): string {
  const merged = { ...params, ...changes };
  const search = new URLSearchParams();
  for (const key of KEYS) {
    const value = merged[key];
    if (value) search.set(key, value);
  }
  const query = search.toString();
  return query ? `/san-pham?${query}` : '/san-pham';
}
