// Migrations that move data: start from the version before, write rows the old way, migrate,
// read them the new way. Runs on SQLite and (with TEST_DATABASE_URL) on PostgreSQL.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrate } from './migrator.ts';
import { emptyTestDatabase } from '../testing/helpers.ts';

describe('migrations', () => {
  it('0053 moves the visit summary from patient_profiles onto the patient row', async () => {
    const { database, close } = await emptyTestDatabase();
    try {
      const db = database.db;
      await migrate(database, () => {}, 52);
      const now = '2026-06-01T00:00:00.000Z';
      await sql`insert into clinics (id, name, created_at, updated_at) values ('c1', '測試診所', ${now}, ${now})`.execute(
        db,
      );
      for (const id of ['p1', 'p2', 'p3'])
        await sql`insert into patients (id, clinic_id, his_id, name, created_at, updated_at)
          values (${id}, 'c1', ${`H${id}`}, '王小明', ${now}, ${now})`.execute(db);
      await sql`insert into patient_profiles
        (patient_id, clinic_id, last_visit_at, next_visit_at, no_show_count, updated_at)
        values ('p1', 'c1', '2025-01-02T03:00:00.000Z', '2026-07-01T01:00:00.000Z', 2, ${now})`.execute(db);
      await sql`insert into patient_profiles (patient_id, clinic_id, updated_at) values ('p2', 'c1', ${now})`.execute(
        db,
      );
      // p3 has no profile yet (the refresh job creates it): its summary is empty.

      expect(await migrate(database)).toContain(53);
      const rows = await sql<{
        id: string;
        last_visit_at: string | null;
        next_visit_at: string | null;
        no_show_count: number | string;
      }>`select id, last_visit_at, next_visit_at, no_show_count from patients order by id`.execute(db);
      expect(rows.rows.map((r) => ({ ...r, no_show_count: Number(r.no_show_count) }))).toEqual([
        {
          id: 'p1',
          last_visit_at: '2025-01-02T03:00:00.000Z',
          next_visit_at: '2026-07-01T01:00:00.000Z',
          no_show_count: 2,
        },
        { id: 'p2', last_visit_at: null, next_visit_at: null, no_show_count: 0 },
        { id: 'p3', last_visit_at: null, next_visit_at: null, no_show_count: 0 },
      ]);
      // The profile keeps only its own columns.
      await expect(sql`select last_visit_at from patient_profiles`.execute(db)).rejects.toThrow();
      const profile = await sql<{
        patient_id: string;
      }>`select patient_id from patient_profiles order by patient_id`.execute(db);
      expect(profile.rows.map((r) => r.patient_id)).toEqual(['p1', 'p2']);
    } finally {
      await close();
    }
  });
});
