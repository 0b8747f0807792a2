/**
 * What a printed bill shows: the biller, the payer, the amount in figures and in words, the
 * due date, the bill code, a VietQR that any banking app pays (the amount, and the bill code
 * as the transfer content, which is how the credit finds the bill), and a short link with a
 * small QR to the bill's page for card payment and the receipt.
 */
import QRCode from 'qrcode';
import { findBillsToPrint } from '../db/bills';
import { formatBillCode } from '../domain/codes';
import { formatVnd } from '../domain/money';
import { formatVietnamDate } from '../domain/vietnam-time';
import { amountInWords } from '../domain/vietnamese-number';
import { encodeVietQr } from '../domain/vietqr';

export interface PrintedBill {
  id: string;
  code: string;
  displayCode: string;
  billerName: string;
  payerName: string;
  payerRef: string;
  payerGroup: string | null;
  description: string;
  amount: number;
  amountText: string;
  amountInWords: string;
  /** dd/mm/yyyy */
  dueDate: string;
  status: string;
  bankAccount: { bankBin: string; accountNumber: string; accountName: string } | null;
  /** The EMVCo payload the bank QR encodes; null when the biller has no account yet. */
  vietQrPayload: string | null;
  vietQrSvg: string | null;
  payLink: string;
  payLinkSvg: string;
}

/** At most this many bills per print request: a class or a run, a few A4 sheets each. */
export const MAX_PRINTED_BILLS = 200;

export async function printedBills(db: D1Database, billerId: string, ids: readonly string[], origin: string): Promise<PrintedBill[]> {
  const bills = await findBillsToPrint(db, billerId, ids);
  return Promise.all(
    bills.map(async (bill) => {
      const account =
        bill.bankBin && bill.accountNo && bill.accountName
          ? { bankBin: bill.bankBin, accountNumber: bill.accountNo, accountName: bill.accountName }
          : null;
      const vietQrPayload = account
        ? encodeVietQr({ bankBin: account.bankBin, accountNumber: account.accountNumber, amount: bill.amount, purpose: bill.code })
        : null;
      const payLink = `${origin}/thanh-toan-hoa-don?ma=${bill.code}`;
      return {
        id: bill.id,
        code: bill.code,
        displayCode: formatBillCode(bill.code),
        billerName: bill.billerName,
        payerName: bill.payerName,
        payerRef: bill.payerRef,
        payerGroup: bill.payerGroup,
        description: bill.description,
        amount: bill.amount,
        amountText: formatVnd(bill.amount),
        amountInWords: amountInWords(bill.amount),
        dueDate: formatVietnamDate(bill.dueDate),
        status: bill.status,
        bankAccount: account,
        vietQrPayload,
        vietQrSvg: vietQrPayload ? await QRCode.toString(vietQrPayload, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 }) : null,
        payLink,
        payLinkSvg: await QRCode.toString(payLink, { type: 'svg', errorCorrectionLevel: 'L', margin: 1 }),
      };
    }),
  );
}
