// The back-office patient list (H1/H4): search, detail, national-ID reveal (audited), add
// and edit (HIS-owned fields are read-only for patients that came from the HIS), notes.
import { sql } from 'kysely';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId, randomToken } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { localDate } from '../../platform/tw.ts';
import { labelOf } from '../status/lights.ts';
import { normalizePatient, type PatientInput } from '../patients/validate.ts';
import { maskPhone, searchPatients, type ListRow, type PatientFilter, type SearchCtx, type SortKey } from './search.ts';
import { syncPatientIndex } from './sync.ts';

export const HIS_OWNED_FIELDS = ['name', 'chartNo', 'gender', 'birthDate', 'phone', 'nationalId'] as const;

export async function searchCtx(deps: Deps, clinicId: string): Promise<SearchCtx> {
  const clinic = await deps.db.selectFrom('clinics').select('time_zone').where('id', '=', clinicId).executeTakeFirst();
  const now = deps.clock.now();
  return {
    crypto: deps.crypto,
    today: localDate(now, clinic?.time_zone),
    nowIso: now.toISOString(),
    dialect: deps.dialect,
  };
}

async function tagsOf(deps: Deps, clinicId: string, ids: string[]) {
  const out = new Map<string, { id: string; name: string; color: string; source: string }[]>();
  if (!ids.length) return out;
  const rows = await deps.db
    .selectFrom('patient_tags as pt')
    .innerJoin('tags as t', 't.id', 'pt.tag_id')
    .select(['pt.patient_id', 't.id', 't.name', 't.color', 'pt.source'])
    .where('pt.clinic_id', '=', clinicId)
    .where('pt.patient_id', 'in', ids)
    .orderBy('t.name')
    .execute();
  for (const r of rows) {
    const list = out.get(r.patient_id) ?? [];
    list.push({ id: r.id, name: r.name, color: r.color, source: r.source });
    out.set(r.patient_id, list);
  }
  return out;
}

async function friendsOf(deps: Deps, clinicId: string, ids: string[]) {
  const out = new Map<string, { lineUserId: string; displayName: string; state: string }[]>();
  if (!ids.length) return out;
  const rows = await deps.db
    .selectFrom('line_bindings as b')
    .leftJoin('line_friends as f', (j) =>
      j.onRef('f.clinic_id', '=', 'b.clinic_id').onRef('f.line_user_id', '=', 'b.line_user_id'),
    )
    .select(['b.patient_id', 'b.line_user_id', 'f.display_name', 'f.state'])
    .where('b.clinic_id', '=', clinicId)
    .where('b.patient_id', 'in', ids)
    .execute();
  for (const r of rows) {
    const list = out.get(r.patient_id) ?? [];
    list.push({ lineUserId: r.line_user_id, displayName: r.display_name ?? '', state: r.state ?? 'unknown' });
    out.set(r.patient_id, list);
  }
  return out;
}

export function toListItem(
  r: ListRow,
  tags: { id: string; name: string; color: string; source: string }[],
  friends: { lineUserId: string; displayName: string; state: string }[],
) {
  return {
    id: r.id,
    hisId: r.his_id,
    name: r.name,
    chartNo: r.chart_no,
    phoneMasked: maskPhone(r.phone_e164),
    birthDate: r.birth_date,
    gender: r.gender,
    source: r.source,
    line: { code: r.line_status, label: labelOf('line', r.line_status) ?? r.line_status, friends },
    lastVisitAt: r.last_visit_at,
    nextVisitAt: r.next_visit_at,
    tags,
  };
}

