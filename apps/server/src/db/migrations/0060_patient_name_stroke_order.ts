import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import type { Migration } from '../migrate.ts';
import { strokeSortKey } from '../../modules/patients/stroke-order.ts';

// The patient list sorts names in stroke order (筆畫), as people in Taiwan expect, and the same
// on SQLite and PostgreSQL: patients.name_sort holds a key computed in JS from the collator's
// order (modules/patients/stroke-order.ts) and both databases compare it as bytes (on
// PostgreSQL the column's collation is "C", whatever the database's default is). Existing
// names are keyed here; the patients repository writes the key with every name.
// The name-ordered covering index walks the key instead of the name; the id-driven covering
// index carries the key (to sort the candidates a name or phone search found) and keeps the
// name (the partial-name search verifies 3+ characters against it).
const m: Migration = {
  version: 60,
  name: 'patient_name_stroke_order',
  async up(db: Kysely<any>, dialect: Dialect) {
    await sql
      .raw(
        `alter table patients add column name_sort text not null default ''` +
          (dialect === 'postgres' ? ' collate "C"' : ''),
      )
      .execute(db);
    let after = '';
    for (;;) {
      const rows: { id: string; name: string }[] = await db
        .selectFrom('patients')
        .select(['id', 'name'])
        .where('id', '>', after)
        .orderBy('id')
        .limit(500)
        .execute();
      if (!rows.length) break;
      const cases = sql.join(
        rows.map((r) => sql`when ${r.id} then ${strokeSortKey(r.name)}`),
        sql` `,
      );
      const ids = sql.join(rows.map((r) => r.id));
      await sql`update patients set name_sort = case id ${cases} end where id in (${ids})`.execute(db);
      after = rows[rows.length - 1].id;
    }
    await db.schema.dropIndex('patients_name_sort').execute();
    await db.schema
      .createIndex('patients_name_sort')
      .on('patients')
      .columns(['clinic_id', 'name_sort', 'id', 'birth_date', 'line_status', 'last_visit_at'])
      .execute();
    await db.schema.dropIndex('patients_id_cover').execute();
    await db.schema
      .createIndex('patients_id_cover')
      .on('patients')
      .columns(['id', 'clinic_id', 'name_sort', 'birth_date', 'line_status', 'last_visit_at', 'name'])
      .execute();
  },
};
export default m;
