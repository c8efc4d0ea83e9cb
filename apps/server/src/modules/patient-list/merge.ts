// Merge (整併) of duplicate patients: candidates (same national-ID hash, same chart number,
// same phone + similar name), side-by-side review, merge with the chosen surviving values,
// full history kept (snapshots + audit) and undo within MERGE_UNDO_DAYS. Appointments, LINE
// bindings, tags and recalls move to the survivor; the HIS is told via `patient.merged`
// (and `patient.merge_undone`).
import { sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import type { PatientRow, PatientsTable } from '../patients/tables.ts';
import { changeStatus } from '../status/service.ts';
import { emitWebhookEvent } from '../webhooks/service.ts';
import { nameKey, nationalDigits } from './grams.ts';
import { maskPhone } from './search.ts';
import { syncPatientIndex } from './sync.ts';

export const MERGE_UNDO_DAYS = 7;
export const MERGE_FIELDS = ['name', 'chartNo', 'gender', 'birthDate', 'phone', 'nationalId'] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];

const COLUMNS: Record<MergeField, (keyof PatientsTable)[]> = {
  name: ['name'],
  chartNo: ['chart_no'],
  gender: ['gender'],
  birthDate: ['birth_date'],
  phone: ['phone_e164', 'phone_is_mobile', 'phone_hash'],
  nationalId: ['national_id_enc', 'national_id_hash', 'national_id_masked'],
};

/** Levenshtein distance on code points (names are short). */
function distance(a: string, b: string): number {
  const x = [...a],
    y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length];
}

/** Whether a candidate patient matches the merge page's search box (name part, chart number, phone digits). */
function candidateMatcher(
  q: string | undefined,
): (m: { name: string; chart_no: string | null; phone_e164: string | null }) => boolean {
  const text = q?.trim();
  if (!text) return () => true;
  const key = nameKey(text);
  const digits = nationalDigits(text);
  return (m) =>
    nameKey(m.name).includes(key) ||
    (!!m.chart_no && m.chart_no.toLowerCase().startsWith(text.toLowerCase())) ||
    (digits.length >= 3 && !!m.phone_e164 && nationalDigits(m.phone_e164).includes(digits));
}

export const similarNames = (a: string, b: string): boolean => {
  const ka = nameKey(a),
    kb = nameKey(b);
  return ka === kb || (distance(ka, kb) <= 1 && [...ka][0] === [...kb][0]);
};

type Side = {
  id: string;
  hisId: string;
  name: string;
  chartNo: string | null;
  gender: string | null;
  birthDate: string | null;
  phoneMasked: string | null;
  nationalIdMasked: string | null;
  source: string;
  appointments: number;
  lineBound: number;
};

