// Seeds the LOCAL D1 database with the Bắc Ninh demo catalogue and accounts.
// Safe to run again: every insert skips rows that exist. It refuses to touch a remote database.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connectionSecrets } from '../worker/src/domain/connection-crypto.ts';
import { buildDemoConnectionStatements } from '../worker/src/seed/bank-connections.ts';
import { buildDevSeedStatements, renderStatement } from '../worker/src/seed/statements.ts';
import { parseVars } from './dev-vars.mjs';
import { npx } from './tools.mjs';

if (process.argv.some((arg) => arg === '--remote' || arg.startsWith('--env'))) {
  console.error('✗ The demo seed is for local development only and never runs against a remote database.');
  process.exit(1);
}

const statements = await buildDevSeedStatements();
// Demo bank connections are sealed with the local key, so only this local seed makes them.
const connectionKeys = connectionSecrets(
  existsSync('.dev.vars') ? parseVars(readFileSync('.dev.vars', 'utf8')).CONNECTION_SECRETS_KEY : '',
);
if (connectionKeys.length > 0) statements.push(...(await buildDemoConnectionStatements(connectionKeys)));
mkdirSync('.wrangler', { recursive: true });
const file = '.wrangler/seed.sql';
writeFileSync(file, `${statements.map(renderStatement).join('\n')}\n`);
npx(['wrangler', 'd1', 'execute', 'DB', '--local', '--file', file]);
console.log(`✓ Seeded the local database (${statements.length} statements; existing rows left as they were)`);
