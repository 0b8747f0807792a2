import type { ProductStatus } from '#worker/db/products';
import type { SellerProductFilter } from '#worker/db/seller-products';

export const PRODUCT_STATUS_LABELS: Record<ProductStatus, string> = {
  draft: 'Bản nháp',
  active: 'Đang bán',
  archived: 'Đã lưu trữ',
};

export const SELLER_FILTER_LABELS: Record<SellerProductFilter, string> = {
  ...PRODUCT_STATUS_LABELS,
  hidden: 'Bị quản trị viên ẩn',
};

/** The form's field names for the API's error paths, so each message sits next to its field. */
export const PRODUCT_FIELD_LABELS: Record<string, string> = {
  name: 'Tên sản phẩm',
  description: 'Mô tả',
  category: 'Nhóm sản phẩm',
  price: 'Giá',
  unit: 'Đơn vị bán',
  stock: 'Số lượng còn',
  status: 'Trạng thái',
  'ocop.stars': 'Hạng OCOP',
  'ocop.certificateNo': 'Số quyết định công nhận',
  'ocop.issuedAt': 'Ngày cấp',
  'ocop.expiresAt': 'Ngày hết hạn',
};

/** Errors of an API answer by field path ('' for the whole form). */
export async function fieldErrors(res: Response): Promise<Record<string, string>> {
  try {
    const body = (await res.json()) as { error?: { message?: string; details?: Array<{ path: string; message: string }> } };
    const errors: Record<string, string> = {};
    for (const detail of body.error?.details ?? []) errors[detail.path] ??= detail.message;
    if (Object.keys(errors).length === 0) errors[''] = body.error?.message ?? `Lỗi ${res.status}`;
    return errors;
  } catch {
    return { '': `Lỗi ${res.status}` };
  }
}