export function mergeService(deps: Deps) {
  const db = deps.db;

  async function side(clinicId: string, id: string): Promise<Side & { merged_into: string | null }> {
    const p = await db
      .selectFrom('patients as p')
      .innerJoin('patient_profiles as pp', 'pp.patient_id', 'p.id')
      .selectAll('p')
      .select(['pp.source', 'pp.merged_into'])
      .where('p.clinic_id', '=', clinicId)
      .where('p.id', '=', id)
      .executeTakeFirst();
    if (!p) throw errors.notFound('病患');
    const appts = await db
      .selectFrom('appointments')
      .select(db.fn.countAll<number>().as('n'))
      .where('clinic_id', '=', clinicId)
      .where('patient_id', '=', id)
      .executeTakeFirst();
    const binds = await db
      .selectFrom('line_bindings')
      .select(db.fn.countAll<number>().as('n'))
      .where('clinic_id', '=', clinicId)
      .where('patient_id', '=', id)
      .executeTakeFirst();
    return {
      id: p.id,
      hisId: p.his_id,
      name: p.name,
      chartNo: p.chart_no,
      gender: p.gender,
      birthDate: p.birth_date,
      phoneMasked: maskPhone(p.phone_e164),
      nationalIdMasked: p.national_id_masked,
      source: p.source,
      appointments: Number(appts?.n ?? 0),
      lineBound: Number(binds?.n ?? 0),
      merged_into: p.merged_into,
    };
  }

  return {
    /**
     * Likely duplicates, strongest first (more reasons), then the newest pair first (a new
     * record duplicating an old one is what needs attention). `q` keeps the pairs where either
     * patient's name contains it, or the chart number / phone digits match (a clinic of thousands
     * has dozens of siblings sharing a phone).
     */
    async candidates(clinicId: string, opts: { q?: string; limit?: number } = {}) {
      const limit = opts.limit ?? 50;
      type Member = {
        id: string;
        name: string;
        chart_no: string | null;
        phone_e164: string | null;
        created_at: string;
      };
      const pairs = new Map<string, { a: Member; b: Member; reasons: Set<string> }>();
      const addPair = (a: Member, b: Member, reason: string) => {
        const k = [a.id, b.id].sort().join('|');
        const e = pairs.get(k) ?? { a, b, reasons: new Set<string>() };
        e.reasons.add(reason);
        pairs.set(k, e);
      };
      const live = () =>
        db
          .selectFrom('patients as p')
          .innerJoin('patient_profiles as pp', 'pp.patient_id', 'p.id')
          .where('p.clinic_id', '=', clinicId)
          .where('pp.merged_into', 'is', null);
      for (const [col, reason] of [
        ['national_id_hash', 'national_id'],
        ['chart_no', 'chart_no'],
        ['phone_hash', 'phone_name'],
      ] as const) {
        const groups = await live()
          .select(sql<string>`p.${sql.ref(col)}`.as('k'))
          .where(`p.${col}`, 'is not', null)
          .groupBy(`p.${col}`)
          .having(sql`count(*)`, '>', 1)
          .limit(5000)
          .execute();
        for (let i = 0; i < groups.length; i += 500) {
          const members = await live()
            .select([
              'p.id',
              'p.name',
              'p.chart_no',
              'p.phone_e164',
              'p.created_at',
              sql<string>`p.${sql.ref(col)}`.as('k'),
            ])
            .where(
              `p.${col}`,
              'in',
              groups.slice(i, i + 500).map((g) => g.k),
            )
            .orderBy('p.created_at')
            .execute();
          const byKey = new Map<string, Member[]>();
          for (const m of members) byKey.set(m.k, [...(byKey.get(m.k) ?? []), m]);
          for (const list of byKey.values()) {
            for (let x = 0; x < list.length; x++)
              for (let y = x + 1; y < list.length; y++) {
                if (reason !== 'phone_name' || similarNames(list[x].name, list[y].name))
                  addPair(list[x], list[y], reason);
              }
          }
        }
      }
      const matches = candidateMatcher(opts.q);
      const newest = (p: { a: Member; b: Member }) =>
        p.a.created_at > p.b.created_at ? p.a.created_at : p.b.created_at;
      const all = [...pairs.values()]
        .filter((p) => matches(p.a) || matches(p.b))
        .sort((x, y) => y.reasons.size - x.reasons.size || newest(y).localeCompare(newest(x)));
      const items = [];
      for (const p of all.slice(0, limit))
        items.push({
          a: strip(await side(clinicId, p.a.id)),
          b: strip(await side(clinicId, p.b.id)),
          reasons: [...p.reasons],
        });
      return { items, total: all.length };
    },

    async compare(clinicId: string, a: string, b: string) {
      return { a: strip(await side(clinicId, a)), b: strip(await side(clinicId, b)) };
    },

    async merge(
      clinicId: string,
      input: { survivorId: string; mergedId: string; take?: Partial<Record<MergeField, 'survivor' | 'merged'>> },
      actor: Actor,
      ip: string,
    ) {
      if (input.survivorId === input.mergedId)
        throw errors.validation([{ field: 'mergedId', code: 'same', message: '不能與自己整併' }]);
      const s = await side(clinicId, input.survivorId);
      const m = await side(clinicId, input.mergedId);
      if (s.merged_into || m.merged_into)
        throw errors.conflict('ALREADY_MERGED', '其中一位病患已被整併，請重新整理後再試');
      const now = deps.clock.now();
      const nowIso = now.toISOString();
      const id = newId();
      await db.transaction().execute(async (trx) => {
        const sRow = await trx
          .selectFrom('patients')
          .selectAll()
          .where('clinic_id', '=', clinicId)
          .where('id', '=', s.id)
          .executeTakeFirstOrThrow();
        const mRow = await trx
          .selectFrom('patients')
          .selectAll()
          .where('clinic_id', '=', clinicId)
          .where('id', '=', m.id)
          .executeTakeFirstOrThrow();
        const patch: Record<string, unknown> = {};
        for (const f of MERGE_FIELDS) if (input.take?.[f] === 'merged') for (const c of COLUMNS[f]) patch[c] = mRow[c];
        // Fields the survivor lacks are filled from the merged record.
        for (const f of MERGE_FIELDS)
          if (input.take?.[f] === undefined && sRow[COLUMNS[f][0]] === null && mRow[COLUMNS[f][0]] !== null)
            for (const c of COLUMNS[f]) patch[c] = mRow[c];
        if (Object.keys(patch).length)
          await trx
            .updateTable('patients')
            .set({ ...patch, updated_at: nowIso })
            .where('clinic_id', '=', clinicId)
            .where('id', '=', s.id)
            .execute();

        const appts = await trx
          .selectFrom('appointments')
          .select('id')
          .where('clinic_id', '=', clinicId)
          .where('patient_id', '=', m.id)
          .execute();
        if (appts.length)
          await trx
            .updateTable('appointments')
            .set({ patient_id: s.id, updated_at: nowIso })
            .where('clinic_id', '=', clinicId)
            .where('patient_id', '=', m.id)
            .execute();
        const binds = await trx
          .selectFrom('line_bindings')
          .selectAll()
          .where('clinic_id', '=', clinicId)
          .where('patient_id', '=', m.id)
          .execute();
        const addedBindings: string[] = [];
        for (const b of binds) {
          const r = await trx
            .insertInto('line_bindings')
            .values({ ...b, patient_id: s.id })
            .onConflict((oc) => oc.doNothing())
            .executeTakeFirst();
          if (Number(r.numInsertedOrUpdatedRows ?? 0)) addedBindings.push(b.line_user_id);
        }
        await trx
          .deleteFrom('line_bindings')
          .where('clinic_id', '=', clinicId)
          .where('patient_id', '=', m.id)
          .execute();
        const tags = await trx
          .selectFrom('patient_tags')
          .selectAll()
          .where('clinic_id', '=', clinicId)
          .where('patient_id', '=', m.id)
          .where('source', '=', 'manual')
          .execute();
        const addedTags: string[] = [];
        for (const t of tags) {
          const r = await trx
            .insertInto('patient_tags')
            .values({ ...t, patient_id: s.id })
            .onConflict((oc) => oc.doNothing())
            .executeTakeFirst();
          if (Number(r.numInsertedOrUpdatedRows ?? 0)) addedTags.push(t.tag_id);
        }
        const recalls = await trx
          .selectFrom('recalls')
          .select('id')
          .where('clinic_id', '=', clinicId)
          .where('patient_id', '=', m.id)
          .where('status', 'in', ['due', 'sent'])
          .execute();
        if (recalls.length)
          await trx
            .updateTable('recalls')
            .set({ status: 'skipped', note: '病患已整併', updated_at: nowIso })
            .where(
              'id',
              'in',
              recalls.map((r) => r.id),
            )
            .execute();

        await trx
          .updateTable('patient_profiles')
          .set({ merged_into: s.id, merged_at: nowIso, updated_at: nowIso })
          .where('clinic_id', '=', clinicId)
          .where('patient_id', '=', m.id)
          .execute();
        const sBefore = { patient: sRow, line_status: sRow.line_status };
        await trx
          .insertInto('patient_merges')
          .values({
            id,
            clinic_id: clinicId,
            survivor_id: s.id,
            merged_id: m.id,
            survivor_before: JSON.stringify(sBefore),
            merged_before: JSON.stringify({ patient: mRow }),
            chosen: JSON.stringify(input.take ?? {}),
            moved: JSON.stringify({
              appointments: appts.map((a) => a.id),
              bindings: binds.map((b) => b.line_user_id),
              addedBindings,
              addedTags,
              recalls: recalls.map((r) => r.id),
            }),
            created_by: actor.label,
            created_at: nowIso,
            undo_until: new Date(now.getTime() + MERGE_UNDO_DAYS * 86_400_000).toISOString(),
            undone_at: null,
            undone_by: null,
          })
          .execute();
        if (binds.length) {
          await changeStatus(trx, deps, {
            clinicId,
            subject: 'patient',
            subjectId: s.id,
            light: 'line',
            to: 'bound',
            source: 'staff',
            actor,
            reason: '病患整併',
          });
          await changeStatus(trx, deps, {
            clinicId,
            subject: 'patient',
            subjectId: m.id,
            light: 'line',
            to: 'unbound',
            source: 'staff',
            actor,
            reason: '病患整併',
          });
        }
        await syncPatientIndex(trx, clinicId, [s.id, m.id], nowIso);
        await emitWebhookEvent(trx, deps, {
          clinicId,
          type: 'patient.merged',
          orderingKey: `patient:${s.hisId}`,
          data: {
            mergeId: id,
            survivingPatientId: s.hisId,
            mergedPatientId: m.hisId,
            movedAppointmentIds: await hisIdsOf(
              trx,
              clinicId,
              appts.map((a) => a.id),
            ),
            undoUntil: new Date(now.getTime() + MERGE_UNDO_DAYS * 86_400_000).toISOString(),
          },
        });
      });
      for (const [pid, role] of [
        [s.id, 'survivor'],
        [m.id, 'merged'],
      ] as const) {
        await recordAudit(db, deps.clock, {
          clinicId,
          actor,
          action: 'patient.merged',
          entityType: 'patient',
          entityId: pid,
          detail: { mergeId: id, role, survivor: s.hisId, merged: m.hisId, take: input.take ?? {} },
          ip,
        });
      }
      return this.getMerge(clinicId, id);
    },

    async getMerge(clinicId: string, id: string) {
      const r = await db
        .selectFrom('patient_merges')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!r) throw errors.notFound('整併紀錄');
      const moved = JSON.parse(r.moved) as { appointments: string[]; bindings: string[] };
      return {
        id: r.id,
        survivorId: r.survivor_id,
        mergedId: r.merged_id,
        createdAt: r.created_at,
        createdBy: r.created_by,
        undoUntil: r.undo_until,
        undoneAt: r.undone_at,
        movedAppointments: moved.appointments.length,
        movedBindings: moved.bindings.length,
        chosen: JSON.parse(r.chosen) as Record<string, string>,
      };
    },

    async listMerges(clinicId: string) {
      const rows = await db
        .selectFrom('patient_merges as m')
        .innerJoin('patients as s', 's.id', 'm.survivor_id')
        .innerJoin('patients as d', 'd.id', 'm.merged_id')
        .select([
          'm.id',
          'm.survivor_id',
          'm.merged_id',
          'm.created_at',
          'm.created_by',
          'm.undo_until',
          'm.undone_at',
          's.name as survivor_name',
          'd.name as merged_name',
        ])
        .where('m.clinic_id', '=', clinicId)
        .orderBy('m.created_at', 'desc')
        .limit(100)
        .execute();
      return {
        items: rows.map((r) => ({
          id: r.id,
          survivorId: r.survivor_id,
          mergedId: r.merged_id,
          survivorName: r.survivor_name,
          mergedName: r.merged_name,
          createdAt: r.created_at,
          createdBy: r.created_by,
          undoUntil: r.undo_until,
          undoneAt: r.undone_at,
        })),
      };
    },

    async undo(clinicId: string, id: string, actor: Actor, ip: string) {
      const r = await db
        .selectFrom('patient_merges')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!r) throw errors.notFound('整併紀錄');
      if (r.undone_at) throw errors.conflict('ALREADY_UNDONE', '此整併已經復原過了');
      const now = deps.clock.now();
      if (now.toISOString() > r.undo_until)
        throw errors.conflict('UNDO_EXPIRED', `整併超過 ${MERGE_UNDO_DAYS} 天，已不能復原`);
      const nowIso = now.toISOString();
      const before = JSON.parse(r.survivor_before) as { patient: PatientRow; line_status: string };
      const mBefore = JSON.parse(r.merged_before) as { patient: PatientRow };
      const moved = JSON.parse(r.moved) as {
        appointments: string[];
        bindings: string[];
        addedBindings: string[];
        addedTags: string[];
        recalls: string[];
      };
      await db.transaction().execute(async (trx) => {
        const restore: Record<string, unknown> = {};
        for (const f of MERGE_FIELDS) for (const c of COLUMNS[f]) restore[c] = before.patient[c];
        await trx
          .updateTable('patients')
          .set({ ...restore, updated_at: nowIso })
          .where('clinic_id', '=', clinicId)
          .where('id', '=', r.survivor_id)
          .execute();
        if (moved.appointments.length)
          await trx
            .updateTable('appointments')
            .set({ patient_id: r.merged_id, updated_at: nowIso })
            .where('clinic_id', '=', clinicId)
            .where('patient_id', '=', r.survivor_id)
            .where('id', 'in', moved.appointments)
            .execute();
        for (const lineUserId of moved.bindings) {
          const b = await trx
            .selectFrom('line_bindings')
            .selectAll()
            .where('clinic_id', '=', clinicId)
            .where('line_user_id', '=', lineUserId)
            .where('patient_id', '=', r.survivor_id)
            .executeTakeFirst();
          if (!b) continue;
          await trx
            .insertInto('line_bindings')
            .values({ ...b, patient_id: r.merged_id })
            .onConflict((oc) => oc.doNothing())
            .execute();
          if (moved.addedBindings.includes(lineUserId))
            await trx
              .deleteFrom('line_bindings')
              .where('clinic_id', '=', clinicId)
              .where('line_user_id', '=', lineUserId)
              .where('patient_id', '=', r.survivor_id)
              .execute();
        }
        if (moved.addedTags.length)
          await trx
            .deleteFrom('patient_tags')
            .where('clinic_id', '=', clinicId)
            .where('patient_id', '=', r.survivor_id)
            .where('tag_id', 'in', moved.addedTags)
            .where('source', '=', 'manual')
            .execute();
        if (moved.recalls.length)
          await trx
            .updateTable('recalls')
            .set({ status: 'due', note: '', updated_at: nowIso })
            .where('id', 'in', moved.recalls)
            .where('status', '=', 'skipped')
            .execute();
        await trx
          .updateTable('patient_profiles')
          .set({ merged_into: null, merged_at: null, updated_at: nowIso })
          .where('clinic_id', '=', clinicId)
          .where('patient_id', '=', r.merged_id)
          .execute();
        await trx
          .updateTable('patient_merges')
          .set({ undone_at: nowIso, undone_by: actor.label })
          .where('id', '=', id)
          .execute();
        if (moved.bindings.length) {
          await changeStatus(trx, deps, {
            clinicId,
            subject: 'patient',
            subjectId: r.merged_id,
            light: 'line',
            to: mBefore.patient.line_status,
            source: 'staff',
            actor,
            reason: '復原整併',
          });
          await changeStatus(trx, deps, {
            clinicId,
            subject: 'patient',
            subjectId: r.survivor_id,
            light: 'line',
            to: before.line_status,
            source: 'staff',
            actor,
            reason: '復原整併',
          });
        }
        await syncPatientIndex(trx, clinicId, [r.survivor_id, r.merged_id], nowIso);
        await emitWebhookEvent(trx, deps, {
          clinicId,
          type: 'patient.merge_undone',
          orderingKey: `patient:${before.patient.his_id}`,
          data: { mergeId: id, survivingPatientId: before.patient.his_id, mergedPatientId: mBefore.patient.his_id },
        });
      });
      for (const pid of [r.survivor_id, r.merged_id])
        await recordAudit(db, deps.clock, {
          clinicId,
          actor,
          action: 'patient.merge_undone',
          entityType: 'patient',
          entityId: pid,
          detail: { mergeId: id },
          ip,
        });
      return this.getMerge(clinicId, id);
    },
  };
}

async function hisIdsOf(trx: Transaction<DB>, clinicId: string, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  return (
    await trx
      .selectFrom('appointments')
      .select('his_id')
      .where('clinic_id', '=', clinicId)
      .where('id', 'in', ids.slice(0, 500))
      .execute()
  ).map((r) => r.his_id);
}

function strip<T extends { merged_into: string | null }>(s: T): Omit<T, 'merged_into'> {
  const { merged_into: _m, ...rest } = s;
  return rest;
}
