/** An uploaded table (CSV or `.xlsx`) as rows of cells, whichever the person sent. */
import Papa from 'papaparse';
import { looksLikeXls, looksLikeXlsx, readSpreadsheet, type SheetRow, SpreadsheetError } from '../domain/spreadsheet';

export type TableFile = { ok: true; rows: SheetRow[] } | { ok: false; message: string };

/** The first sheet of an `.xlsx`, or a CSV (comma, semicolon or tab), at most `maxRows` rows. */
export async function readTableFile(file: File, maxRows: number): Promise<TableFile> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (looksLikeXlsx(bytes) || looksLikeXls(bytes)) {
    try {
      const [sheet] = await readSpreadsheet(bytes, { maxRows });
      return { ok: true, rows: sheet?.rows ?? [] };
    } catch (error) {
      if (error instanceof SpreadsheetError) return { ok: false, message: error.message };
      throw error;
    }
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes).replace(/^\ufeff/, '');
  if (text.includes('\u0000')) return { ok: false, message: 'Tệp không phải CSV hay Excel .xlsx' };
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: 'greedy', delimitersToGuess: [',', ';', '\t'] });
  if (parsed.data.length > maxRows) {
    return { ok: false, message: `Tệp có quá ${maxRows} dòng: hãy tách thành nhiều tệp` };
  }
  return { ok: true, rows: parsed.data };
}
