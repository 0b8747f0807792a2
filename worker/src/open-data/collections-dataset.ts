/** The collection statistics dataset's metadata (the rows are built in collections.ts). */
import type { OpenDataset } from './datasets';

export const COLLECTIONS_DATASET: OpenDataset = {
  id: 'collections',
  title: 'Thống kê thu phí, học phí, viện phí không dùng tiền mặt',
  description:
    'Theo tháng, loại đơn vị thu và xã/phường: số hoá đơn phát hành và đã thanh toán, số tiền, tỉ lệ thanh toán không dùng tiền mặt. ' +
    'Ô dựa trên dưới 5 hoá đơn được để trống để không lộ khoản nộp của hộ nào.',
  keywords: ['thanh toán không dùng tiền mặt', 'học phí', 'viện phí', 'phí chợ', 'Bắc Ninh'],
  fields: [
    { name: 'month', type: 'string', description: 'Tháng phát hành hoá đơn (YYYY-MM, giờ Việt Nam)' },
    { name: 'billerKind', type: 'string', description: 'Loại đơn vị thu (school, hospital, market_board, commune_office, utility)' },
    { name: 'commune', type: 'string', description: 'Xã/phường của đơn vị thu' },
    { name: 'billsIssued', type: 'integer', description: 'Số hoá đơn phát hành (trống nếu dưới 5)' },
    { name: 'amountIssued', type: 'integer', description: 'Tổng số tiền phát hành, đồng (trống nếu dưới 5 hoá đơn)' },
    { name: 'billsPaid', type: 'integer', description: 'Số hoá đơn đã thanh toán (trống nếu dưới 5)' },
    { name: 'amountPaid', type: 'integer', description: 'Tổng số tiền đã thanh toán, đồng (trống nếu dưới 5 hoá đơn)' },
    {
      name: 'cashlessShare',
      type: 'number',
      description: 'Tỉ lệ hoá đơn đã trả không dùng tiền mặt, từ 0 đến 1 (trống nếu dưới 5 hoá đơn)',
    },
  ],
};
