// Shared by the load, soak and profile scripts: `wrangler dev` on loopback, on its own port,
// with a fresh local state directory (migrated and seeded), stopped by the script at the end.
// It never touches the dev database (.wrangler/state) or the dev .dev.vars.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildDemoConnectionStatements } from '../worker/src/seed/bank-connections.ts';
import { buildDevSeedStatements, renderStatement } from '../worker/src/seed/statements.ts';

export const root = path.resolve(import.meta.dirname, '..');
export const quietEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  ASTRO_TELEMETRY_DISABLED: '1',
  DO_NOT_TRACK: '1',
};

/** The secrets of a load run: throwaway values, written to the run's own env file. */
export const LOAD_VARS = {
  ENVIRONMENT: 'development',
  BANK_WEBHOOK_SECRET: 'load-bank-secret',
  CONNECTION_SECRETS_KEY: 'load-connection-key',
  STRIPE_SECRET_KEY: '',
  PLATFORM_BANK_BIN: '970418',
  PLATFORM_BANK_ACCOUNT: '12010009998888',
  PLATFORM_BANK_NAME: 'CONG TY CHO SO BAC NINH',
};

export function npx(args, options = {}) {
  const result = spawnSync('npx', ['--no-install', ...args], { cwd: root, env: quietEnv, encoding: 'utf8', ...options });
  if (result.status !== 0) throw new Error(`npx ${args.join(' ')} failed:\n${result.stderr || result.stdout}`);
  return result.stdout;
}

/** The built worker (web/dist/server), built first if it is not there. */
export function ensureBuild() {
  if (!existsSync(path.join(root, 'web/dist/server/wrangler.json'))) {
    spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit', env: quietEnv });
  }
}

/** A fresh state directory with the migrations applied and the demo data (with its bank connections). */
export async function freshState({ seed = true } = {}) {
  const state = mkdtempSync(path.join(tmpdir(), 'choso-load-'));
  npx(['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state, '-c', 'wrangler.toml']);
  if (seed) {
    const statements = [...(await buildDevSeedStatements()), ...(await buildDemoConnectionStatements([LOAD_VARS.CONNECTION_SECRETS_KEY]))];
    const file = path.join(state, 'seed.sql');
    writeFileSync(file, `${statements.map(renderStatement).join('\n')}\n`);
    npx(['wrangler', 'd1', 'execute', 'DB', '--local', '--persist-to', state, '-c', 'wrangler.toml', '--file', file]);
  }
  const envFile = path.join(state, 'load.env');
  writeFileSync(
    envFile,
    Object.entries(LOAD_VARS)
      .map(([key, value]) => `${key}=${value}`)
      .join('\n'),
  );
  return { state, envFile };
}

/** Every process under `pid` (wrangler → its workerd), from /proc. */
function descendants(pid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent).push(Number(entry));
    } catch {}
  }
  const found = [];
  const walk = (id) => {
    for (const child of children.get(id) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

export function processName(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Resident memory of a process in MB (VmRSS), or null once it is gone. */
export function rssMb(pid) {
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Starts `wrangler dev -c <config>` on 127.0.0.1:<port> and waits until `readyPath` answers.
 * Returns its base URL, the workerd process id, and stop().
 */
export async function startWranglerDev({ config, state, envFile, port, inspectorPort, readyPath = '/api/health', extra = [] }) {
  const args = ['--no-install', 'wrangler', 'dev', '-c', config, '--persist-to', state, '--ip', '127.0.0.1', '--port', String(port)];
  args.push('--inspector-port', String(inspectorPort ?? port + 1));
  if (envFile) args.push('--env-file', envFile);
  const child = spawn('npx', [...args, ...extra], { cwd: root, env: quietEnv, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const base = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      // Its own process group (detached): wrangler and the workerd it started, nothing else.
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {}
      setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {}
      }, 5000).unref();
    });
  for (let i = 0; ; i += 1) {
    try {
      if ((await fetch(`${base}${readyPath}`)).ok) break;
    } catch {}
    if (child.exitCode !== null || i > 240) {
      await stop();
      throw new Error(`wrangler dev did not start:\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const workerd = descendants(child.pid).filter((pid) => processName(pid) === 'workerd');
  return { base, child, workerdPid: workerd.at(-1) ?? null, stop, stderr: () => stderr };
}

export function removeState(state) {
  rmSync(state, { recursive: true, force: true });
}

/** Runs `fn` over `items` with at most `concurrency` at once; results in the items' order. */
export async function pool(items, concurrency, fn) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next;
        next += 1;
        results[index] = await fn(items[index], index);
      }
    }),
  );
  return results;
}

/** A Chrome DevTools protocol session over the inspector's WebSocket. */
export async function devtools(inspectorPort) {
  const targets = await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json();
  const target = targets.find((one) => one.webSocketDebuggerUrl);
  // wrangler's inspector proxy accepts DevTools' own origin (undici's WebSocket takes headers).
  const socket = new WebSocket(target.webSocketDebuggerUrl, { headers: { Origin: 'https://devtools.devprod.cloudflare.dev' } });
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve, { once: true });
    socket.addEventListener('error', reject, { once: true });
  });
  let id = 0;
  const waiting = new Map();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data));
    if (message.id && waiting.has(message.id)) {
      waiting.get(message.id)(message);
      waiting.delete(message.id);
    }
  });
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      id += 1;
      waiting.set(id, (message) => (message.error ? reject(new Error(`${method}: ${message.error.message}`)) : resolve(message.result)));
      socket.send(JSON.stringify({ id, method, params }));
    });
  return { send, close: () => socket.close(), title: target.title };
}
