// Checks that every table is touched only by its owning module's repository, as declared in
// docs/architecture.md ("Table ownership" and "Declared read joins"): the document is the
// single source, so the picture and the code cannot drift apart.
//
// SQL is found in Kysely calls (selectFrom, updateTable, insertInto, deleteFrom, mergeInto,
// the joins), in raw sql`…` templates (FROM / JOIN / UPDATE / INTO / DELETE FROM) and in plain
// strings that start with a statement (the synchronous statements of db/connection.ts). A
// repository is a module's repository.ts, a *.repository.ts file or a file under its
// repository/ folder; platform owners (platform/jobs.ts, …) are their own repository.
// Migrations, tests and the test helpers are exempt: they set up and inspect tables.
//
//   npx node scripts/check-ownership.ts            fails on any undeclared use
//   npx node scripts/check-ownership.ts --report   lists every use by table
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const SRC = join(ROOT, 'apps/server/src');
const DOC = join(ROOT, 'docs/architecture.md');
const report = process.argv.includes('--report');

/** Rows of the first markdown table under a heading, as arrays of cell texts. */
function tableUnder(markdown: string, heading: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => /^#+\s/.test(l) && l.replace(/^#+\s*/, '').startsWith(heading));
  if (start < 0) throw new Error(`docs/architecture.md has no heading "${heading}"`);
  const rows: string[][] = [];
  let inTable = false;
  for (const line of lines.slice(start + 1)) {
    if (/^#+\s/.test(line)) break;
    if (line.trim().startsWith('|')) {
      inTable = true;
      const cells = line
        .trim()
        .replace(/^\||\|$/g, '')
        .split('|')
        .map((c) => c.trim());
      if (cells.every((c) => /^:?-+:?$/.test(c))) continue;
      rows.push(cells);
    } else if (inTable) break;
  }
  return rows.slice(1); // without the header row
}

const codes = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

const doc = readFileSync(DOC, 'utf8');
/** table → the owner's location: `modules/<name>` or a platform file such as `platform/jobs.ts`. */
const owner = new Map<string, string>();
for (const [tables, who] of tableUnder(doc, 'Table ownership')) {
  const [place] = codes(who);
  if (!place) throw new Error(`ownership row without an owner in backticks: ${tables} | ${who}`);
  for (const t of codes(tables)) owner.set(t, place);
}
/** "file|table" pairs a repository may read (never write) although another module owns the table. */
const readJoins = new Set<string>();
for (const [file, tables] of tableUnder(doc, 'Declared read joins')) {
  const [f] = codes(file);
  for (const t of codes(tables)) readJoins.add(`${f}|${t}`);
}

const KYSELY_CALLS = [
  'selectFrom',
  'updateTable',
  'insertInto',
  'replaceInto',
  'deleteFrom',
  'mergeInto',
  'innerJoin',
  'leftJoin',
  'rightJoin',
  'fullJoin',
  'crossJoin',
];
const KYSELY = new RegExp(`\\b(${KYSELY_CALLS.join('|')})\\(\\s*['"\`]([a-z_]+)`, 'g');
const WRITES = new Set(['updateTable', 'insertInto', 'replaceInto', 'deleteFrom', 'mergeInto']);
const RAW_SQL = /\bsql(?:<[^`]*?>)?`([^`]*)`/gs;
const RAW_TABLE = /\b(from|join|update|into)\s+([a-z_]+)/gi;
// SQL text in a plain string (the synchronous statements of db/connection.ts): a string that
// starts with a statement's verb, up to the end of its line.
const SQL_TEXT = /['"`]\s*((?:insert\s+into|update|delete\s+from|select)\s[^\n]*)/gi;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const exempt = (file: string) =>
  file.endsWith('.test.ts') || file.startsWith('db/migrations/') || file.startsWith('testing/');

function isRepositoryOf(file: string, place: string): boolean {
  if (place.endsWith('.ts')) return file === place;
  if (!file.startsWith(`${place}/`)) return false;
  const rest = file.slice(place.length + 1);
  return rest === 'repository.ts' || rest.endsWith('.repository.ts') || rest.startsWith('repository/');
}

type Use = { file: string; line: number; table: string; write: boolean };
const uses: Use[] = [];
for (const path of walk(SRC)) {
  const file = relative(SRC, path);
  if (exempt(file)) continue;
  const text = readFileSync(path, 'utf8');
  const lineOf = (index: number) => text.slice(0, index).split('\n').length;
  for (const m of text.matchAll(KYSELY)) {
    uses.push({ file, line: lineOf(m.index), table: m[2], write: WRITES.has(m[1]) });
  }
  for (const m of text.matchAll(SQL_TEXT)) {
    const t = /^(?:insert\s+(into)|(update)|delete\s+(from)|select\s.*?\b(from))\s+([a-z_]+)/i.exec(m[1]);
    if (!t || !owner.has(t[5])) continue;
    uses.push({ file, line: lineOf(m.index), table: t[5], write: !t[4] });
  }
  for (const m of text.matchAll(RAW_SQL)) {
    for (const t of m[1].matchAll(RAW_TABLE)) {
      if (!owner.has(t[2])) continue; // a column, alias or keyword after FROM (e.g. EXTRACT(… FROM x))
      const write = /^(update|into)$/i.test(t[1]) || /delete\s+$/i.test(m[1].slice(0, t.index));
      uses.push({ file, line: lineOf(m.index + t.index), table: t[2], write });
    }
  }
}

const problems: string[] = [];
for (const u of uses) {
  const place = owner.get(u.table);
  if (!place) {
    problems.push(`${u.file}:${u.line}: table ${u.table} has no owner in docs/architecture.md`);
    continue;
  }
  if (isRepositoryOf(u.file, place)) continue;
  if (!u.write && readJoins.has(`${u.file}|${u.table}`)) continue;
  const what = u.write ? 'writes' : 'reads';
  problems.push(`${u.file}:${u.line}: ${what} ${u.table}, owned by ${place} (only its repository runs SQL on it)`);
}

if (report) {
  const byTable = new Map<string, Set<string>>();
  for (const u of uses) byTable.set(u.table, (byTable.get(u.table) ?? new Set()).add(u.file));
  for (const [t, files] of [...byTable].sort())
    console.log(`${t} (${owner.get(t) ?? 'no owner'}): ${[...files].join(', ')}`);
  console.log('');
}
if (problems.length) {
  console.log(problems.join('\n'));
  console.log(`\n${problems.length} use(s) of a table outside its owner's repository (docs/architecture.md).`);
  process.exit(1);
}
console.log(`${uses.length} table uses in apps/server/src: each in its owner's repository or a declared read join`);
