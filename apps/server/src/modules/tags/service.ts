// Tags (manual and rule-based automatic ones, recomputed by a job) and saved segments.
// `resolveSegment` is what broadcasts and questionnaires call to get their audience; the
// patients module reads and moves tag assignments through the functions below.
import { TAGS_ADDED } from './added.ts';
import { Type } from 'typebox';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { enqueueJob, jobType } from '../../platform/jobs.ts';
import {
  assertPatientsExist,
  matchingPatientIds,
  searchCtx,
  searchPatientPage,
  type Db,
  type PatientFilter,
} from '../patients/service.ts';
import { toListItem } from '../patients/list-item.ts';
import { tagRepository, type TagRow } from './repository.ts';

/** Recomputes the clinic's automatic tags; with `repeat` it schedules the next hour's run (jobs.ts runs it). */
export const TAG_RECOMPUTE = jobType({
  type: 'patients.tags.recompute',
  defaults: { priority: 'bulk' },
  payload: Type.Object({ clinicId: Type.String(), repeat: Type.Optional(Type.Boolean()) }),
});

/** Conditions of an automatic tag; the same shape as a segment's (a subset of the list filter). */
export type TagRule = Pick<
  PatientFilter,
  | 'visitType'
  | 'treatmentCode'
  | 'ageMin'
  | 'ageMax'
  | 'lastVisitDaysAgo'
  | 'lastVisitBefore'
  | 'noShowMin'
  | 'gender'
  | 'lineStatus'
>;

export type PatientTag = { id: string; name: string; color: string; source: string };

const toTag = (r: TagRow, count?: number) => ({
  id: r.id,
  name: r.name,
  color: r.color,
  kind: r.kind,
  rule: r.rule ? (JSON.parse(r.rule) as TagRule) : null,
  recomputedAt: r.recomputed_at,
  count: count ?? 0,
});

/** The next hourly recompute of a clinic's automatic tags (one job per clinic and hour). */
export const scheduleTagRecompute = (deps: Deps, clinicId: string) => {
  const next = new Date(deps.clock.now().getTime() + 3_600_000);
  return enqueueJob(
    deps.db,
    deps.clock,
    TAG_RECOMPUTE,
    { clinicId, repeat: true },
    { clinicId, runAt: next, idempotencyKey: `tags:${clinicId}:${next.toISOString().slice(0, 13)}` },
  );
};

