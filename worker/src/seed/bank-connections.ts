/**
 * Local development only (scripts/seed.mjs; never the tests' or a remote database's seed): one
 * demo connection per provider on the school's account, so `npm run bank:simulate` works
 * right after `npm run seed`. Their plain credentials are public on purpose, listed here and
 * in docs/bank-connections.md; they are sealed with the local CONNECTION_SECRETS_KEY.
 */
import { encryptCredentials, lastFour } from '../domain/connection-crypto.ts';
import type { SeedStatement } from './statements.ts';

export const DEMO_SCHOOL_ACCOUNT = '2603205412387';

export const DEMO_CONNECTIONS = {
  sepay: { id: 'bcn_demosepay', credentials: { apiKey: 'demo-sepay-key', hmacSecret: 'demo-sepay-hmac-secret' } },
  casso: { id: 'bcn_democasso', credentials: { checksumKey: 'demo-casso-checksum', secureToken: 'demo-casso-token' } },
  vietqr_vn: { id: 'bcn_demovietqr', credentials: { username: 'demo-vietqr', password: 'demo-vietqr-password' } },
  signed_json: { id: 'bcn_demosignedjson', credentials: { secret: 'demo-signed-json-secret' } },
} as const;

export async function buildDemoConnectionStatements(secrets: string[], now = new Date().toISOString()): Promise<SeedStatement[]> {
  const statements: SeedStatement[] = [];
  for (const [provider, { id, credentials }] of Object.entries(DEMO_CONNECTIONS)) {
    const hints = Object.fromEntries(
      Object.entries(credentials)
        .filter(([name]) => name !== 'username')
        .map(([name, value]) => [name, lastFour(value)]),
    );
    statements.push({
      sql: `INSERT OR IGNORE INTO bank_connections (id, organization_id, account_number, provider, credentials_ciphertext,
              credential_hints, idempotency_scope, request_hash, created_by, created_at)
            VALUES (?1, 'org_school_dinh_bang', ?2, ?3, ?4, ?5, ?6, 'seed', 'usr_biller', ?7)`,
      params: [
        id,
        DEMO_SCHOOL_ACCOUNT,
        provider,
        await encryptCredentials(secrets, id, credentials),
        JSON.stringify(hints),
        `seed:${id}`,
        now,
      ],
    });
  }
  return statements;
}
