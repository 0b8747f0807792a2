// Type-checks the storefront's .astro files: what `astro check` does, through the same
// checker (AstroCheck from @astrojs/language-server, on Volar and TypeScript's language
// service), against web/tsconfig.json.
//
// Why not `astro check` itself: the project compiles with TypeScript 7, the native port, which
// has no JavaScript API yet, and the Astro checker needs that API (`ts.sys`, the language
// service). So this script runs the checker on TypeScript 6, installed under the alias
// `typescript6`, and points every `typescript` import made in this process at it (Volar's
// packages import `typescript` by name). `tsc` and everything else keep TypeScript 7.
// The .ts files are tsc's job; this checks the .astro files only.
import { createRequire, registerHooks } from 'node:module';
import path from 'node:path';

registerHooks({
  resolve(specifier, context, nextResolve) {
    return nextResolve(/^typescript(\/|$)/.test(specifier) ? specifier.replace(/^typescript/, 'typescript6') : specifier, context);
  },
});

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(path.join(root, 'package.json'));
const { AstroCheck } = require('@astrojs/language-server');

const started = performance.now();
const checker = new AstroCheck(path.join(root, 'web'), require.resolve('typescript6'), 'tsconfig.json');
const files = checker.linter.getRootFileNames().filter((file) => file.endsWith('.astro'));
if (files.length === 0) {
  console.error('✗ check:astro found no .astro files through web/tsconfig.json');
  process.exit(1);
}
const result = await checker.lint({ fileNames: files, logErrors: { level: 'warning' } });
const seconds = ((performance.now() - started) / 1000).toFixed(1);
const count = (n, what) => `${n} ${what}${n === 1 ? '' : 's'}`;
const summary = `${count(result.fileChecked, '.astro file')}: ${count(result.errors, 'error')}, ${count(result.warnings, 'warning')} (${seconds} s)`;
if (result.status !== 'completed' || result.fileChecked !== files.length) {
  console.error(`✗ check:astro did not finish: ${summary}`);
  process.exit(1);
}
if (result.errors > 0) {
  console.error(`✗ ${summary}`);
  process.exit(1);
}
console.log(`✓ ${summary}`);