export function tagService(deps: Deps) {
  const db = deps.db;
  const repo = tagRepository(db);
  const getTag = async (clinicId: string, id: string) => {
    const t = await repo.get(clinicId, id);
    if (!t) throw errors.notFound('標籤');
    return t;
  };

  return {
    async list(clinicId: string) {
      const rows = await repo.list(clinicId);
      const byId = new Map((await repo.counts(clinicId)).map((c) => [c.tag_id, Number(c.n)]));
      return { items: rows.map((r) => toTag(r, byId.get(r.id))) };
    },

    async create(
      clinicId: string,
      input: { name: string; color?: string; rule?: TagRule | null },
      actor: Actor,
      ip: string,
    ) {
      const now = deps.clock.now().toISOString();
      const name = input.name.trim();
      if (await repo.byName(clinicId, name))
        throw errors.validation([{ field: 'name', code: 'duplicate', message: '已有同名的標籤' }]);
      const id = newId();
      await repo.insert({
        id,
        clinic_id: clinicId,
        name,
        color: input.color ?? 'blue',
        kind: input.rule ? 'auto' : 'manual',
        rule: input.rule ? JSON.stringify(input.rule) : null,
        recomputed_at: null,
        created_at: now,
        updated_at: now,
      });
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'tag.created',
        entityType: 'tag',
        entityId: id,
        detail: { name, rule: input.rule ?? null },
        ip,
      });
      if (input.rule) {
        await recomputeTag(deps, clinicId, id);
        await scheduleTagRecompute(deps, clinicId);
      }
      return toTag(await getTag(clinicId, id), await repo.count(clinicId, id));
    },

    async remove(clinicId: string, id: string, actor: Actor, ip: string) {
      const t = await getTag(clinicId, id);
      await db.transaction().execute((trx) => tagRepository(trx).remove(clinicId, id));
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'tag.deleted',
        entityType: 'tag',
        entityId: id,
        detail: { name: t.name },
        ip,
      });
    },

    async assign(clinicId: string, patientIds: string[], tagIds: string[], remove: boolean, actor: Actor, ip: string) {
      await assertPatientsExist(db, clinicId, patientIds);
      for (const t of tagIds) {
        const tag = await getTag(clinicId, t);
        if (tag.kind === 'auto')
          throw errors.validation([
            { field: 'tagIds', code: 'auto_tag', message: `「${tag.name}」是自動標籤，由規則計算，不能手動加上或移除` },
          ]);
      }
      const now = deps.clock.now().toISOString();
      await db.transaction().execute(async (trx) => {
        const tx = tagRepository(trx);
        for (const p of patientIds)
          for (const t of tagIds) {
            if (remove) await tx.unassign(clinicId, t, p);
            else await tx.assign({ clinic_id: clinicId, tag_id: t, patient_id: p, source: 'manual', created_at: now });
          }
        if (!remove) await enqueueJob(trx, deps.clock, TAGS_ADDED, { patientIds, tagIds }, { clinicId });
      });
      for (const p of patientIds)
        await recordAudit(db, deps.clock, {
          clinicId,
          actor,
          action: remove ? 'patient.tags_removed' : 'patient.tags_added',
          entityType: 'patient',
          entityId: p,
          detail: { tagIds },
          ip,
        });
      return { ok: true };
    },

    async requestRecompute(clinicId: string, actor: Actor, ip: string) {
      const jobId = await enqueueJob(db, deps.clock, TAG_RECOMPUTE, { clinicId }, { clinicId });
      await recordAudit(db, deps.clock, { clinicId, actor, action: 'tag.recompute_requested', entityType: 'tag', ip });
      return { jobId };
    },

    // Segments
    async listSegments(clinicId: string) {
      const rows = await repo.listSegments(clinicId);
      return {
        items: rows.map((r) => ({
          id: r.id,
          name: r.name,
          conditions: JSON.parse(r.conditions) as PatientFilter,
          updatedAt: r.updated_at,
        })),
      };
    },
    async saveSegment(
      clinicId: string,
      id: string | null,
      input: { name: string; conditions: PatientFilter },
      actor: Actor,
      ip: string,
    ) {
      const now = deps.clock.now().toISOString();
      const name = input.name.trim();
      const conditions = JSON.stringify(input.conditions);
      if (id) {
        if (!(await repo.updateSegment(clinicId, id, { name, conditions, updated_at: now })))
          throw errors.notFound('分眾');
      } else {
        id = newId();
        await repo.insertSegment({ id, clinic_id: clinicId, name, conditions, created_at: now, updated_at: now });
      }
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'segment.saved',
        entityType: 'segment',
        entityId: id,
        detail: { name: input.name },
        ip,
      });
      const preview = await this.preview(clinicId, input.conditions);
      return {
        id,
        name,
        conditions: input.conditions,
        updatedAt: now,
        count: preview.count,
        countCapped: preview.countCapped,
      };
    },
    async removeSegment(clinicId: string, id: string, actor: Actor, ip: string) {
      if (!(await repo.removeSegment(clinicId, id))) throw errors.notFound('分眾');
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'segment.deleted',
        entityType: 'segment',
        entityId: id,
        ip,
      });
    },
    async preview(clinicId: string, conditions: PatientFilter) {
      const ctx = await searchCtx(deps, clinicId);
      const r = await searchPatientPage(db, clinicId, conditions, ctx, { limit: 10, offset: 0, countCap: 1_000_000 });
      return { count: r.total ?? 0, countCapped: r.totalCapped, sample: r.rows.map((x) => toListItem(x, [], [])) };
    },
  };
}

/** Every patient id of a saved segment (the audience of a broadcast or questionnaire). */
export async function resolveSegment(deps: Deps, clinicId: string, segmentId: string): Promise<string[]> {
  const s = await tagRepository(deps.db).segment(clinicId, segmentId);
  if (!s) throw errors.notFound('分眾');
  const ctx = await searchCtx(deps, clinicId);
  const out: string[] = [];
  // Every id is wanted at once: each batch of the keyset walk costs a full filter query (about
  // 110 ms at 50,000 patients whatever its size), so one large batch instead of fifty of 1,000.
  const filter = JSON.parse(s.conditions) as PatientFilter;
  for await (const ids of matchingPatientIds(deps.db, clinicId, filter, ctx, SEGMENT_BATCH)) out.push(...ids);
  return out;
}

const SEGMENT_BATCH = 50_000;

/** Every patient id carrying a tag (the audience of a broadcast to a tag). */
export async function resolveTag(
  deps: Deps,
  clinicId: string,
  tagId: string,
): Promise<{ name: string; ids: string[] }> {
  const repo = tagRepository(deps.db);
  const t = await repo.get(clinicId, tagId);
  if (!t) throw errors.notFound('標籤');
  return { name: t.name, ids: await repo.patientIdsOf(clinicId, tagId) };
}

