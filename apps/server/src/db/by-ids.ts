// The clinic filter of a lookup by a list of primary keys.
//
// `WHERE clinic_id = ? AND id IN (…)` should walk the primary key, one probe per id. SQLite
// without table statistics (no ANALYZE has run) takes an index led by clinic_id instead — and in
// a clinic's own database that index matches every row: 12 ms per 500 ids at 100,000
// appointments, which held the reminder dispatcher at 80 % of LINE's rate (docs/benchmarks.md,
// reminders). Written as `clinic_id || '' = ?`, the term still keeps every other clinic's rows
// out, on both databases, but no index is considered for it, so the primary key is used.
import { sql, type Expression, type SqlBool } from 'kysely';

export function sameClinicById(clinicId: string): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref('clinic_id')} || '' = ${clinicId}`;
}
