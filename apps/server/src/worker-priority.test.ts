// `server --role worker` gives itself the configured scheduling priority (WORKER_NICE), so the
// api's answers win the CPU where both share cores; `--role api` keeps the default. Real
// processes on a throw-away SQLite file, the priority read from the kernel.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';

const SERVER = join(import.meta.dirname, 'server.ts');
const KEY = Buffer.alloc(32, 7).toString('base64');
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A port nobody listens on now (the api needs one; 0 is not a valid PORT). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Starts a server process in the given role and resolves with its pid once it says it started. */
function start(role: 'api' | 'worker', env: Record<string, string> = {}): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'careline-nice-'));
  dirs.push(dir);
  const child = spawn(process.execPath, [SERVER, '--role', role], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'silent',
      ENCRYPTION_KEY: KEY,
      DATABASE_URL: `sqlite:${join(dir, 'c.db')}`,
      HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      if (out.includes(`careline ${role} started`)) resolve(child.pid!);
    });
    child.stderr!.on('data', (d) => (out += String(d)));
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

it('a worker runs at nice 10 by default, WORKER_NICE=0 leaves it, the api keeps the default', async () => {
  const base = getPriority();
  expect(getPriority(await start('worker'))).toBe(Math.max(base, 10));
  expect(getPriority(await start('worker', { WORKER_NICE: '0' }))).toBe(base);
  expect(getPriority(await start('api', { PORT: String(await freePort()) }))).toBe(base);
}, 60_000);
