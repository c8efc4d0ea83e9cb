// `npm run bench -- <name>`: runs bench/<name>.ts, whose default export is
// `async function(): Promise<Record<string, unknown>>`, and prints the result as one JSON
// line, last on stdout (docs/contracts.md "Benchmark result line"). Everything else — progress, console.log from the
// benchmark — goes to stderr.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const benchDir = import.meta.dirname;

function available(): string[] {
  return readdirSync(benchDir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && e.name !== 'run.ts' && !e.name.endsWith('.d.ts'))
    .map((e) => e.name.slice(0, -3))
    .sort();
}

function usage(message: string): never {
  const names = available();
  process.stderr.write(
    `${message}\nusage: npm run bench -- <name>\navailable: ${names.length ? names.join(', ') : '(none yet)'}\n`,
  );
  process.exit(2);
}

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || name === '--help' || name === '-h' || name === '--list') usage('no benchmark named');
  if (!/^[a-z0-9][a-z0-9_-]*$/i.test(name) || !available().includes(name)) {
    usage(`unknown benchmark: ${name}`);
  }

  const mod = (await import(pathToFileURL(path.join(benchDir, `${name}.ts`)).href)) as {
    default?: unknown;
  };
  if (typeof mod.default !== 'function') {
    process.stderr.write(`bench/${name}.ts has no default export function\n`);
    process.exit(1);
  }

  // Keep stdout for the result line only.
  const stdoutLog = console.log;
  console.log = console.error;
  console.info = console.error;

  process.stderr.write(`[bench] ${name}: starting\n`);
  const started = performance.now();
  const raw = (await (mod.default as () => Promise<unknown>)()) as Record<string, unknown> | undefined;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    process.stderr.write(`[bench] ${name}: the benchmark returned no result object\n`);
    process.exit(1);
  }
  const result: Record<string, unknown> = { bench: name, ...raw };
  const missing = ['metric', 'value', 'unit', 'baseline', 'ratio'].filter((k) => !(k in result));
  if (missing.length) process.stderr.write(`[bench] ${name}: warning: result lacks ${missing.join(', ')}\n`);
  process.stderr.write(`[bench] ${name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

  console.log = stdoutLog;
  // One line, last on stdout; exit explicitly so a server left open by the benchmark
  // cannot keep the process alive.
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
}

main().catch((err: unknown) => {
  process.stderr.write(`[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
