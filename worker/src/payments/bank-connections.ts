/**
 * Bank connections: one per collection account and source. Creating one checks the account is
 * the caller's organization's own (or, for an admin, any organization's or the platform's),
 * validates the provider's credentials, stores them encrypted, and answers with the
 * connection's webhook URL and what to enter on the provider's side.
 */
import { BANK_PROVIDERS, BANK_SOURCES, type BankProvider, PROVIDER_NAMES } from '../bank-sources/registry';
import {
  type BankConnectionRow,
  disableBankConnection,
  findBankConnection,
  findBankConnectionByScope,
  insertBankConnectionOnce,
  listBankConnections,
} from '../db/bank-connections';
import type { SessionUser } from '../db/users';
import { connectionSecrets, decryptCredentials, encryptCredentials, lastFour } from '../domain/connection-crypto';
import { newId, sha256Hex } from '../domain/tokens';
import { ApiError, validationError } from '../errors';
import { reconcilableAccount } from '../reconciliation/accounts';
import { publicUrl } from './settings';

export interface BankConnectionView {
  id: string;
  provider: BankProvider;
  providerName: string;
  accountNumber: string;
  organizationId: string | null;
  status: 'active' | 'disabled';
  webhookUrl: string;
  credentialHints: Record<string, string>;
  createdAt: string;
  disabledAt: string | null;
}

export const webhookPath = (connectionId: string) => `/api/v1/webhooks/bank/${connectionId}`;

export function viewConnection(env: Env, requestUrl: string, row: BankConnectionRow): BankConnectionView {
  return {
    id: row.id,
    provider: row.provider,
    providerName: PROVIDER_NAMES[row.provider],
    accountNumber: row.accountNumber,
    organizationId: row.organizationId,
    status: row.status,
    webhookUrl: publicUrl(env, requestUrl, webhookPath(row.id)),
    credentialHints: row.credentialHints,
    createdAt: row.createdAt,
    disabledAt: row.disabledAt,
  };
}

export function secretsKey(env: Env): string[] {
  const secrets = connectionSecrets(env.CONNECTION_SECRETS_KEY);
  if (secrets.length === 0)
    throw new ApiError(503, 'not_configured', 'Chưa cấu hình khoá mã hoá thông tin kết nối ngân hàng (CONNECTION_SECRETS_KEY)');
  return secrets;
}

export interface CreateConnectionInput {
  accountNumber: string;
  provider: BankProvider;
  credentials: Record<string, unknown>;
}

export async function createBankConnection(
  env: Env,
  requestUrl: string,
  caller: { user: SessionUser; organizationId: string | undefined },
  input: CreateConnectionInput,
  idempotencyKey: string,
  now: string,
): Promise<{ connection: BankConnectionView; instructions: string[]; created: boolean }> {
  if (!BANK_PROVIDERS.includes(input.provider)) throw new ApiError(400, 'validation_failed', 'Nhà cung cấp không hợp lệ');
  const source = BANK_SOURCES[input.provider];
  const parsed = source.credentials.safeParse(input.credentials);
  if (!parsed.success) throw validationError(parsed.error);
  const { ownerId } = await reconcilableAccount(env, input.accountNumber, caller.organizationId);
  const secrets = secretsKey(env);
  const scope = `${caller.user.id}:${idempotencyKey}`;
  const requestHash = await sha256Hex(JSON.stringify([input.accountNumber, input.provider, parsed.data]));
  const instructionsFor = (row: BankConnectionRow) => source.instructions(publicUrl(env, requestUrl, webhookPath(row.id)), parsed.data);

  const seen = await findBankConnectionByScope(env.DB, scope);
  if (seen) {
    if (seen.requestHash !== requestHash)
      throw new ApiError(409, 'idempotency_conflict', 'Idempotency-Key này đã được dùng cho một kết nối khác; hãy dùng một khoá mới');
    return { connection: viewConnection(env, requestUrl, seen), instructions: instructionsFor(seen), created: false };
  }
  const id = newId('bcn');
  const row = await insertBankConnectionOnce(env.DB, {
    id,
    organizationId: ownerId,
    accountNumber: input.accountNumber,
    provider: input.provider,
    credentialsCiphertext: await encryptCredentials(secrets, id, parsed.data),
    credentialHints: Object.fromEntries(Object.entries(source.secretsOf(parsed.data)).map(([name, value]) => [name, lastFour(value)])),
    idempotencyScope: scope,
    requestHash,
    createdBy: caller.user.id,
    now,
  });
  if (row.requestHash !== requestHash)
    throw new ApiError(409, 'idempotency_conflict', 'Idempotency-Key này đã được dùng cho một kết nối khác; hãy dùng một khoá mới');
  return { connection: viewConnection(env, requestUrl, row), instructions: instructionsFor(row), created: row.id === id };
}

export async function listConnections(env: Env, requestUrl: string, organizationId: string | undefined): Promise<BankConnectionView[]> {
  return (await listBankConnections(env.DB, organizationId)).map((row) => viewConnection(env, requestUrl, row));
}

/** A connection the caller may manage, or a 404 that says nothing of other organizations'. */
async function ownConnection(env: Env, id: string, organizationId: string | undefined): Promise<BankConnectionRow> {
  const row = await findBankConnection(env.DB, id);
  if (!row || (organizationId !== undefined && row.organizationId !== organizationId))
    throw new ApiError(404, 'connection_not_found', 'Không tìm thấy kết nối ngân hàng này trong các kết nối của đơn vị bạn');
  return row;
}

export async function disableConnection(
  env: Env,
  requestUrl: string,
  id: string,
  caller: { user: SessionUser; organizationId: string | undefined },
  now: string,
): Promise<BankConnectionView> {
  await ownConnection(env, id, caller.organizationId);
  await disableBankConnection(env.DB, id, caller.user.id, now);
  return viewConnection(env, requestUrl, (await findBankConnection(env.DB, id))!);
}

/** An active connection and its decrypted credentials, or null (unknown, disabled, or no secret opens them). */
export async function activeConnection(env: Env, id: string): Promise<{ row: BankConnectionRow; credentials: unknown } | null> {
  const row = await findBankConnection(env.DB, id);
  if (row?.status !== 'active') return null;
  const credentials = await decryptCredentials(connectionSecrets(env.CONNECTION_SECRETS_KEY), row.id, row.credentialsCiphertext);
  return credentials === null ? null : { row, credentials };
}
