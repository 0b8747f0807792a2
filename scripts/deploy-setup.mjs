// `npm run deploy:setup`: the first deploy's steps that are otherwise typed by hand. It creates
// the D1 database, the R2 buckets and the queues that wrangler.toml names, writes the new
// database id into wrangler.toml, applies the migrations to the remote database and lists the
// secrets still to set. Safe to run again: what exists is left as it is.
// `npm run deploy:setup -- --dry-run` prints every step without running any (no account needed).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'smol-toml';
import { quietEnv } from './tools.mjs';

const DRY_RUN = process.argv.includes('--dry-run');
const CONFIG = 'wrangler.toml';
const PLACEHOLDER_DATABASE_ID = '00000000-0000-4000-8000-000000000000';

/** The secrets the worker reads, and why; `required` ones stop payments from working when missing. */
const SECRETS = [
  { name: 'BANK_WEBHOOK_SECRET', required: true, why: 'ký thông báo tiền vào của tài khoản nền tảng (/api/v1/webhooks/bank)' },
  { name: 'PLATFORM_BANK_BIN', required: true, why: 'mã BIN ngân hàng của tài khoản thu hộ nền tảng' },
  { name: 'PLATFORM_BANK_ACCOUNT', required: true, why: 'số tài khoản thu hộ nền tảng (đơn hàng chợ OCOP)' },
  { name: 'PLATFORM_BANK_NAME', required: true, why: 'tên chủ tài khoản thu hộ, như ngân hàng in' },
  { name: 'CONNECTION_SECRETS_KEY', required: true, why: 'khoá mã hoá thông tin kết nối ngân hàng của từng đơn vị' },
  { name: 'STRIPE_SECRET_KEY', required: false, why: 'thanh toán thẻ qua Stripe Checkout (bỏ trống để tắt)' },
  { name: 'STRIPE_WEBHOOK_SECRET', required: false, why: 'xác minh webhook của Stripe (/api/v1/webhooks/stripe)' },
];

function wrangler(args, { allowFailure = false } = {}) {
  console.log(`$ npx wrangler ${args.join(' ')}`);
  if (DRY_RUN) return { status: 0, stdout: '', stderr: '' };
  const run = spawnSync('npx', ['--no-install', 'wrangler', ...args], { env: quietEnv, encoding: 'utf8' });
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}`;
  if (run.status !== 0 && !allowFailure) {
    console.error(output);
    process.exit(run.status ?? 1);
  }
  return { ...run, output };
}

const text = readFileSync(CONFIG, 'utf8');
const config = parse(text);

// 1. The D1 database: created once, its id written into wrangler.toml.
for (const database of config.d1_databases ?? []) {
  if (database.database_id !== PLACEHOLDER_DATABASE_ID) {
    console.log(`✓ D1 ${database.database_name} already has an id (${database.database_id})`);
    continue;
  }
  const created = wrangler(['d1', 'create', database.database_name]);
  if (DRY_RUN) {
    console.log(`  (would write the new database_id of ${database.database_name} into ${CONFIG})`);
    continue;
  }
  const id = created.output.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i)?.[0];
  if (!id) {
    console.error(`Could not read the new database id from wrangler's answer:\n${created.output}`);
    process.exit(1);
  }
  writeFileSync(CONFIG, readFileSync(CONFIG, 'utf8').replace(PLACEHOLDER_DATABASE_ID, id));
  console.log(`✓ D1 ${database.database_name} created; ${CONFIG} now names ${id}`);
}

// 2. R2 buckets and 3. queues: "already exists" is fine.
for (const bucket of config.r2_buckets ?? []) {
  const run = wrangler(['r2', 'bucket', 'create', bucket.bucket_name], { allowFailure: true });
  if (run.status !== 0 && !/already exists/i.test(run.output)) {
    console.error(run.output);
    process.exit(1);
  }
}
const queueNames = new Set([
  ...(config.queues?.producers ?? []).map((queue) => queue.queue),
  ...(config.queues?.consumers ?? []).flatMap((queue) => [queue.queue, queue.dead_letter_queue].filter(Boolean)),
]);
for (const name of queueNames) {
  const run = wrangler(['queues', 'create', name], { allowFailure: true });
  if (run.status !== 0 && !/already (exists|taken)/i.test(run.output)) {
    console.error(run.output);
    process.exit(1);
  }
}

// 4. Migrations on the remote database (the demo seed never runs there).
wrangler(['d1', 'migrations', 'apply', 'DB', '--remote']);

// 5. Secrets still to set, and the public address.
const listed = DRY_RUN ? { status: 1 } : wrangler(['secret', 'list', '--format', 'json'], { allowFailure: true });
const present = new Set(listed.status === 0 ? JSON.parse(listed.stdout).map((secret) => secret.name) : []);
const missing = SECRETS.filter((secret) => !present.has(secret.name));
if (missing.length === 0) console.log('✓ every secret is set');
else {
  console.log('\nSecrets still to set (several comma-separated values are accepted where a secret rotates):');
  for (const secret of missing) {
    console.log(`  npx wrangler secret put ${secret.name.padEnd(24)} # ${secret.required ? 'cần' : 'tuỳ chọn'}: ${secret.why}`);
  }
}
if (!config.vars?.PUBLIC_BASE_URL) {
  console.log(`\n⚠ PUBLIC_BASE_URL is empty in ${CONFIG}: set the site's address (e.g. "https://cho-so.vn") before deploying.`);
}
console.log(`\nThen: npm run deploy${DRY_RUN ? '   (dry run: nothing was changed)' : ''}`);
