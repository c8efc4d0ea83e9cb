// Entry point: `server [--role api|worker|all]`. Reads the configuration (a bad value stops
// start-up with one line), opens and migrates the database, starts the role(s).
import { randomBytes } from 'node:crypto';
import { setPriority } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createDeps } from './deps-factory.ts';
import { jobDefinitions } from './jobs.ts';
import { startWorker, type Worker } from './platform/jobs.ts';
import { startReminderDispatcher, type Dispatcher } from './modules/reminders/delivery.ts';

export type Role = 'api' | 'worker' | 'all';

export function parseRole(argv: string[]): Role {
  const i = argv.indexOf('--role');
  const v = i >= 0 ? argv[i + 1] : 'all';
  if (v !== 'api' && v !== 'worker' && v !== 'all')
    throw new ConfigError('--role', `must be api, worker or all, got "${v}"`);
  return v;
}

/** Outside production a missing ENCRYPTION_KEY is generated once and kept next to the database. */
export function devEncryptionKey(env: Record<string, string | undefined>): string | undefined {
  if (env.ENCRYPTION_KEY || env.NODE_ENV === 'production') return undefined;
  const dir = resolve(env.CARELINE_DATA_DIR ?? './data');
  const file = resolve(dir, 'encryption.key');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

export const WEB_DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../../web/dist');

/**
 * A worker process lowers its own scheduling priority (WORKER_NICE, default 10): its jobs are
 * throughput, while the api's answers (LINE expects a webhook acknowledged within seconds, staff
 * wait on the back office) are latency. Where they share cores the api then wins the CPU; an idle
 * machine still gives the worker all of it. Raising priority back needs privileges, so 0 leaves it.
 */
export function lowerWorkerPriority(config: Config, log: (msg: string) => void): void {
  if (config.workerNice <= 0) return;
  try {
    setPriority(config.workerNice);
  } catch (err) {
    log(`careline worker: could not set nice ${config.workerNice}: ${(err as Error).message}`);
  }
}

export async function startServer(config: Config, role: Role): Promise<{ url: string | null; stop(): Promise<void> }> {
  const { deps, database } = await createDeps(config);
  if (role === 'worker') lowerWorkerPriority(config, (m) => deps.log.warn(m));
  let worker: Worker | null = null;
  let url: string | null = null;
  // a worker never serves HTTP: the app's routes, schemas and their libraries stay unloaded (~30 MB)
  const app = role === 'worker' ? null : await (await import('./app.ts')).buildApp(deps);
  if (app) url = await app.listen({ port: config.port, host: config.host });
  if (role !== 'api')
    worker = startWorker(deps, jobDefinitions(), {
      workerId: `worker-${process.pid}-${randomBytes(3).toString('hex')}`,
    });
  const reminders: Dispatcher | null =
    role !== 'api'
      ? startReminderDispatcher(deps, { workerId: `reminders-${process.pid}-${randomBytes(3).toString('hex')}` })
      : null;
  return {
    url,
    async stop() {
      await worker?.stop();
      await reminders?.stop();
      await app?.close();
      await database.close();
    },
  };
}

async function main(): Promise<void> {
  let config: Config;
  let role: Role;
  try {
    role = parseRole(process.argv.slice(2));
    const env = { ...process.env };
    if (!env.WEB_DIST_DIR && existsSync(resolve(WEB_DIST, 'index.html'))) env.WEB_DIST_DIR = WEB_DIST;
    config = loadConfig(env, { encryptionKey: devEncryptionKey(env) });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`careline: configuration error: ${err.message}\n`);
      process.exit(78);
    }
    throw err;
  }
  const s = await startServer(config, role);
  process.stdout.write(`careline ${role} started${s.url ? ` on ${s.url}` : ''}\n`);
  const shutdown = () => {
    s.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
