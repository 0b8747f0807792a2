// `npm run bench`: runs the benchmarks with --expose-gc, so that heap numbers are
// measured from a collected heap, and passes their output (and exit code) through.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const benchmarks = ['bench/matcher.bench.mjs'];

let failed = false;
for (const benchmark of benchmarks) {
  console.log(`$ node --expose-gc ${benchmark}`);
  // process.execPath: the Node running this script, i.e. the project's Node 24 under npm.
  const { status, error } = spawnSync(process.execPath, ['--expose-gc', benchmark, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  if (error) console.error(error);
  if (status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
