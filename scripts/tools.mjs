// Shared by the dev scripts: run a command with telemetry off and the project's own Node first on PATH.
import { spawn, spawnSync } from 'node:child_process';

export const quietEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  ASTRO_TELEMETRY_DISABLED: '1',
  DO_NOT_TRACK: '1',
};

/** Runs `npx <args>` to completion; exits the script if it fails. */
export function npx(args, options = {}) {
  const result = spawnSync('npx', ['--no-install', ...args], { stdio: 'inherit', env: quietEnv, ...options });
  if (result.status !== 0) {
    console.error(`\n✗ npx ${args.join(' ')} failed (exit ${result.status})`);
    process.exit(result.status ?? 1);
  }
}

/** Starts `npx <args>` and keeps it in the foreground of this script. */
export function npxForeground(args) {
  const child = spawn('npx', ['--no-install', ...args], { stdio: 'inherit', env: quietEnv });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
  return child;
}
