// The back-office patient list and page: search, detail, national-ID and phone reveal (both
// audited), add and edit (HIS-owned fields are read-only for patients that came from the HIS),
// notes. Composes the tags, LINE, appointments and audit modules for what a page shows.
import { auditActionLabel, describeDetail } from '../../labels.ts';
import { listAudit, recordAudit, type Actor } from '../../platform/audit.ts';
import type { Role } from '../../platform/auth.ts';
import { newId, randomToken } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { errors } from '../../platform/errors.ts';
import { appointmentsOfPatient } from '../appointments/for-patients.ts';
import { bindingsOfPatients } from '../binding/for-patients.ts';
import { messagesOfUsers, unboundFriends } from '../line/for-patients.ts';
import { addManualTags, tagsOfPatients } from '../tags/service.ts';
import { displayPhone } from './grams.ts';
import { toListItem } from './list-item.ts';
import { mergeHistory } from './merges.repository.ts';
import { patientRepository, type Db } from './repository.ts';
import type { ListRow, PatientFilter, SortKey } from './search.repository.ts';
import { emptyPatient, listCountCap, searchCtx, searchPatientPage, syncPatientIndex } from './service.ts';
import { normalizePatient, type PatientInput } from './validate.ts';

export const HIS_OWNED_FIELDS = ['name', 'chartNo', 'gender', 'birthDate', 'phone', 'nationalId'] as const;

/** Who may see a patient's full phone number (to call it); doctors and viewers see it masked. */
export const PHONE_REVEAL_ROLES: readonly Role[] = ['admin', 'front_desk'];

export function summarizeFilter(f: PatientFilter): Record<string, unknown> {
  // Never write the searched national ID or phone into the audit log in clear.
  const out: Record<string, unknown> = { ...f };
  if (f.nationalId) out.nationalId = '（已遮罩）';
  if (f.phone) out.phone = `…${f.phone.replace(/\D/g, '').slice(-3)}`;
  if (f.q && /\d{6,}|^[A-Za-z]\d{5,}/.test(f.q)) out.q = '（已遮罩）';
  return out;
}

/** An audit entry's detail (JSON text; a value that is not JSON is shown as it is). */
function parseJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

/** How long the list keeps a clinic's count cap: a clinic's size changes slowly. */
const COUNT_CAP_TTL_MS = 10 * 60_000;

