// Proves the deployable worker builds and fits Cloudflare's size limit: `wrangler deploy
// --dry-run` on the built storefront worker (what `npm run deploy` ships), then the compressed
// size against the limit. Needs `npm run build` first; `npm test` runs it after the build.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { quietEnv } from './tools.mjs';

// Workers limits (https://developers.cloudflare.com/workers/platform/limits/#worker-size):
// 3 MB compressed on the Free plan, 10 MB on Paid. We hold ourselves to the Free one.
const LIMIT_KIB = 3 * 1024;

const outdir = mkdtempSync(path.join(tmpdir(), 'choso-bundle-'));
const result = spawnSync(
  'npx',
  ['--no-install', 'wrangler', 'deploy', '--dry-run', '-c', 'web/dist/server/wrangler.json', '--outdir', outdir],
  {
    env: quietEnv,
    encoding: 'utf8',
  },
);
rmSync(outdir, { recursive: true, force: true });
const output = `${result.stdout}\n${result.stderr}`;
const size = output.match(/Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/);
if (result.status !== 0 || !size) {
  console.error(output);
  console.error('✗ wrangler deploy --dry-run failed: the worker would not deploy');
  process.exit(1);
}
const gzipKiB = Number(size[2]);
if (gzipKiB > LIMIT_KIB) {
  console.error(`✗ The worker is ${gzipKiB} KiB compressed, over the ${LIMIT_KIB} KiB limit`);
  process.exit(1);
}
console.log(`✓ Deployable worker: ${size[1]} KiB, ${gzipKiB} KiB compressed (limit ${LIMIT_KIB} KiB)`);
