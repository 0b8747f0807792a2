import { html, raw } from 'hono/html';
import QRCode from 'qrcode';
import { BILL_TYPE_NAMES, findBillById } from '../db/bills';
import { findOrder } from '../db/orders';
import type { Payment } from '../db/payments';
import { formatBillCode } from '../domain/codes';
import { maskPersonName } from '../domain/masking';
import { formatVnd } from '../domain/money';
import { formatVietnamTime } from '../domain/vietnam-time';

/** The public page where anyone holding the paper receipt can check it is genuine. */
export const receiptCheckPath = (paymentId: string) => `/bien-lai/${paymentId}`;

export interface ReceiptOptions {
  /** The absolute address of the check page (payments/settings.ts, publicUrl). */
  checkUrl: string;
  /**
   * Who is looking. Anyone holding the payment id may read the receipt, so by default it
   * shows only what the public bill lookup shows: the payer's name masked, no payer
   * reference. The payee's own staff (and admins) see it whole.
   */
  full: boolean;
}

/**
 * A printable receipt (A5-friendly, no scripts, no external assets) with a QR that opens
 * the public check page for this receipt.
 */
export async function renderReceipt(db: D1Database, payment: Payment, options: ReceiptOptions): Promise<string> {
  const bill = payment.billId ? await findBillById(db, payment.billId) : null;
  const order = payment.orderId ? await findOrder(db, payment.orderId) : null;
  const { checkUrl, full } = options;
  const qr = await QRCode.toString(checkUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
  const name = bill?.payerName ?? order?.buyer.name ?? '';
  const payer = full ? name : maskPersonName(name);
  const payee = bill ? bill.billerName : 'Chợ Số Bắc Ninh (thu hộ người bán)';
  const refunded = payment.amountRefunded > 0 && payment.status !== 'paid';
  const items = bill
    ? html`<tr><td>${BILL_TYPE_NAMES[bill.type]}: ${bill.description}<br /><small>Mã hoá đơn ${formatBillCode(bill.code)}${full ? ` · Mã người nộp ${bill.payerRef}` : ''}</small></td><td class="num">${formatVnd(bill.amount)}</td></tr>`
    : (order?.subOrders ?? []).flatMap((sub) =>
        sub.items.map(
          (item) =>
            html`<tr><td>${item.name} × ${item.quantity} (${item.unit})<br /><small>${sub.sellerName}</small></td><td class="num">${formatVnd(item.lineTotal)}</td></tr>`,
        ),
      );
  return html`<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>Biên lai ${payment.reference} · Chợ Số</title>
<style>
  body { font-family: system-ui, 'Noto Sans', Arial, sans-serif; color: #1f2328; max-width: 640px; margin: 1rem auto; padding: 0 1rem; }
  h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
  table { width: 100%; border-collapse: collapse; margin: 1rem 0; }
  td, th { border-bottom: 1px solid #d0d7de; padding: .4rem 0; text-align: left; vertical-align: top; }
  .num { text-align: right; white-space: nowrap; }
  .total td { font-weight: 700; font-size: 1.1rem; border-bottom: 0; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
  dt { color: #4d5661; } dd { margin: 0; }
  .check { display: flex; gap: 1rem; align-items: center; margin-top: 1rem; }
  .check svg { width: 120px; height: 120px; }
  .print { margin-top: 1rem; }
  @media print { .print { display: none; } body { margin: 0; } }
</style>
</head>
<body>
<main>
  <h1>BIÊN LAI THANH TOÁN</h1>
  <p>Số biên lai: <strong>${payment.reference}</strong></p>
  <dl>
    <dt>Người nộp</dt><dd>${payer}</dd>
    <dt>Đơn vị thu</dt><dd>${payee}</dd>
    <dt>Tài khoản nhận</dt><dd>${payment.payeeAccountName} · ${payment.payeeAccountNo} (BIN ${payment.payeeBankBin})</dd>
    <dt>Thời gian</dt><dd>${formatVietnamTime(payment.paidAt!)}</dd>
    <dt>Hình thức</dt><dd>${payment.method === 'vietqr' ? 'Chuyển khoản VietQR' : 'Thẻ / ví điện tử (Stripe)'}</dd>
  </dl>
  <table>
    <thead><tr><th>Nội dung</th><th class="num">Số tiền</th></tr></thead>
    <tbody>${items}</tbody>
    <tfoot><tr class="total"><td>Tổng cộng</td><td class="num">${formatVnd(payment.amount)}</td></tr></tfoot>
  </table>
  ${refunded ? html`<p><strong>Đã hoàn lại ${formatVnd(payment.amountRefunded)}.</strong></p>` : ''}
  <div class="check">
    ${raw(qr)}
    <p>Quét mã để kiểm tra biên lai này là thật:<br /><a href="${checkUrl}">${checkUrl}</a></p>
  </div>
  <p class="print">Để in: dùng lệnh In của trình duyệt (Ctrl+P).</p>
</main>
</body>
</html>`.toString();
}
