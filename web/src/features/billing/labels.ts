/** Words for bills on the biller's pages, in one place. */
import type { BillStatus } from '#worker/db/bills';

export { BILL_TYPE_NAMES } from '#worker/db/bills';

export const BILL_STATUS_NAMES: Record<BillStatus, string> = {
  open: 'Chưa thanh toán',
  paid: 'Đã thanh toán',
  cancelled: 'Đã huỷ',
};

// The answer's shape comes from the API's own schema, so the pages cannot drift from it.
export type { BillJson } from '#worker/routes/bills';
