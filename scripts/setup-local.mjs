// Prepares a local machine: secrets file, migrations, demo seed. Safe to run any number of times.
import { ensureDevVars } from './dev-vars.mjs';
import { npx } from './tools.mjs';

ensureDevVars();
npx(['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local']);
await import('./seed.mjs');
