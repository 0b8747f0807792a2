/**
 * A market's stalls: adding them one by one or from a spreadsheet (CSV, all or nothing).
 * Each stall gets a reference for its static QR when it is added.
 */
import { z } from '@hono/zod-openapi';
import Papa from 'papaparse';
import { insertStallStatement, type NewStall } from '../db/markets';
import { newPaymentReference } from '../domain/codes';
import { foldVietnamese } from '../domain/search-text';
import { newId } from '../domain/tokens';
import { ApiError } from '../errors';
import { amountField } from '../schemas/amount';

export const StallInput = z.strictObject({
  code: z
    .string()
    .trim()
    .min(1)
    .max(20)
    .regex(/^[A-Za-z0-9-]+$/, 'Chỉ gồm chữ cái, chữ số và dấu gạch ngang, ví dụ A12'),
  traderName: z.string().trim().max(100).default(''),
  traderPhone: z.string().trim().max(20).default(''),
  monthlyFee: amountField('Phí tháng'),
  status: z.enum(['active', 'vacant']).default('active'),
});

export type StallFields = z.infer<typeof StallInput>;

export async function addStalls(db: D1Database, marketId: string, stalls: StallFields[]): Promise<string[]> {
  const rows: NewStall[] = stalls.map((stall) => ({ ...stall, id: newId('stl'), marketId, reference: newPaymentReference() }));
  try {
    await db.batch(rows.map((row) => insertStallStatement(db, row)));
  } catch (error) {
    if (String(error).includes('UNIQUE constraint failed: stalls.market_id, stalls.code')) {
      throw new ApiError(409, 'stall_code_taken', 'Chợ đã có một ki-ốt mang mã này');
    }
    throw error;
  }
  return rows.map((row) => row.id);
}

/** Column headers, English or Vietnamese (folded: no diacritics, lower case). */
const CSV_COLUMNS: Record<string, keyof StallFields> = {
  code: 'code',
  'ma kiot': 'code',
  ma: 'code',
  tradername: 'traderName',
  'tieu thuong': 'traderName',
  'ho ten': 'traderName',
  traderphone: 'traderPhone',
  'so dien thoai': 'traderPhone',
  monthlyfee: 'monthlyFee',
  'phi thang': 'monthlyFee',
  status: 'status',
  'trang thai': 'status',
};

/** The stalls of a CSV file, or a 400 listing every line to fix: a file is imported whole or not at all. */
export function parseStallCsv(text: string): StallFields[] {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), {
    header: true,
    skipEmptyLines: 'greedy',
    transformHeader: (header) =>
      CSV_COLUMNS[
        foldVietnamese(header)
          .replace(/[^a-z ]/g, '')
          .trim()
      ] ?? header,
  });
  const stalls: StallFields[] = [];
  const problems: Array<{ path: string; message: string }> = [];
  parsed.data.forEach((row, index) => {
    const status = foldVietnamese(row.status ?? '').trim();
    const candidate = {
      code: row.code,
      traderName: row.traderName ?? '',
      traderPhone: row.traderPhone ?? '',
      monthlyFee: Number(String(row.monthlyFee ?? '').replace(/[.,\s]|vnd|đ/gi, '')),
      status:
        status === '' || status === 'active' || status === 'dang thue'
          ? 'active'
          : status === 'vacant' || status === 'trong'
            ? 'vacant'
            : status,
    };
    const result = StallInput.safeParse(candidate);
    if (result.success) stalls.push(result.data);
    else
      for (const issue of result.error.issues) problems.push({ path: `line ${index + 2}.${issue.path.join('.')}`, message: issue.message });
  });
  if (parsed.errors.length > 0)
    problems.push(
      ...parsed.errors.map((e) => ({
        path: `line ${(e.row ?? 0) + 2}`,
        message: e.code === 'MissingQuotes' ? 'Có một ô mở ngoặc kép mà không đóng' : 'Không đọc được dòng này theo dạng CSV',
      })),
    );
  if (problems.length > 0 || stalls.length === 0) {
    throw new ApiError(
      400,
      'invalid_csv',
      'Tệp chưa được nhập: hãy sửa các dòng dưới đây rồi tải lên lại',
      problems.length ? problems : [{ path: 'file', message: 'Tệp không có ki-ốt nào' }],
    );
  }
  if (new Set(stalls.map((s) => s.code)).size !== stalls.length)
    throw new ApiError(400, 'invalid_csv', 'Có mã ki-ốt xuất hiện hai lần trong tệp');
  return stalls;
}
