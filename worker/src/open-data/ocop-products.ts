import { DATASETS, type OpenDataset } from './datasets';

/**
 * The public OCOP catalogue: every active product with an OCOP certificate, with its
 * producer (an organization, never a person's contact details), commune and price.
 */
export const OCOP_PRODUCTS_DATASET: OpenDataset = {
  id: 'ocop-products',
  title: 'Danh mục sản phẩm OCOP đang bán trên Chợ Số',
  description:
    'Mọi sản phẩm đang bán có giấy chứng nhận OCOP (Mỗi xã một sản phẩm): tên, nhóm sản phẩm, số sao, cấp công nhận, số quyết định, ngày cấp và ngày hết hạn, chủ thể sản xuất, xã/phường, tỉnh, giá bán và đơn vị tính.',
  keywords: ['OCOP', 'Mỗi xã một sản phẩm', 'sản phẩm nông thôn', 'hợp tác xã', 'Bắc Ninh'],
  fields: [
    { name: 'id', type: 'string', description: 'Mã sản phẩm trên Chợ Số, không đổi' },
    { name: 'name', type: 'string', description: 'Tên sản phẩm' },
    { name: 'group', type: 'string', description: 'Nhóm sản phẩm OCOP (food, beverages, herbs, textiles, handicrafts, tourism)' },
    { name: 'stars', type: 'integer', description: 'Số sao OCOP được công nhận (3, 4 hoặc 5)' },
    { name: 'level', type: 'string', description: 'Cấp công nhận: provincial (cấp tỉnh, 3–4 sao) hoặc national (cấp quốc gia, 5 sao)' },
    { name: 'certificateNo', type: 'string', description: 'Số quyết định công nhận sản phẩm OCOP' },
    { name: 'issuedAt', type: 'date', description: 'Ngày cấp giấy chứng nhận (YYYY-MM-DD)' },
    { name: 'expiresAt', type: 'date', description: 'Ngày hết hạn giấy chứng nhận (YYYY-MM-DD)' },
    { name: 'valid', type: 'boolean', description: 'Giấy chứng nhận còn hiệu lực vào ngày xuất dữ liệu hay không' },
    { name: 'producerName', type: 'string', description: 'Tên chủ thể sản xuất (hợp tác xã, tổ hợp tác, doanh nghiệp hoặc hộ kinh doanh)' },
    { name: 'producerKind', type: 'string', description: 'Loại chủ thể: cooperative, cooperative_group, enterprise hoặc household' },
    { name: 'commune', type: 'string', description: 'Xã/phường nơi chủ thể sản xuất' },
    { name: 'province', type: 'string', description: 'Tỉnh/thành phố nơi chủ thể sản xuất' },
    { name: 'price', type: 'integer', description: 'Giá bán, tính bằng đồng (VND), số nguyên' },
    { name: 'unit', type: 'string', description: 'Đơn vị tính của giá bán' },
  ],
};

DATASETS.push(OCOP_PRODUCTS_DATASET);
