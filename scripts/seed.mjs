// Seeds the LOCAL D1 database with the Bắc Ninh demo catalogue and accounts.
// Safe to run again: every insert skips rows that exist. It refuses to touch a remote database.
import { mkdirSync, writeFileSync } from 'node:fs';
import { buildFulfilmentSeedStatements } from '../worker/src/seed/fulfilment.ts';
import { buildSeedStatements, renderStatement } from '../worker/src/seed/statements.ts';
import { npx } from './tools.mjs';

if (process.argv.some((arg) => arg === '--remote' || arg.startsWith('--env'))) {
  console.error('✗ The demo seed is for local development only and never runs against a remote database.');
  process.exit(1);
}

const statements = [...(await buildSeedStatements()), ...buildFulfilmentSeedStatements()];
mkdirSync('.wrangler', { recursive: true });
const file = '.wrangler/seed.sql';
writeFileSync(file, `${statements.map(renderStatement).join('\n')}\n`);
npx(['wrangler', 'd1', 'execute', 'DB', '--local', '--file', file]);
console.log(`✓ Seeded the local database (${statements.length} statements; existing rows left as they were)`);
