// A worker process loads what it runs and no more: the HTTP app (Fastify, every route and
// schema), markdown-it (article pages) and argon2 (password checks) stay unloaded until an api
// process needs them. Each was measured at 14–30 MB of a worker's resident memory
// (docs/benchmarks.md "Worker memory").
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('.', import.meta.url));

describe('worker process imports', () => {
  it('loads neither the HTTP app nor markdown-it nor argon2', () => {
    const script = `
      import { registerHooks } from 'node:module';
      const seen = new Set();
      registerHooks({ resolve(s, c, next) { const r = next(s, c); seen.add(r.url); return r; } });
      await import(${JSON.stringify(SRC + 'jobs.ts')});
      await import(${JSON.stringify(SRC + 'modules/reminders/delivery.ts')});
      await import(${JSON.stringify(SRC + 'deps-factory.ts')});
      await import(${JSON.stringify(SRC + 'server.ts')});
      process.stdout.write(JSON.stringify([...seen]));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const urls = JSON.parse(r.stdout) as string[];
    expect(urls.length).toBeGreaterThan(50);
    const heavy = urls.filter((u) => /node_modules\/(fastify|markdown-it|@node-rs\/argon2)\/|\/src\/app\.ts$/.test(u));
    expect(heavy).toEqual([]);
  }, 60_000); // a Node process importing every job module: seconds on a loaded machine
});
