// Merge (整併) of duplicate patients: candidates (same national-ID hash, same chart number,
// same phone + similar name), side-by-side review, merge with the chosen surviving values,
// full history kept (snapshots + audit) and undo within MERGE_UNDO_DAYS. Appointments, LINE
// bindings, tags and recalls move to the survivor; the HIS is told via `patient.merged`
// (and `patient.merge_undone`).
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { appointmentHisIds, appointmentIdsOfPatient, moveAppointments } from '../appointments/for-patients.ts';
import { bindingsOfPatients, moveBindings, restoreBindings } from '../binding/for-patients.ts';
import { reopenRecalls, skipOpenRecalls } from '../recalls/service.ts';
import { changeStatus } from '../status/service.ts';
import { copyManualTags, removeManualTags } from '../tags/service.ts';
import { emitWebhookEvent } from '../webhooks/service.ts';
import { maskPhone, nameKey, nationalDigits } from './grams.ts';
import { MERGE_FIELDS, type MergeField } from './merge-fields.ts';
import { mergeRepository, type CandidateMember } from './merges.repository.ts';
import { patientRepository, type PatientPatch } from './repository.ts';
import { syncPatientIndex } from './service.ts';
import type { PatientRow, PatientsTable } from './tables.ts';

export const MERGE_UNDO_DAYS = 7;

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

type Moved = {
  appointments: string[];
  bindings: string[];
  addedBindings: string[];
  addedTags: string[];
  recalls: string[];
};

const REASONS = [
  ['national_id_hash', 'national_id'],
  ['chart_no', 'chart_no'],
  ['phone_hash', 'phone_name'],
] as const;
type Reason = (typeof REASONS)[number][1];