export function patientBackoffice(deps: Deps) {
  const db = deps.db;
  const repo = patientRepository(db);
  // The size probe behind the cap counts up to 20,001 patients; kept per clinic so that a big
  // clinic does not pay it on every list request.
  const caps = new Map<string, { cap: number; until: number }>();
  async function countCap(clinicId: string): Promise<number> {
    const now = deps.clock.now().getTime();
    const kept = caps.get(clinicId);
    if (kept && kept.until > now) return kept.cap;
    const cap = await listCountCap(db, clinicId);
    caps.set(clinicId, { cap, until: now + COUNT_CAP_TTL_MS });
    return cap;
  }

  async function getRow(clinicId: string, id: string) {
    const r = await repo.withProfile(clinicId, id);
    if (!r) throw errors.notFound('病患');
    return r;
  }

  /** `on` is the open transaction when there is one: SQLite has one connection, so `db` would wait for it forever. */
  async function assertChartFree(clinicId: string, chartNo: string, exceptId: string | null, on: Db = db) {
    if ((await patientRepository(on).takenCharts(clinicId, [chartNo], exceptId)).size)
      throw errors.validation(
        [{ field: 'chartNo', code: 'duplicate', message: `病歷號 ${chartNo} 已有其他病患使用` }],
        '病歷號重複',
      );
  }

  return {
    async list(
      clinicId: string,
      f: PatientFilter,
      page: { sort?: SortKey; order?: 'asc' | 'desc'; page: number; pageSize: number },
      actor: Actor,
      ip: string,
    ) {
      const ctx = await searchCtx(deps, clinicId);
      const { rows, total, totalCapped } = await searchPatientPage(db, clinicId, f, ctx, {
        sort: page.sort,
        order: page.order,
        limit: page.pageSize,
        offset: (page.page - 1) * page.pageSize,
        countCap: await countCap(clinicId),
      });
      const ids = rows.map((r) => r.id);
      const [tags, friends] = await Promise.all([
        tagsOfPatients(db, clinicId, ids),
        bindingsOfPatients(db, clinicId, ids),
      ]);
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
      return { items: await unboundFriends(db, clinicId, q, page, pageSize) };
    },

    async detail(clinicId: string, id: string, actor: Actor, ip: string, role?: Role) {
      const r = await getRow(clinicId, id);
      const [tags, friends] = await Promise.all([
        tagsOfPatients(db, clinicId, [id]),
        bindingsOfPatients(db, clinicId, [id]),
      ]);
      const family = r.phone_hash ? await repo.family(clinicId, r.phone_hash, id) : [];
      const appointments = await appointmentsOfPatient(db, clinicId, id, 50);
      const lineUserIds = (friends.get(id) ?? []).map((f) => f.lineUserId);
      const messages = await messagesOfUsers(db, clinicId, lineUserIds, 50);
      const audit = await listAudit(db, clinicId, { entityId: id, limit: 100 });
      const merges = await mergeHistory(db, clinicId, id);
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'patient.viewed',
        entityType: 'patient',
        entityId: id,
        detail: { patientId: r.his_id },
        ip,
      });
      const row: ListRow = { ...r, source: r.source };
      return {
        ...toListItem(row, tags.get(id) ?? [], friends.get(id) ?? []),
        nationalIdMasked: r.national_id_masked,
        phoneType: r.phone_e164 ? (r.phone_is_mobile ? 'mobile' : 'landline') : null,
        phoneRevealable: !!r.phone_e164 && !!role && PHONE_REVEAL_ROLES.includes(role),
        notes: r.notes,
        noShowCount: Number(r.no_show_count),
        mergedInto: r.merged_into,
        hisOwnedFields: r.source === 'his' ? [...HIS_OWNED_FIELDS] : [],
        createdAt: r.created_at,
        updatedAt: r.updated_at,
        family: family.map((f) => ({ id: f.id, name: f.name, chartNo: f.chart_no, birthDate: f.birth_date })),
        appointments,
        messages,
        audit: audit.map((a) => {
          const detail = parseJson(a.detail);
          return {
            id: Number(a.id),
            actor: a.actor_label,
            action: a.action,
            actionLabel: auditActionLabel(a.action),
            detail,
            detailItems: describeDetail(a.action, detail, 'patient'),
            createdAt: a.created_at,
          };
        }),
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

    /** The full phone number, to call the patient (audited like the national ID). */
    async revealPhone(clinicId: string, id: string, actor: Actor, ip: string) {
      const r = await getRow(clinicId, id);
      if (!r.phone_e164) throw errors.notFound('電話');
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'patient.phone_revealed',
        entityType: 'patient',
        entityId: id,
        detail: { patientId: r.his_id },
        ip,
      });
      return {
        e164: r.phone_e164,
        display: displayPhone(r.phone_e164),
        tel: `tel:${r.phone_e164}`,
        type: r.phone_is_mobile ? ('mobile' as const) : ('landline' as const),
      };
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
        const tx = patientRepository(trx);
        await tx.insert({ ...emptyPatient(id, clinicId, hisId, ctx.nowIso), ...columns });
        await syncPatientIndex(trx, clinicId, [id], ctx.nowIso, source);
        if (input.notes) await tx.setNotes(clinicId, id, input.notes, ctx.nowIso);
        await addManualTags(
          trx,
          clinicId,
          (input.tagIds ?? []).map((tagId) => ({ patientId: id, tagId })),
          ctx.nowIso,
        );
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
      return id;
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
        const tx = patientRepository(trx);
        if (ownFields.length) {
          const { columns } = normalizePatient({ ...input, name: input.name ?? r.name }, ctx.today, deps.crypto);
          if (columns.chart_no) await assertChartFree(clinicId, columns.chart_no, id, trx);
          await tx.update(clinicId, id, { ...columns, updated_at: ctx.nowIso });
          await syncPatientIndex(trx, clinicId, [id], ctx.nowIso);
        }
        if (input.notes !== undefined) await tx.setNotes(clinicId, id, input.notes, ctx.nowIso);
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
    },
  };
}
