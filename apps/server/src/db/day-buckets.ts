// Counting rows per day of a clinic's time zone with the same SQL on SQLite and PostgreSQL.
//
// SQLite has no time zones, and PostgreSQL's would read the text timestamps differently, so the
// days are not computed in SQL: the caller passes the instants at which each local day starts
// (platform/time.ts, in the clinic's zone, DST included) and the query numbers each row by the
// interval its ISO-8601 UTC text falls into — plain text comparisons, identical on both
// databases (timestamps are fixed-format UTC text, docs/architecture.md).
import { sql, type RawBuilder } from 'kysely';

/**
 * `CASE WHEN col < b1 THEN 0 WHEN col < b2 THEN 1 … END`: the index i of the interval
 * [bounds[i], bounds[i+1]) holding the row; the caller keeps rows outside [bounds[0], bounds[n]) out.
 */
export function bucketOf(column: string, bounds: string[]): RawBuilder<number> {
  if (bounds.length < 2) throw new Error('bucketOf needs at least two bounds');
  const ref = sql.ref(column);
  return sql<number>`CASE ${sql.join(
    bounds.slice(1).map((b, i) => sql`WHEN ${ref} < ${b} THEN ${sql.lit(i)}`),
    sql` `,
  )} END`;
}