export function patientListService(deps: Deps) {
  const db = deps.db;

  async function getRow(clinicId: string, id: string) {
    const r = await db
      .selectFrom('patients as p')
      .innerJoin('patient_profiles as pp', 'pp.patient_id', 'p.id')
      .selectAll('p')
      .select(['pp.notes', 'pp.source', 'pp.merged_into', 'pp.merged_at'])
      .where('p.clinic_id', '=', clinicId)
      .where('p.id', '=', id)
      .executeTakeFirst();
    if (!r) throw errors.notFound('病患');
    return r;
  }

  return {
    getRow,

    async list(
      clinicId: string,
      f: PatientFilter,
      page: { sort?: SortKey; order?: 'asc' | 'desc'; page: number; pageSize: number },
      actor: Actor,
      ip: string,
    ) {
      const ctx = await searchCtx(deps, clinicId);
      const { rows, total, totalCapped } = await searchPatients(db, clinicId, f, ctx, {
        sort: page.sort,
        order: page.order,
        limit: page.pageSize,
        offset: (page.page - 1) * page.pageSize,
      });
      const ids = rows.map((r) => r.id);
      const [tags, friends] = await Promise.all([tagsOf(deps, clinicId, ids), friendsOf(deps, clinicId, ids)]);
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'patient.list',
        entityType: 'patient',
        detail: { filter: summarizeFilter(f), page: page.page, shown: rows.length },
        ip,
      });
      return {
        items: rows.map((r) => toListItem(r, tags.get(r.id) ?? [], friends.get(r.id) ?? [])),
        total: total ?? 0,
        totalCapped,
        page: page.page,
        pageSize: page.pageSize,
      };
    },

    async unboundFriends(clinicId: string, q: string | undefined, page: number, pageSize: number) {
      let query = db
        .selectFrom('line_friends as f')
        .select(['f.line_user_id', 'f.display_name', 'f.state', 'f.followed_at', 'f.last_event_at'])
        .where('f.clinic_id', '=', clinicId)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('line_bindings as b')
                .select(sql`1`.as('x'))
                .whereRef('b.clinic_id', '=', 'f.clinic_id')
                .whereRef('b.line_user_id', '=', 'f.line_user_id'),
            ),
          ),
        );
      if (q?.trim()) query = query.where('f.display_name', 'like', `%${q.trim().replace(/[\\%_]/g, '')}%`);
      const rows = await query
        .orderBy('f.last_event_at', 'desc')
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute();
      return {
        items: rows.map((r) => ({
          lineUserId: r.line_user_id,
          displayName: r.display_name,
          state: r.state,
          followedAt: r.followed_at,
          lastEventAt: r.last_event_at,
        })),
      };
    },

    async detail(clinicId: string, id: string, actor: Actor, ip: string) {
      const r = await getRow(clinicId, id);
      const [tags, friends] = await Promise.all([tagsOf(deps, clinicId, [id]), friendsOf(deps, clinicId, [id])]);
      const family = r.phone_hash
        ? await db
            .selectFrom('patients as p')
            .innerJoin('patient_profiles as pp', 'pp.patient_id', 'p.id')
            .select(['p.id', 'p.name', 'p.chart_no', 'p.birth_date'])
            .where('p.clinic_id', '=', clinicId)
            .where('p.phone_hash', '=', r.phone_hash)
            .where('p.id', '!=', id)
            .where('pp.merged_into', 'is', null)
            .limit(20)
            .execute()
        : [];
      const appointments = await db
        .selectFrom('appointments as a')
        .leftJoin('doctors as d', 'd.id', 'a.doctor_id')
        .select([
          'a.id',
          'a.his_id',
          'a.starts_at',
          'a.starts_at_local',
          'a.visit_type',
          'a.status',
          'a.reply_status',
          'd.name as doctor_name',
        ])
        .where('a.clinic_id', '=', clinicId)
        .where('a.patient_id', '=', id)
        .orderBy('a.starts_at', 'desc')
        .limit(50)
        .execute();
      const lineUserIds = (friends.get(id) ?? []).map((f) => f.lineUserId);
      const messages = lineUserIds.length
        ? await db
            .selectFrom('line_messages')
            .select(['id', 'line_user_id', 'direction', 'kind', 'text', 'created_at'])
            .where('clinic_id', '=', clinicId)
            .where('line_user_id', 'in', lineUserIds)
            .orderBy('id', 'desc')
            .limit(50)
            .execute()
        : [];
      const audit = await db
        .selectFrom('audit_log')
        .select(['id', 'actor_label', 'action', 'detail', 'created_at'])
        .where('clinic_id', '=', clinicId)
        .where('entity_id', '=', id)
        .orderBy('id', 'desc')
        .limit(100)
        .execute();
      const merges = await db
        .selectFrom('patient_merges')
        .select(['id', 'survivor_id', 'merged_id', 'created_at', 'undo_until', 'undone_at', 'created_by'])
        .where('clinic_id', '=', clinicId)
        .where((eb) => eb.or([eb('survivor_id', '=', id), eb('merged_id', '=', id)]))
        .orderBy('created_at', 'desc')
        .execute();
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'patient.viewed',
        entityType: 'patient',
        entityId: id,
        detail: { patientId: r.his_id },
        ip,
      });
      return {
        ...toListItem({ ...r, source: r.source } as ListRow, tags.get(id) ?? [], friends.get(id) ?? []),
        nationalIdMasked: r.national_id_masked,
        phoneType: r.phone_e164 ? (r.phone_is_mobile ? 'mobile' : 'landline') : null,
        notes: r.notes,
        noShowCount: r.no_show_count,
        mergedInto: r.merged_into,
        hisOwnedFields: r.source === 'his' ? [...HIS_OWNED_FIELDS] : [],
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        family: family.map((f) => ({ id: f.id, name: f.name, chartNo: f.chart_no, birthDate: f.birth_date })),
        appointments: appointments.map((a) => ({
          id: a.id,
          hisId: a.his_id,
          startsAt: a.starts_at,
          startsAtLocal: a.starts_at_local,
          visitType: a.visit_type,
          status: a.status,
          statusLabel: labelOf('status', a.status) ?? a.status,
          doctorName: a.doctor_name ?? '',
        })),
        messages: messages.map((m) => ({
          id: Number(m.id),
          lineUserId: m.line_user_id,
          direction: m.direction,
          kind: m.kind,
          text: m.text,
          createdAt: m.created_at,
        })),
        audit: audit.map((a) => ({
          id: Number(a.id),
          actor: a.actor_label,
          action: a.action,
          detail: safeJson(a.detail),
          createdAt: a.created_at,
        })),
        merges: merges.map((m) => ({
          id: m.id,
          survivorId: m.survivor_id,
          mergedId: m.merged_id,
          createdAt: m.created_at,
          undoUntil: m.undo_until,
          undoneAt: m.undone_at,
        })),
      };
    },

    async revealNationalId(clinicId: string, id: string, reason: string, actor: Actor, ip: string) {
      const r = await getRow(clinicId, id);
      if (!r.national_id_enc) throw errors.notFound('身分證字號');
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'patient.national_id_revealed',
        entityType: 'patient',
        entityId: id,
        detail: { patientId: r.his_id, reason },
        ip,
      });
      return { nationalId: deps.crypto.decrypt(r.national_id_enc) };
    },

    async create(
      clinicId: string,
      input: PatientInput & { notes?: string; tagIds?: string[] },
      actor: Actor,
      ip: string,
      source = 'manual',
    ) {
      const ctx = await searchCtx(deps, clinicId);
      const { columns } = normalizePatient(input, ctx.today, deps.crypto);
      if (columns.chart_no) await assertChartFree(clinicId, columns.chart_no, null);
      const id = newId();
      const hisId = `CL-${randomToken(6).replace(/[-_]/g, 'x')}`;
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('patients')
          .values({
            id,
            clinic_id: clinicId,
            his_id: hisId,
            chart_no: null,
            gender: null,
            birth_date: null,
            phone_e164: null,
            phone_is_mobile: 0,
            phone_hash: null,
            national_id_enc: null,
            national_id_hash: null,
            national_id_masked: null,
            line_status: 'unbound',
            line_status_at: null,
            created_at: ctx.nowIso,
            updated_at: ctx.nowIso,
            ...columns,
          })
          .execute();
        await syncPatientIndex(trx, clinicId, [id], ctx.nowIso, source);
        if (input.notes)
          await trx.updateTable('patient_profiles').set({ notes: input.notes }).where('patient_id', '=', id).execute();
        for (const tagId of input.tagIds ?? [])
          await trx
            .insertInto('patient_tags')
            .values({ clinic_id: clinicId, tag_id: tagId, patient_id: id, source: 'manual', created_at: ctx.nowIso })
            .onConflict((oc) => oc.doNothing())
            .execute();
      });
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'patient.created',
        entityType: 'patient',
        entityId: id,
        detail: { patientId: hisId, fields: Object.keys(input), source },
        ip,
      });
      return this.detail(clinicId, id, actor, ip);
    },

    async update(
      clinicId: string,
      id: string,
      input: Partial<PatientInput> & { notes?: string },
      actor: Actor,
      ip: string,
    ) {
      const r = await getRow(clinicId, id);
      if (r.merged_into) throw errors.conflict('PATIENT_MERGED', '此病患已整併到另一位病患，請編輯整併後的資料');
      const ownFields = HIS_OWNED_FIELDS.filter((f) => input[f] !== undefined);
      if (r.source === 'his' && ownFields.length) {
        throw errors.validation(
          ownFields.map((f) => ({
            field: f,
            code: 'his_owned',
            message: '此欄位由 HIS 管理，請在 HIS 修改（HIS 的更新會覆蓋後台修改）',
          })),
          '有欄位由 HIS 管理，無法在後台修改',
        );
      }
      const ctx = await searchCtx(deps, clinicId);
      await db.transaction().execute(async (trx) => {
        if (ownFields.length) {
          const { columns } = normalizePatient({ name: r.name, ...input } as PatientInput, ctx.today, deps.crypto);
          if (columns.chart_no) await assertChartFree(clinicId, columns.chart_no, id, trx);
          await trx
            .updateTable('patients')
            .set({ ...columns, updated_at: ctx.nowIso })
            .where('clinic_id', '=', clinicId)
            .where('id', '=', id)
            .execute();
          await syncPatientIndex(trx, clinicId, [id], ctx.nowIso);
        }
        if (input.notes !== undefined)
          await trx
            .updateTable('patient_profiles')
            .set({ notes: input.notes, updated_at: ctx.nowIso })
            .where('clinic_id', '=', clinicId)
            .where('patient_id', '=', id)
            .execute();
      });
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'patient.updated',
        entityType: 'patient',
        entityId: id,
        detail: { patientId: r.his_id, fields: Object.keys(input) },
        ip,
      });
      return this.detail(clinicId, id, actor, ip);
    },
  };

  /** `on` is the open transaction when there is one: SQLite has one connection, so `db` would wait for it forever. */
  async function assertChartFree(clinicId: string, chartNo: string, exceptId: string | null, on: typeof db = db) {
    let q = on
      .selectFrom('patients as p')
      .innerJoin('patient_profiles as pp', 'pp.patient_id', 'p.id')
      .select('p.id')
      .where('p.clinic_id', '=', clinicId)
      .where('p.chart_no', '=', chartNo)
      .where('pp.merged_into', 'is', null);
    if (exceptId) q = q.where('p.id', '!=', exceptId);
    if (await q.executeTakeFirst())
      throw errors.validation(
        [{ field: 'chartNo', code: 'duplicate', message: `病歷號 ${chartNo} 已有其他病患使用` }],
        '病歷號重複',
      );
  }
}

export function summarizeFilter(f: PatientFilter): Record<string, unknown> {
  // Never write the searched national ID or phone into the audit log in clear.
  const out: Record<string, unknown> = { ...f };
  if (f.nationalId) out.nationalId = '（已遮罩）';
  if (f.phone) out.phone = `…${f.phone.replace(/\D/g, '').slice(-3)}`;
  if (f.q && /\d{6,}|^[A-Za-z]\d{5,}/.test(f.q)) out.q = '（已遮罩）';
  return out;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
