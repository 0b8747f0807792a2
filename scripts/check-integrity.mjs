// `npm run check:integrity`: the books' parity check (worker/src/db/integrity.ts) against the
// local database that `npm run dev` uses, the same rules as GET /api/v1/admin/integrity.
// Exits 1 when any rule breaks, so a load run or a script can stop on it.
// `-- --remote` runs it against the deployed database instead (needs `wrangler login`).
import { spawnSync } from 'node:child_process';
import { INTEGRITY_RULES } from '../worker/src/db/integrity.ts';
import { quietEnv } from './tools.mjs';

const where = process.argv.includes('--remote') ? '--remote' : '--local';
const persist = where === '--local' ? ['--persist-to', process.env.CHOSO_PERSIST ?? '.wrangler/state'] : [];
// One round trip: every rule's query in one command; wrangler answers one result per statement.
const command = INTEGRITY_RULES.map((rule) => rule.query.replace(/\s+/g, ' ').trim()).join(';\n');
const run = spawnSync('npx', ['--no-install', 'wrangler', 'd1', 'execute', 'DB', where, ...persist, '--json', '--command', command], {
  env: quietEnv,
  encoding: 'utf8',
  maxBuffer: 16 * 1024 * 1024,
});
if (run.status !== 0) {
  console.error(run.stderr || run.stdout);
  process.exit(2);
}
const results = JSON.parse(run.stdout);
let broken = 0;
INTEGRITY_RULES.forEach((rule, index) => {
  const rows = results[index]?.results ?? [];
  console.log(`${rows.length === 0 ? '✓' : '✗'} ${rule.rule} (${rule.name})`);
  for (const row of rows) console.log(`    ${row.id}: ${row.detail}`);
  if (rows.length > 0) broken += 1;
});
console.log(broken === 0 ? '\nSổ sách khớp: mọi quy tắc đều đúng.' : `\n${broken} quy tắc bị vi phạm.`);
process.exit(broken === 0 ? 0 : 1);
