/** Words for bills on the biller's pages, in one place. */
import type { BillStatus } from '#worker/db/bills';

export { BILL_TYPE_NAMES } from '#worker/db/bills';

export const BILL_STATUS_NAMES: Record<BillStatus, string> = {
  open: 'Chưa thanh toán',
  paid: 'Đã thanh toán',
  cancelled: 'Đã huỷ',
};

export interface BillJson {
  id: string;
  code: string;
  displayCode: string;
  type: 'market_fee' | 'tuition' | 'hospital' | 'admin_fee';
  biller: { id: string; name: string };
  payerName: string;
  payerRef: string;
  description: string;
  amount: number;
  dueDate: string;
  status: BillStatus;
  paidAt: string | null;
  paymentId: string | null;
  createdAt: string;
}
