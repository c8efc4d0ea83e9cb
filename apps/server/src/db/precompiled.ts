// Precompiled queries for hot paths (the session lookup of every back-office request, the API
// key of every HIS call). Building and compiling a Kysely query costs more than running it on
// SQLite; a precompiled query is built once per database handle with placeholder values, and
// each call only swaps the parameters in.
import { CompiledQuery, type Compilable, type Kysely } from 'kysely';
import type { DB } from './schema.ts';

const placeholder = (i: number) => `\u0000careline-param-${i}\u0000`;

/**
 * `build` receives one placeholder string per parameter and must use each of them as a plain
 * value (a `where(col, '=', p)` or an inserted value), never inside SQL text. Returns a runner
 * that executes the compiled query with the given values on the given database handle.
 */
export function precompiled<R>(arity: number, build: (db: Kysely<DB>, ...params: string[]) => Compilable<R>) {
  const holders = Array.from({ length: arity }, (_, i) => placeholder(i));
  const cache = new WeakMap<Kysely<DB>, { sql: string; slots: (number | { value: unknown })[] }>();
  return async (db: Kysely<DB>, ...args: string[]): Promise<R[]> => {
    if (args.length !== arity) throw new Error(`precompiled query takes ${arity} parameters, got ${args.length}`);
    let c = cache.get(db);
    if (!c) {
      const compiled = build(db, ...holders).compile();
      const slots = compiled.parameters.map((p) => {
        const i = typeof p === 'string' ? holders.indexOf(p) : -1;
        return i >= 0 ? i : { value: p };
      });
      const used = new Set(slots.filter((s) => typeof s === 'number'));
      if (used.size !== arity)
        throw new Error(`precompiled query uses ${used.size} of its ${arity} parameters: ${compiled.sql}`);
      c = { sql: compiled.sql, slots };
      cache.set(db, c);
    }
    const parameters = c.slots.map((s) => (typeof s === 'number' ? args[s] : s.value));
    const res = await db.executeQuery<R>(CompiledQuery.raw(c.sql, parameters));
    return res.rows;
  };
}
