/**
 * What a payment page shows besides the status: what is being paid for (the bill's biller
 * and description, or the order's items with their sellers), and the QR "card" a payer
 * saves to their phone: the QR with the amount, account and transfer content printed under
 * it, so the picture alone is enough to pay from a banking app's "scan from gallery".
 *
 * The card is an SVG drawn here; the page turns it into a PNG in the browser (workerd has
 * no font rasteriser, and the text under the QR must stay readable Vietnamese).
 */
import QRCode from 'qrcode';
import { findBillById } from '../db/bills';
import { findOrder } from '../db/orders';
import type { Payment } from '../db/payments';
import { bankName } from '../domain/banks';
import { formatVnd } from '../domain/money';

export type PaymentSubject =
  | { kind: 'bill'; billerName: string; description: string; billCode: string }
  | { kind: 'order'; items: Array<{ name: string; quantity: number; unit: string; sellerName: string; lineTotal: number }> };

/** The payment id is the capability; this shows only what the payer needs to recognise the debt. */
export async function paymentSubject(db: D1Database, payment: Payment): Promise<PaymentSubject | null> {
  if (payment.billId) {
    const bill = await findBillById(db, payment.billId);
    return bill ? { kind: 'bill', billerName: bill.billerName, description: bill.description, billCode: bill.code } : null;
  }
  if (payment.orderId) {
    const order = await findOrder(db, payment.orderId);
    if (!order) return null;
    return {
      kind: 'order',
      items: order.subOrders.flatMap((sub) =>
        sub.items.map((item) => ({
          name: item.name,
          quantity: item.quantity,
          unit: item.unit,
          sellerName: sub.sellerName,
          lineTotal: item.lineTotal,
        })),
      ),
    };
  }
  return null;
}

const escapeXml = (text: string) =>
  text.replace(/[<>&"']/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[ch]!);

/** The QR as SVG rectangles of a fixed module size, so the card's layout is known in advance. */
function qrRects(text: string, offsetX: number, offsetY: number, moduleSize: number): { svg: string; size: number } {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const count = qr.modules.size;
  const parts: string[] = [];
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (qr.modules.get(row, col)) {
        parts.push(`M${offsetX + col * moduleSize} ${offsetY + row * moduleSize}h${moduleSize}v${moduleSize}h-${moduleSize}z`);
      }
    }
  }
  return { svg: `<path fill="#000" d="${parts.join('')}"/>`, size: count * moduleSize };
}

export const QR_CARD_WIDTH = 480;

/**
 * The saved picture: QR, then amount, bank and account, holder and transfer content in large
 * type. Only a VietQR payment has one (a card payment's QR is a link, not a transfer).
 */
export function renderQrCard(payment: Payment): string | null {
  if (!payment.vietqrPayload) return null;
  const margin = 32;
  const moduleSize = Math.floor(
    (QR_CARD_WIDTH - 2 * margin) / QRCode.create(payment.vietqrPayload, { errorCorrectionLevel: 'M' }).modules.size,
  );
  const qr = qrRects(payment.vietqrPayload, 0, 0, moduleSize);
  const qrX = Math.round((QR_CARD_WIDTH - qr.size) / 2);
  const lines: Array<{ text: string; size: number; bold?: boolean }> = [
    { text: formatVnd(payment.amount), size: 34, bold: true },
    { text: `${bankName(payment.payeeBankBin)} · ${payment.payeeAccountNo}`, size: 22 },
    { text: payment.payeeAccountName, size: 20 },
    { text: 'Nội dung chuyển khoản:', size: 18 },
    { text: payment.reference, size: 32, bold: true },
  ];
  let y = margin + qr.size + 24;
  const texts = lines.map((line) => {
    y += line.size + 10;
    return `<text x="${QR_CARD_WIDTH / 2}" y="${y}" font-size="${line.size}"${line.bold ? ' font-weight="700"' : ''}>${escapeXml(line.text)}</text>`;
  });
  const height = y + margin;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${QR_CARD_WIDTH}" height="${height}" viewBox="0 0 ${QR_CARD_WIDTH} ${height}" role="img">
<title>${escapeXml(`VietQR: ${formatVnd(payment.amount)}, nội dung ${payment.reference}`)}</title>
<rect width="100%" height="100%" fill="#fff"/>
<g transform="translate(${qrX} ${margin})">${qr.svg}</g>
<g font-family="Arial, Helvetica, sans-serif" text-anchor="middle" fill="#111">${texts.join('')}</g>
</svg>`;
}
