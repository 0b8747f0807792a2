import type { ProducerKind, ProductSort } from '#worker/db/products';

export const PRODUCER_KIND_LABELS: Record<ProducerKind, string> = {
  cooperative: 'Hợp tác xã',
  cooperative_group: 'Tổ hợp tác',
  enterprise: 'Doanh nghiệp',
  household: 'Hộ sản xuất',
};

export const SORT_LABELS: Record<ProductSort, string> = {
  relevance: 'Phù hợp nhất',
  newest: 'Mới nhất',
  price_asc: 'Giá: thấp đến cao',
  price_desc: 'Giá: cao đến thấp',
  stars: 'Sao OCOP: cao nhất',
};

/** The catalogue filters as the form labels them, for messages about a filter. */
export const FILTER_LABELS: Record<string, string> = {
  q: 'Từ khoá',
  category: 'Nhóm sản phẩm',
  minStars: 'Hạng OCOP',
  commune: 'Xã, phường',
  sellerId: 'Nhà sản xuất',
  minPrice: 'Giá từ',
  maxPrice: 'Giá đến',
  sort: 'Sắp xếp',
  cursor: 'Trang',
};
