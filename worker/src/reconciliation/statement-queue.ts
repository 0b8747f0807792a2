/**
 * Large statements (docs/scale.md): checked whole in the request, then stored in R2 as JSON
 * chunks and applied by the queue, one message per chunk, through the same credit and debit
 * pipeline as a statement applied at once. A chunk is recorded once (statement_chunks), so a
 * retried chunk never counts twice; its credits are written once anyway, keyed on the bank
 * transaction id. The last chunk adds the missing_at_bank check over the whole date range.
 */
import {
  chunkRecorded,
  failStatement,
  findStatement,
  findStatementCreditOutcomes,
  finishStatement,
  insertStatement,
  markStatementProcessing,
  recordChunk,
  recordChunkRead,
} from '../db/statements';
import type { StatementLine } from '../domain/bank-credit';
import { statementCredits } from '../domain/bank-credit';
import { EXCEPTION_TYPES, zeroCounts } from '../domain/exception-types';
import { newId } from '../domain/tokens';
import { applyBankCredits } from '../payments/credits';
import { applyStatementDebits } from './statement-debits';
import { countOutcomes, flagMissingAtBank, type OutcomeCounts, type StatementImportInput } from './statements';

/** Lines per chunk: about 25 D1 queries each, far within one invocation's 1,000. */
export const STATEMENT_CHUNK_LINES = 500;
/** As max_retries of the consumer in wrangler.toml: the attempt after the last retry marks the statement failed. */
export const STATEMENT_CHUNK_MAX_RETRIES = 5;

export interface StatementChunkMessage {
  statementId: string;
  chunk: number;
}

interface StoredChunk {
  credits: StatementLine[];
  debits: StatementLine[];
}

const chunkKey = (statementId: string, chunk: number) => `statements/${statementId}/${chunk}.json`;
const idsKey = (statementId: string) => `statements/${statementId}/credit-ids.json`;

/** Stores a parsed statement's lines in chunks and queues them: nothing is applied yet. */
export async function queueStatement(
  env: Env,
  input: StatementImportInput,
): Promise<{ statementId: string; status: 'processing'; lines: number; processed: number; summary: null }> {
  const { parsed } = input;
  const statementId = newId('stm');
  const all: Array<{ kind: 'credit' | 'debit'; line: StatementLine }> = [
    ...parsed.credits.map((line) => ({ kind: 'credit' as const, line })),
    ...parsed.debits.map((line) => ({ kind: 'debit' as const, line })),
  ];
  const chunks: StoredChunk[] = [];
  for (let start = 0; start < all.length; start += STATEMENT_CHUNK_LINES) {
    const slice = all.slice(start, start + STATEMENT_CHUNK_LINES);
    chunks.push({
      credits: slice.filter((item) => item.kind === 'credit').map((item) => item.line),
      debits: slice.filter((item) => item.kind === 'debit').map((item) => item.line),
    });
  }
  await Promise.all([
    ...chunks.map((chunk, n) => env.STATEMENTS.put(chunkKey(statementId, n), JSON.stringify(chunk))),
    env.STATEMENTS.put(idsKey(statementId), JSON.stringify(parsed.credits.map((line) => line.transactionId))),
  ]);
  await insertStatement(env.DB, {
    id: statementId,
    organizationId: input.organizationId,
    accountNumber: input.accountNumber,
    fileName: input.fileName,
    format: parsed.format,
    firstDate: parsed.firstDate,
    lastDate: parsed.lastDate,
    importedBy: input.importedBy,
    now: input.now,
  });
  await markStatementProcessing(env.DB, statementId, all.length, chunks.length);
  const messages = chunks.map((_, chunk) => ({ body: { statementId, chunk } satisfies StatementChunkMessage }));
  for (let start = 0; start < messages.length; start += 100) await env.STATEMENT_QUEUE.sendBatch(messages.slice(start, start + 100));
  return { statementId, status: 'processing', lines: all.length, processed: 0, summary: null };
}

/** The queue consumer: each chunk applied, acknowledged, or retried; after the last retry the statement is failed. */
export async function consumeStatementChunks(batch: MessageBatch<StatementChunkMessage>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    try {
      await applyChunk(env, message.body, new Date().toISOString());
      message.ack();
    } catch (error) {
      if (message.attempts > STATEMENT_CHUNK_MAX_RETRIES) {
        console.error('statement chunk failed for good', message.body, error);
        await failStatement(
          env.DB,
          message.body.statementId,
          `Không xử lý được phần ${message.body.chunk + 1} của sao kê sau ${message.attempts} lần thử; các dòng đã ghi vẫn được giữ, hãy tải tệp lên lại (các dòng đã nhập sẽ không bị tính hai lần).`,
        );
        message.ack();
      } else {
        console.warn('statement chunk will be retried', message.body, error);
        message.retry();
      }
    }
  }
}

