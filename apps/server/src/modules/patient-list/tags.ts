// Tags (manual and rule-based automatic ones, recomputed by a job) and saved segments.
// `resolveSegment` is what broadcasts and questionnaires call to get their audience.
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { DB } from '../../db/schema.ts';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { defineJob, enqueueJob, type Job } from '../../platform/jobs.ts';
import { matchingIds, searchPatients, type PatientFilter } from './search.ts';
import { searchCtx, toListItem } from './service.ts';
import { refreshClinicIndex } from './sync.ts';

/** Recomputes the clinic's automatic tags; with `repeat` it schedules the next hour's run. */
export const TAG_RECOMPUTE_JOB = defineJob({
  type: 'patients.tags.recompute',
  payload: Type.Object({ clinicId: Type.String(), repeat: Type.Optional(Type.Boolean()) }),
  handler: tagRecomputeJob,
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

const toTag = (
  r: { id: string; name: string; color: string; kind: string; rule: string | null; recomputed_at: string | null },
  count?: number,
) => ({
  id: r.id,
  name: r.name,
  color: r.color,
  kind: r.kind,
  rule: r.rule ? (JSON.parse(r.rule) as TagRule) : null,
  recomputedAt: r.recomputed_at,
  count: count ?? 0,
});

export function tagService(deps: Deps) {
  const db = deps.db;
  const getTag = async (clinicId: string, id: string) => {
    const t = await db
      .selectFrom('tags')
      .selectAll()
      .where('clinic_id', '=', clinicId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!t) throw errors.notFound('標籤');
    return t;
  };
  const assertPatients = async (clinicId: string, ids: string[]) => {
    const found = await db
      .selectFrom('patients')
      .select('id')
      .where('clinic_id', '=', clinicId)
      .where('id', 'in', ids)
      .execute();
    if (found.length !== new Set(ids).size) throw errors.notFound('病患');
  };

  return {
    async list(clinicId: string) {
      const rows = await db
        .selectFrom('tags')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .orderBy('kind')
        .orderBy('name')
        .execute();
      const counts = await db
        .selectFrom('patient_tags')
        .select(['tag_id', db.fn.countAll<number>().as('n')])
        .where('clinic_id', '=', clinicId)
        .groupBy('tag_id')
        .execute();
      const byId = new Map(counts.map((c) => [c.tag_id, Number(c.n)]));
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
      if (
        await db
          .selectFrom('tags')
          .select('id')
          .where('clinic_id', '=', clinicId)
          .where('name', '=', name)
          .executeTakeFirst()
      )
        throw errors.validation([{ field: 'name', code: 'duplicate', message: '已有同名的標籤' }]);
      const id = newId();
      await db
        .insertInto('tags')
        .values({
          id,
          clinic_id: clinicId,
          name,
          color: input.color ?? 'blue',
          kind: input.rule ? 'auto' : 'manual',
          rule: input.rule ? JSON.stringify(input.rule) : null,
          recomputed_at: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
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
        // Hourly recompute of the clinic's automatic tags (one job per clinic and hour).
        const next = new Date(deps.clock.now().getTime() + 3_600_000);
        await enqueueJob(
          db,
          deps.clock,
          TAG_RECOMPUTE_JOB,
          { clinicId, repeat: true },
          { clinicId, runAt: next, idempotencyKey: `tags:${clinicId}:${next.toISOString().slice(0, 13)}` },
        );
      }
      return toTag(
        await getTag(clinicId, id),
        (
          await db
            .selectFrom('patient_tags')
            .select(db.fn.countAll<number>().as('n'))
            .where('clinic_id', '=', clinicId)
            .where('tag_id', '=', id)
            .executeTakeFirst()
        )?.n,
      );
    },

    async remove(clinicId: string, id: string, actor: Actor, ip: string) {
      const t = await getTag(clinicId, id);
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('patient_tags').where('clinic_id', '=', clinicId).where('tag_id', '=', id).execute();
        await trx.deleteFrom('tags').where('clinic_id', '=', clinicId).where('id', '=', id).execute();
      });
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
      await assertPatients(clinicId, patientIds);
      for (const t of tagIds) {
        const tag = await getTag(clinicId, t);
        if (tag.kind === 'auto')
          throw errors.validation([
            { field: 'tagIds', code: 'auto_tag', message: `「${tag.name}」是自動標籤，由規則計算，不能手動加上或移除` },
          ]);
      }
      const now = deps.clock.now().toISOString();
      await db.transaction().execute(async (trx) => {
        for (const p of patientIds)
          for (const t of tagIds) {
            if (remove)
              await trx
                .deleteFrom('patient_tags')
                .where('clinic_id', '=', clinicId)
                .where('tag_id', '=', t)
                .where('patient_id', '=', p)
                .execute();
            else
              await trx
                .insertInto('patient_tags')
                .values({ clinic_id: clinicId, tag_id: t, patient_id: p, source: 'manual', created_at: now })
                .onConflict((oc) => oc.doNothing())
                .execute();
          }
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
      const jobId = await enqueueJob(db, deps.clock, TAG_RECOMPUTE_JOB, { clinicId }, { clinicId });
      await recordAudit(db, deps.clock, { clinicId, actor, action: 'tag.recompute_requested', entityType: 'tag', ip });
      return { jobId };
    },

    // Segments
    async listSegments(clinicId: string) {
      const rows = await db
        .selectFrom('segments')
        .selectAll()
        .where('clinic_id', '=', clinicId)
        .orderBy('name')
        .execute();
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
      if (id) {
        const r = await db
          .updateTable('segments')
          .set({ name: input.name.trim(), conditions: JSON.stringify(input.conditions), updated_at: now })
          .where('clinic_id', '=', clinicId)
          .where('id', '=', id)
          .executeTakeFirst();
        if (!Number(r.numUpdatedRows)) throw errors.notFound('分眾');
      } else {
        id = newId();
        await db
          .insertInto('segments')
          .values({
            id,
            clinic_id: clinicId,
            name: input.name.trim(),
            conditions: JSON.stringify(input.conditions),
            created_at: now,
            updated_at: now,
          })
          .execute();
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
        name: input.name.trim(),
        conditions: input.conditions,
        updatedAt: now,
        count: preview.count,
        countCapped: preview.countCapped,
      };
    },
    async removeSegment(clinicId: string, id: string, actor: Actor, ip: string) {
      const r = await db
        .deleteFrom('segments')
        .where('clinic_id', '=', clinicId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!Number(r.numDeletedRows)) throw errors.notFound('分眾');
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
      const r = await searchPatients(db, clinicId, conditions, ctx, { limit: 10, offset: 0, countCap: 1_000_000 });
      return { count: r.total ?? 0, countCapped: r.totalCapped, sample: r.rows.map((x) => toListItem(x, [], [])) };
    },
  };
}

/** Every patient id of a saved segment (the audience of a broadcast or questionnaire). */
export async function resolveSegment(deps: Deps, clinicId: string, segmentId: string): Promise<string[]> {
  const s = await deps.db
    .selectFrom('segments')
    .select('conditions')
    .where('clinic_id', '=', clinicId)
    .where('id', '=', segmentId)
    .executeTakeFirst();
  if (!s) throw errors.notFound('分眾');
  const ctx = await searchCtx(deps, clinicId);
  const out: string[] = [];
  for await (const ids of matchingIds(deps.db, clinicId, JSON.parse(s.conditions) as PatientFilter, ctx))
    out.push(...ids);
  return out;
}

/** Replaces the automatic assignments of one rule-based tag with the patients matching its rule now. */
export async function recomputeTag(deps: Deps, clinicId: string, tagId: string): Promise<number> {
  const db = deps.db as Kysely<DB>;
  const t = await db
    .selectFrom('tags')
    .selectAll()
    .where('clinic_id', '=', clinicId)
    .where('id', '=', tagId)
    .executeTakeFirst();
  if (!t || t.kind !== 'auto' || !t.rule) return 0;
  const ctx = await searchCtx(deps, clinicId);
  let n = 0;
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('patient_tags').where('clinic_id', '=', clinicId).where('tag_id', '=', tagId).execute();
    for await (const ids of matchingIds(trx, clinicId, JSON.parse(t.rule!) as PatientFilter, ctx)) {
      n += ids.length;
      for (let i = 0; i < ids.length; i += 400) {
        await trx
          .insertInto('patient_tags')
          .values(
            ids.slice(i, i + 400).map((id) => ({
              clinic_id: clinicId,
              tag_id: tagId,
              patient_id: id,
              source: 'auto',
              created_at: ctx.nowIso,
            })),
          )
          .execute();
      }
    }
    await trx.updateTable('tags').set({ recomputed_at: ctx.nowIso }).where('id', '=', tagId).execute();
  });
  return n;
}

/** Job: refresh visit columns, then every automatic tag of the clinic; runs again in an hour. */
async function tagRecomputeJob(job: Job<{ clinicId: string; repeat?: boolean }>, deps: Deps): Promise<void> {
  const clinicId = job.payload.clinicId;
  await refreshClinicIndex(deps.db, clinicId, deps.clock.now().toISOString());
  const tags = await deps.db
    .selectFrom('tags')
    .select('id')
    .where('clinic_id', '=', clinicId)
    .where('kind', '=', 'auto')
    .execute();
  for (const t of tags) await recomputeTag(deps, clinicId, t.id);
  if (job.payload.repeat) {
    const next = new Date(deps.clock.now().getTime() + 3_600_000);
    await enqueueJob(
      deps.db,
      deps.clock,
      TAG_RECOMPUTE_JOB,
      { clinicId, repeat: true },
      { clinicId, runAt: next, idempotencyKey: `tags:${clinicId}:${next.toISOString().slice(0, 13)}` },
    );
  }
}
