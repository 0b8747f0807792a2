// `npm run bench`: runs bench/matcher.bench.mjs with --expose-gc, so that heap numbers are
// measured from a collected heap, and passes its output (and exit code) through.
// `npm run bench -- import matcher` runs bench/import.bench.mjs and then the matcher's;
// only the matcher's runs by default, as the others start servers and take minutes:
// `requests` (CPU and D1 rows per request), `soak` (workerd memory over 100,000 requests, ours
// against bench/bare/), `profile` (a V8 CPU profile of the catalogue list through the inspector).
// `npm run load` (bench/load.mjs) is the bounded load run with its integrity check.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const names = process.argv.slice(2);
const benchmarks = (names.length > 0 ? names : ['matcher']).map((name) => `bench/${name}.bench.mjs`);

let failed = false;
for (const benchmark of benchmarks) {
  if (!existsSync(new URL(`../${benchmark}`, import.meta.url))) {
    console.error(`no such benchmark: ${benchmark}`);
    failed = true;
    continue;
  }
  console.log(`$ node --expose-gc ${benchmark}`);
  // process.execPath: the Node running this script, i.e. the project's Node 24 under npm.
  const { status, error } = spawnSync(process.execPath, ['--expose-gc', benchmark], { cwd: root, stdio: 'inherit' });
  if (error) console.error(error);
  if (status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
