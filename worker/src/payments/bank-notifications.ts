/**
 * A notification to one bank connection: its source (bank-sources/) authenticates and parses
 * it; money in on the connection's own account goes to the one pipeline that decides and
 * writes every credit (credits.ts). A transaction on any other account is refused for good and
 * logged, never credited; money out is answered as received and ignored; a replay or a retry
 * is a duplicate there and changes nothing.
 */
import { BANK_SOURCES } from '../bank-sources/registry';
import { type SourceAnswer, SourceFormatError, type SourceRequest } from '../bank-sources/source';
import { vietqrVn } from '../bank-sources/vietqr-vn';
import type { BankCredit } from '../domain/bank-credit';
import { ApiError } from '../errors';
import { activeConnection } from './bank-connections';
import { applyBankCredits } from './credits';

const noConnection = () =>
  new ApiError(404, 'connection_not_found', 'Không có kết nối ngân hàng đang hoạt động ở địa chỉ này (đã tắt hoặc chưa tạo)');

export async function receiveBankNotification(env: Env, request: SourceRequest): Promise<SourceAnswer> {
  const connection = await activeConnection(env, request.connectionId);
  if (!connection) throw noConnection();
  const { row, credentials } = connection;
  const source = BANK_SOURCES[row.provider];
  if (!(await source.authenticate(request, credentials))) return source.answer({ kind: 'unauthorized' });

  let transactions: ReturnType<typeof source.parse>;
  try {
    transactions = source.parse(request.rawBody);
  } catch (error) {
    if (error instanceof SourceFormatError) return source.answer({ kind: 'invalid', message: error.message });
    throw error;
  }
  const foreign = transactions.find((transaction) => transaction.accountNumber !== row.accountNumber);
  if (foreign) {
    // Logged for whoever set the provider up: the webhook is pointed at the wrong connection.
    console.warn(
      JSON.stringify({
        event: 'bank_notification_refused',
        connectionId: row.id,
        provider: row.provider,
        connectionAccount: row.accountNumber,
        notifiedAccount: foreign.accountNumber,
        transactionId: foreign.credit.transactionId,
      }),
    );
    return source.answer({
      kind: 'refused',
      message: `Giao dịch của tài khoản ${foreign.accountNumber}, không phải tài khoản ${row.accountNumber} của kết nối này: không ghi nhận`,
    });
  }

  const credits: BankCredit[] = transactions
    .filter((transaction) => transaction.direction === 'in')
    .map((transaction) => ({ ...transaction.credit, accountNumber: row.accountNumber, source: 'notification' }));
  const outcomes =
    credits.length > 0 ? await applyBankCredits(env.DB, row.accountNumber, credits, new Date(request.nowMs).toISOString()) : [];
  let next = 0;
  return source.answer({
    kind: 'received',
    transactionIds: transactions.map((transaction) => transaction.credit.transactionId),
    outcomes: transactions.map((transaction) => (transaction.direction === 'out' ? 'ignored_money_out' : outcomes[next++]!.outcome)),
  });
}

/** VietQR.vn's token call to a connection: a short-lived signed token for the right Basic credentials. */
export async function issueConnectionToken(env: Env, request: SourceRequest): Promise<SourceAnswer> {
  const connection = await activeConnection(env, request.connectionId);
  if (connection?.row.provider !== 'vietqr_vn') throw noConnection();
  const token = await vietqrVn.issueToken(request, connection.credentials as Parameters<typeof vietqrVn.issueToken>[1]);
  if (!token)
    return {
      status: 401,
      body: { error: true, errorReason: 'E_AUTH', toastMessage: 'Sai tên đăng nhập hoặc mật khẩu (Basic)', object: null },
    };
  return { status: 200, body: token };
}
