// Prepares a local machine: secrets file, migrations, demo seed. Safe to run any number of times.
import { copyFileSync, existsSync } from 'node:fs';
import { npx } from './tools.mjs';

if (!existsSync('.dev.vars')) {
  copyFileSync('.dev.vars.example', '.dev.vars');
  console.log('✓ Created .dev.vars from .dev.vars.example');
}
npx(['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local']);
await import('./seed.mjs');