/** A saved segment's name (null when the clinic has no such segment). */
export async function segmentName(deps: Deps, clinicId: string, segmentId: string): Promise<string | null> {
  return (await tagRepository(deps.db).segment(clinicId, segmentId))?.name ?? null;
}

/** Replaces the automatic assignments of one rule-based tag with the patients matching its rule now. */
export async function recomputeTag(deps: Deps, clinicId: string, tagId: string): Promise<number> {
  const t = await tagRepository(deps.db).get(clinicId, tagId);
  if (!t || t.kind !== 'auto' || !t.rule) return 0;
  const rule = JSON.parse(t.rule) as PatientFilter;
  const ctx = await searchCtx(deps, clinicId);
  let n = 0;
  await deps.db.transaction().execute(async (trx) => {
    const tx = tagRepository(trx);
    await tx.clearTag(clinicId, tagId);
    for await (const ids of matchingPatientIds(trx, clinicId, rule, ctx)) {
      n += ids.length;
      await tx.assignMany(
        ids.map((id) => ({
          clinic_id: clinicId,
          tag_id: tagId,
          patient_id: id,
          source: 'auto',
          created_at: ctx.nowIso,
        })),
      );
    }
    await tx.setRecomputed(clinicId, tagId, ctx.nowIso);
  });
  return n;
}

/** Every automatic tag of the clinic, recomputed. */
export async function recomputeAutoTags(deps: Deps, clinicId: string): Promise<void> {
  for (const id of await tagRepository(deps.db).autoTagIds(clinicId)) await recomputeTag(deps, clinicId, id);
}

// ---- For the patients module (`db` is the caller's transaction when it has one) ----

/** The tags of each of these patients, by tag name. */
export async function tagsOfPatients(db: Db, clinicId: string, patientIds: string[]) {
  const out = new Map<string, PatientTag[]>();
  if (!patientIds.length) return out;
  for (const r of await tagRepository(db).ofPatients(clinicId, patientIds)) {
    const list = out.get(r.patient_id) ?? [];
    list.push({ id: r.id, name: r.name, color: r.color, source: r.source });
    out.set(r.patient_id, list);
  }
  return out;
}

/** Manual tags by name, created when missing; names that belong to an automatic tag are left out. */
export async function ensureManualTags(
  db: Db,
  clinicId: string,
  names: string[],
  nowIso: string,
): Promise<Map<string, string>> {
  const repo = tagRepository(db);
  const out = new Map<string, string>();
  for (const name of new Set(names)) {
    const t = await repo.byName(clinicId, name);
    if (t) {
      if (t.kind === 'manual') out.set(name, t.id);
      continue;
    }
    const id = newId();
    await repo.insert({
      id,
      clinic_id: clinicId,
      name,
      color: 'blue',
      kind: 'manual',
      rule: null,
      recomputed_at: null,
      created_at: nowIso,
      updated_at: nowIso,
    });
    out.set(name, id);
  }
  return out;
}

/**
 * Adds manual tags to patients (already assigned ones stay as they are). A tag id that is not a
 * manual tag of the clinic is refused (422) before anything is written.
 */
export async function addManualTags(
  db: Db,
  clinicId: string,
  pairs: { patientId: string; tagId: string }[],
  nowIso: string,
): Promise<void> {
  for (const tagId of new Set(pairs.map((p) => p.tagId))) {
    const tag = await tagRepository(db).get(clinicId, tagId);
    if (!tag || tag.kind !== 'manual')
      throw errors.validation([
        {
          field: 'tagIds',
          code: tag ? 'auto_tag' : 'unknown_tag',
          message: tag ? `「${tag.name}」是自動標籤，由規則計算，不能手動加上` : `找不到標籤 ${tagId.slice(0, 64)}`,
        },
      ]);
  }
  await tagRepository(db).assignMany(
    pairs.map((p) => ({
      clinic_id: clinicId,
      tag_id: p.tagId,
      patient_id: p.patientId,
      source: 'manual',
      created_at: nowIso,
    })),
  );
}

/** Gives `toPatientId` the manual tags of `fromPatientId`; returns the tag ids it did not have. */
export async function copyManualTags(db: Db, clinicId: string, fromPatientId: string, toPatientId: string) {
  const repo = tagRepository(db);
  const added: string[] = [];
  for (const t of await repo.manualOf(clinicId, fromPatientId))
    if (await repo.assign({ ...t, patient_id: toPatientId })) added.push(t.tag_id);
  return added;
}

/** Removes these manual tags from a patient (the undo of copyManualTags). */
export async function removeManualTags(db: Db, clinicId: string, patientId: string, tagIds: string[]) {
  if (tagIds.length) await tagRepository(db).removeManual(clinicId, patientId, tagIds);
}
