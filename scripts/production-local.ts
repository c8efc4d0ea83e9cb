// `npm run production:local -- [--api 3] [--workers 2] [--port 3870]`: the production layout on
// this machine (docs/operations.md "Production layout"): PostgreSQL (DATABASE_URL, or a
// throw-away cluster from scripts/pg-cluster.sh), HAProxy (Debian's package) on --port in front
// of N api processes, M worker processes started with WORKER_NODE_FLAGS, and — unless
// LINE_API_BASE_URL is set — the LINE emulator. Migrates once, prints the URLs, Ctrl-C stops all.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { WORKER_NODE_FLAGS } from '../apps/server/src/process-flags.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SERVER = join(ROOT, 'apps/server/src/server.ts');
const { values } = parseArgs({
  options: {
    api: { type: 'string', default: '3' },
    workers: { type: 'string', default: '2' },
    port: { type: 'string', default: '3870' },
  },
});
const API = Number(values.api);
const WORKERS = Number(values.workers);
const PORT = Number(values.port);
const log = (s: string) => process.stdout.write(`production-local: ${s}\n`);

const children: ChildProcess[] = [];
let cluster: string | null = null;
const work = mkdtempSync(join(tmpdir(), 'careline-prod-'));
let stopping = false;
function stop(code = 0): never | void {
  if (stopping) return;
  stopping = true;
  for (const c of children.reverse()) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    if (cluster) spawnSync('bash', [join(ROOT, 'scripts/pg-cluster.sh'), 'stop', cluster], { stdio: 'ignore' });
    process.exit(code);
  }, 3000);
}
process.on('SIGINT', () => stop());
process.on('SIGTERM', () => stop());

function start(name: string, args: string[], env: NodeJS.ProcessEnv, execArgv: readonly string[] = []) {
  const c = spawn(process.execPath, [...execArgv, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (b: Buffer) =>
    b
      .toString()
      .split('\n')
      .filter(Boolean)
      .forEach((l) => process.stdout.write(`[${name}] ${l}\n`));
  c.stdout!.on('data', prefix);
  c.stderr!.on('data', prefix);
  c.once('exit', (code, sig) => {
    if (!stopping) {
      log(`${name} exited (${code ?? sig}); stopping everything`);
      stop(1);
    }
  });
  children.push(c);
  return c;
}

const started = (c: ChildProcess, text: string) =>
  new Promise<void>((res, rej) => {
    const on = (b: Buffer) => {
      if (b.toString().includes(text)) {
        c.stdout!.off('data', on);
        res();
      }
    };
    c.stdout!.on('data', on);
    c.once('exit', () => rej(new Error(`exited before "${text}"`)));
  });

let databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl?.startsWith('postgres')) {
  cluster = join(work, 'pg');
  databaseUrl = execFileSync('bash', [join(ROOT, 'scripts/pg-cluster.sh'), 'start', cluster], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .at(-1)!;
  log(`PostgreSQL (throw-away cluster in ${cluster}): ${databaseUrl}`);
}
const env: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: process.env.NODE_ENV ?? 'development',
  DATABASE_URL: databaseUrl,
  ENCRYPTION_KEY: process.env.ENCRYPTION_KEY ?? randomBytes(32).toString('base64'),
  PUBLIC_BASE_URL: process.env.PUBLIC_BASE_URL ?? `http://localhost:${PORT}`,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
};
if (!process.env.LINE_API_BASE_URL) {
  const emuPort = PORT + 1000;
  env.LINE_API_BASE_URL = `http://127.0.0.1:${emuPort}`;
  const emu = start('emulator', [join(ROOT, 'apps/line-emulator/src/main.ts')], {
    ...env,
    EMULATOR_PORT: String(emuPort),
    EMULATOR_HOST: '127.0.0.1',
  });
  await new Promise((r) => setTimeout(r, 500));
  if (emu.exitCode !== null) throw new Error('the LINE emulator did not start');
}

// Migrate once before the processes start (each would also do it, one at a time, under an advisory lock).
const m = spawnSync(
  process.execPath,
  [
    '-e',
    `const {loadConfig}=await import(${JSON.stringify(join(ROOT, 'apps/server/src/config.ts'))});` +
      `const {createDatabase}=await import(${JSON.stringify(join(ROOT, 'apps/server/src/db/connection.ts'))});` +
      `const {migrate}=await import(${JSON.stringify(join(ROOT, 'apps/server/src/db/migrator.ts'))});` +
      `const d=createDatabase(loadConfig(process.env).databaseUrl);await migrate(d);await d.close();`,
  ],
  { env, stdio: 'inherit', input: '' },
);
if (m.status !== 0) throw new Error('migration failed');

const apiPorts = Array.from({ length: API }, (_, i) => PORT + 1 + i);
await Promise.all(
  apiPorts.map((p, i) => {
    const c = start(`api-${i + 1}`, [SERVER, '--role', 'api'], { ...env, PORT: String(p), HOST: '127.0.0.1' });
    return started(c, 'careline api started');
  }),
);
await Promise.all(
  Array.from({ length: WORKERS }, (_, i) =>
    started(start(`worker-${i + 1}`, [SERVER, '--role', 'worker'], env, WORKER_NODE_FLAGS), 'careline worker started'),
  ),
);
const cfg = readFileSync(join(ROOT, 'deploy/haproxy.cfg'), 'utf8')
  .replace('${LISTEN}', `127.0.0.1:${PORT}`)
  .replace('${SERVERS}', apiPorts.map((p, i) => `  server api-${i + 1} 127.0.0.1:${p} check`).join('\n'));
const cfgFile = join(work, 'haproxy.cfg');
writeFileSync(cfgFile, cfg);
const check = spawnSync('haproxy', ['-c', '-q', '-f', cfgFile], { encoding: 'utf8' });
if (check.error) throw new Error('haproxy not found: apt-get install haproxy (Debian 12 ships 2.6)');
if (check.status !== 0) throw new Error(`haproxy refused the configuration: ${check.stderr}`);
const lb = spawn('haproxy', ['-db', '-f', cfgFile], { stdio: ['ignore', 'inherit', 'inherit'] });
children.push(lb);
lb.once('exit', (code) => !stopping && (log(`haproxy exited (${code})`), stop(1)));
log(
  `ready: http://127.0.0.1:${PORT} → ${API} api process(es) on ${apiPorts.join(', ')}; ` +
    `${WORKERS} worker(s) (${WORKER_NODE_FLAGS.join(' ')}); LINE at ${env.LINE_API_BASE_URL}. Ctrl-C stops all.`,
);