export async function applyChunk(env: Env, message: StatementChunkMessage, now: string): Promise<void> {
  const db = env.DB;
  const statement = await findStatement(db, message.statementId);
  if (!statement || statement.status !== 'processing') return;
  const { account_number: accountNumber, id: statementId } = statement;
  let progress: Awaited<ReturnType<typeof recordChunk>>;
  if (await chunkRecorded(db, statementId, message.chunk)) {
    progress = await recordChunk(db, statementId, message.chunk, 0, {});
  } else {
    const object = await env.STATEMENTS.get(chunkKey(statementId, message.chunk));
    if (!object) throw new Error(`statement chunk ${message.chunk} of ${statementId} is not in R2`);
    const chunk = await object.json<StoredChunk>();
    const credits = statementCredits(accountNumber, chunk.credits);
    const outcomes = await applyBankCredits(db, accountNumber, credits, now, statementId);
    const counts = countOutcomes(outcomes);
    await recountRetried(db, accountNumber, statementId, credits, outcomes, counts);
    await applyStatementDebits(db, { accountNumber, statementId, debits: chunk.debits, now });
    progress = await recordChunk(db, statementId, message.chunk, chunk.credits.length + chunk.debits.length, {
      ...counts,
      credits: chunk.credits.length,
    });
  }
  if (progress && progress.processed >= progress.lines) await finish(env, statement, now);
}

/**
 * A chunk retried after its credits were written counts them as they were written the first
 * time, not as already confirmed: the credit rows of this statement say what each one was.
 * A row of this statement with a line's transaction id can only be that line's own, from an
 * earlier attempt, because a statement never has a credit's id twice (the parser refuses
 * the file, naming both lines): no other chunk can have written it.
 */
async function recountRetried(
  db: D1Database,
  accountNumber: string,
  statementId: string,
  credits: ReadonlyArray<{ transactionId: string }>,
  outcomes: ReadonlyArray<{ outcome: string }>,
  counts: OutcomeCounts,
): Promise<void> {
  const seen = new Set<string>();
  const duplicates: string[] = [];
  credits.forEach((credit, i) => {
    if (outcomes[i]!.outcome === 'duplicate' && !seen.has(credit.transactionId)) duplicates.push(credit.transactionId);
    seen.add(credit.transactionId);
  });
  if (duplicates.length === 0) return;
  for (const row of await findStatementCreditOutcomes(db, accountNumber, statementId, duplicates)) {
    counts.alreadyConfirmed -= 1;
    if (row.outcome === 'matched') counts.matched += 1;
    else if (row.type) counts.exceptions[row.type] = (counts.exceptions[row.type] ?? 0) + 1;
  }
}

async function finish(
  env: Env,
  statement: { id: string; account_number: string; first_date: string | null; last_date: string | null },
  now: string,
) {
  const rows = await recordChunkRead(env.DB, statement.id);
  const summary = {
    statementId: statement.id,
    lines: 0,
    credits: 0,
    matched: 0,
    alreadyConfirmed: 0,
    exceptions: zeroCounts(EXCEPTION_TYPES) as Record<string, number>,
  };
  for (const row of rows) {
    const counts = JSON.parse(row.counts) as Partial<OutcomeCounts & { credits: number }>;
    summary.lines += row.lines;
    summary.credits += counts.credits ?? 0;
    summary.matched += counts.matched ?? 0;
    summary.alreadyConfirmed += counts.alreadyConfirmed ?? 0;
    for (const [type, n] of Object.entries(counts.exceptions ?? {})) summary.exceptions[type] = (summary.exceptions[type] ?? 0) + n;
  }
  const ids = await env.STATEMENTS.get(idsKey(statement.id));
  if (!ids) throw new Error(`the transaction ids of ${statement.id} are not in R2`);
  const transactionIds = await ids.json<string[]>();
  summary.exceptions.missing_at_bank = await flagMissingAtBank(
    env.DB,
    statement.account_number,
    { firstDate: statement.first_date, lastDate: statement.last_date, credits: transactionIds.map((transactionId) => ({ transactionId })) },
    statement.id,
    now,
  );
  await finishStatement(env.DB, statement.id, summary);
}