export function mergeService(deps: Deps) {
  const db = deps.db;
  const repo = patientRepository(db);
  const merges = mergeRepository(db);

  async function side(clinicId: string, id: string): Promise<Side & { merged_into: string | null }> {
    const p = await repo.withProfile(clinicId, id);
    if (!p) throw errors.notFound('病患');
    const appts = await appointmentIdsOfPatient(db, clinicId, id);
    const binds = (await bindingsOfPatients(db, clinicId, [id])).get(id) ?? [];
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
      appointments: appts.length,
      lineBound: binds.length,
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
      const pairs = new Map<string, { a: CandidateMember; b: CandidateMember; reasons: Set<Reason> }>();
      const addPair = (a: CandidateMember, b: CandidateMember, reason: Reason) => {
        const k = [a.id, b.id].sort().join('|');
        const e = pairs.get(k) ?? { a, b, reasons: new Set<Reason>() };
        e.reasons.add(reason);
        pairs.set(k, e);
      };
      for (const [col, reason] of REASONS) {
        const groups = await merges.sharedValues(clinicId, col);
        for (let i = 0; i < groups.length; i += 500) {
          const members = await merges.membersOf(clinicId, col, groups.slice(i, i + 500));
          const byKey = new Map<string, CandidateMember[]>();
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
      const newest = (p: { a: CandidateMember; b: CandidateMember }) =>
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
      const undoUntil = new Date(now.getTime() + MERGE_UNDO_DAYS * 86_400_000).toISOString();
      const id = newId();
      await db.transaction().execute(async (trx) => {
        const tx = patientRepository(trx);
        const sRow = (await tx.get(clinicId, s.id))!;
        const mRow = (await tx.get(clinicId, m.id))!;
        const patch: Record<string, unknown> = {};
        for (const f of MERGE_FIELDS) if (input.take?.[f] === 'merged') for (const c of COLUMNS[f]) patch[c] = mRow[c];
        // Fields the survivor lacks are filled from the merged record.
        for (const f of MERGE_FIELDS)
          if (input.take?.[f] === undefined && sRow[COLUMNS[f][0]] === null && mRow[COLUMNS[f][0]] !== null)
            for (const c of COLUMNS[f]) patch[c] = mRow[c];
        if (Object.keys(patch).length)
          await tx.update(clinicId, s.id, { ...(patch as PatientPatch), updated_at: nowIso });

        const appointments = await appointmentIdsOfPatient(trx, clinicId, m.id);
        await moveAppointments(trx, clinicId, m.id, s.id, nowIso, appointments);
        const bindings = await moveBindings(trx, clinicId, m.id, s.id);
        const addedTags = await copyManualTags(trx, clinicId, m.id, s.id);
        const recalls = await skipOpenRecalls(trx, clinicId, m.id, '病患已整併', nowIso);
        await tx.setMergedInto(clinicId, m.id, s.id, nowIso);
        const moved: Moved = {
          appointments,
          bindings: bindings.moved,
          addedBindings: bindings.added,
          addedTags,
          recalls,
        };
        await mergeRepository(trx).insert({
          id,
          clinic_id: clinicId,
          survivor_id: s.id,
          merged_id: m.id,
          survivor_before: JSON.stringify({ patient: sRow, line_status: sRow.line_status }),
          merged_before: JSON.stringify({ patient: mRow }),
          chosen: JSON.stringify(input.take ?? {}),
          moved: JSON.stringify(moved),
          created_by: actor.label,
          created_at: nowIso,
          undo_until: undoUntil,
          undone_at: null,
          undone_by: null,
        });
        if (bindings.moved.length) {
          for (const [subjectId, to] of [
            [s.id, 'bound'],
            [m.id, 'unbound'],
          ] as const)
            await changeStatus(trx, deps, {
              clinicId,
              subject: 'patient',
              subjectId,
              light: 'line',
              to,
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
            movedAppointmentIds: await appointmentHisIds(trx, clinicId, appointments),
            undoUntil,
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
      const r = await merges.get(clinicId, id);
      if (!r) throw errors.notFound('整併紀錄');
      const moved = JSON.parse(r.moved) as Moved;
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
      const rows = await merges.list(clinicId);
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
      const r = await merges.get(clinicId, id);
      if (!r) throw errors.notFound('整併紀錄');
      if (r.undone_at) throw errors.conflict('ALREADY_UNDONE', '此整併已經復原過了');
      const now = deps.clock.now();
      if (now.toISOString() > r.undo_until)
        throw errors.conflict('UNDO_EXPIRED', `整併超過 ${MERGE_UNDO_DAYS} 天，已不能復原`);
      const nowIso = now.toISOString();
      const before = JSON.parse(r.survivor_before) as { patient: PatientRow; line_status: string };
      const mBefore = JSON.parse(r.merged_before) as { patient: PatientRow };
      const moved = JSON.parse(r.moved) as Moved;
      await db.transaction().execute(async (trx) => {
        const restore: Record<string, unknown> = {};
        for (const f of MERGE_FIELDS) for (const c of COLUMNS[f]) restore[c] = before.patient[c];
        await patientRepository(trx).update(clinicId, r.survivor_id, {
          ...(restore as PatientPatch),
          updated_at: nowIso,
        });
        await moveAppointments(trx, clinicId, r.survivor_id, r.merged_id, nowIso, moved.appointments);
        await restoreBindings(trx, clinicId, r.merged_id, r.survivor_id, {
          moved: moved.bindings,
          added: moved.addedBindings,
        });
        await removeManualTags(trx, clinicId, r.survivor_id, moved.addedTags);
        await reopenRecalls(trx, clinicId, moved.recalls, nowIso);
        await patientRepository(trx).setMergedInto(clinicId, r.merged_id, null, nowIso);
        await mergeRepository(trx).markUndone(clinicId, id, nowIso, actor.label);
        if (moved.bindings.length) {
          for (const [subjectId, to] of [
            [r.merged_id, mBefore.patient.line_status],
            [r.survivor_id, before.line_status],
          ])
            await changeStatus(trx, deps, {
              clinicId,
              subject: 'patient',
              subjectId,
              light: 'line',
              to,
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

function strip<T extends { merged_into: string | null }>(s: T): Omit<T, 'merged_into'> {
  const { merged_into: _m, ...rest } = s;
  return rest;
}
