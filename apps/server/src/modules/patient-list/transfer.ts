// Import (CSV / XLSX → preview with per-row zh-TW errors → job that imports the good rows,
// with progress) and export (the current filter → CSV / XLSX built by a job, with progress,
// downloaded as a stream; both recorded in the audit log).
import { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { DB } from '../../db/schema.ts';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { defineJob, enqueueJob, type Job } from '../../platform/jobs.ts';
import { normalizePatient, type PatientColumns, type PatientInput } from '../patients/validate.ts';
import { labelOf } from '../status/lights.ts';
import { nameGrams, nameKey, phoneRev } from './grams.ts';
import { matchingIds, type PatientFilter } from './search.ts';
import { searchCtx, summarizeFilter } from './service.ts';

/** Imports the good rows of a committed preview; `actor` (who committed) is kept for the record. */
export const IMPORT_JOB = defineJob({
  type: 'patients.import',
  payload: Type.Object({
    transferId: Type.String(),
    actor: Type.Optional(Type.Unsafe<Actor>(Type.Object({ type: Type.String(), label: Type.String() }))),
  }),
  defaults: { maxAttempts: 3 },
  handler: importJob,
});
export const EXPORT_JOB = defineJob({
  type: 'patients.export',
  payload: Type.Object({ transferId: Type.String() }),
  defaults: { maxAttempts: 3 },
  handler: exportJob,
});
/** Deletes a transfer's file content after the retention time; `attempt` counts the looks at a running import. */
export const TRANSFER_PURGE_JOB = defineJob({
  type: 'patients.transfer_purge',
  payload: Type.Object({ transferId: Type.String(), attempt: Type.Optional(Type.Integer({ minimum: 0 })) }),
  handler: transferPurgeJob,
});
/** Export files and import previews hold patients' personal data: deleted 24 hours after they are made. */
export const TRANSFER_RETENTION_MS = 24 * 3600_000;
export const IMPORT_MAX_ROWS = 200_000;

const HEADERS: Record<string, keyof ImportRow> = {
  姓名: 'name',
  name: 'name',
  電話: 'phone',
  手機: 'phone',
  phone: 'phone',
  生日: 'birthDate',
  出生日期: 'birthDate',
  birthdate: 'birthDate',
  身分證字號: 'nationalId',
  身分證: 'nationalId',
  nationalid: 'nationalId',
  病歷號: 'chartNo',
  chartno: 'chartNo',
  性別: 'gender',
  gender: 'gender',
  備註: 'notes',
  notes: 'notes',
  標籤: 'tags',
  tags: 'tags',
};
const GENDERS: Record<string, PatientInput['gender']> = {
  男: 'male',
  女: 'female',
  male: 'male',
  female: 'female',
  m: 'male',
  f: 'female',
  其他: 'other',
  other: 'other',
  不明: 'unknown',
  unknown: 'unknown',
};

export type ImportRow = {
  name: string;
  phone: string;
  birthDate: string;
  nationalId: string;
  chartNo: string;
  gender: string;
  notes: string;
  tags: string;
};
export type RowError = { row: number; field: string; message: string };
type ValidRow = { row: number; columns: PatientColumns; notes: string; tags: string[] };

/** Reads the first sheet (XLSX) or the CSV text into header-mapped rows. Row numbers are the file's (header = 1). */
export async function readTable(
  format: 'csv' | 'xlsx',
  content: Buffer,
): Promise<{ rows: { row: number; data: ImportRow }[]; unknownHeaders: string[] }> {
  let table: string[][];
  if (format === 'csv') {
    table = parseCsv(content.toString('utf8'), {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    }) as string[][];
  } else {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(content as never);
    const ws = wb.worksheets[0];
    table = [];
    ws?.eachRow({ includeEmpty: true }, (r) => {
      const vals = (r.values as unknown[]).slice(1).map((v) => cellText(v));
      table.push(vals);
    });
  }
  if (!table.length) throw errors.validation([{ field: 'file', code: 'empty', message: '檔案是空的' }]);
  const header = table[0].map(
    (h) => HEADERS[String(h).trim().toLowerCase().replace(/\s/g, '')] ?? HEADERS[String(h).trim()] ?? null,
  );
  if (!header.includes('name'))
    throw errors.validation([
      {
        field: 'file',
        code: 'header',
        message:
          '第一列須為標題，且至少要有「姓名」欄（可用欄位：姓名、電話、生日、身分證字號、病歷號、性別、備註、標籤）',
      },
    ]);
  const unknownHeaders = table[0].filter((_, i) => header[i] === null).map(String);
  const rows: { row: number; data: ImportRow }[] = [];
  for (let i = 1; i < table.length; i++) {
    const cells = table[i];
    if (!cells.some((c) => String(c ?? '').trim())) continue;
    const data: ImportRow = {
      name: '',
      phone: '',
      birthDate: '',
      nationalId: '',
      chartNo: '',
      gender: '',
      notes: '',
      tags: '',
    };
    header.forEach((h, j) => {
      if (h) data[h] = String(cells[j] ?? '').trim();
    });
    rows.push({ row: i + 1, data });
  }
  if (rows.length > IMPORT_MAX_ROWS)
    throw errors.validation([
      { field: 'file', code: 'too_many', message: `一次最多匯入 ${IMPORT_MAX_ROWS.toLocaleString()} 筆，請分批匯入` },
    ]);
  return { rows, unknownHeaders };
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object' && v && 'text' in v) return String((v as { text: unknown }).text);
  if (typeof v === 'object' && v && 'result' in v) return String((v as { result: unknown }).result);
  return String(v);
}

/** Validates every row like the HIS API does; duplicate chart numbers (in the file or the clinic) are errors. */
export async function validateRows(
  deps: Deps,
  clinicId: string,
  rows: { row: number; data: ImportRow }[],
  today: string,
): Promise<{ valid: ValidRow[]; errors: RowError[] }> {
  const valid: ValidRow[] = [];
  const errs: RowError[] = [];
  const seenCharts = new Map<string, number>();
  for (const { row, data } of rows) {
    const gender = data.gender ? GENDERS[data.gender.toLowerCase()] : null;
    const rowErrs: RowError[] = [];
    if (data.gender && !gender)
      rowErrs.push({ row, field: 'gender', message: `性別「${data.gender}」無法辨識（可填 男、女、其他、不明）` });
    try {
      const { columns } = normalizePatient(
        {
          name: data.name,
          phone: data.phone || null,
          birthDate: data.birthDate || null,
          nationalId: data.nationalId || null,
          chartNo: data.chartNo || null,
          gender: gender ?? null,
        },
        today,
        deps.crypto,
      );
      if (columns.chart_no) {
        const prev = seenCharts.get(columns.chart_no);
        if (prev) rowErrs.push({ row, field: 'chartNo', message: `病歷號 ${columns.chart_no} 與第 ${prev} 列重複` });
        else seenCharts.set(columns.chart_no, row);
      }
      if (!rowErrs.length)
        valid.push({
          row,
          columns,
          notes: data.notes,
          tags: data.tags
            ? data.tags
                .split(/[|、,，]/)
                .map((t) => t.trim())
                .filter(Boolean)
            : [],
        });
    } catch (err) {
      if (err instanceof AppError)
        for (const d of err.details) rowErrs.push({ row, field: d.field ?? '', message: d.message });
      else throw err;
    }
    errs.push(...rowErrs);
  }
  // Chart numbers already used in the clinic.
  const charts = [...seenCharts.keys()];
  const taken = new Set<string>();
  for (let i = 0; i < charts.length; i += 500) {
    const r = await deps.db
      .selectFrom('patients as p')
      .innerJoin('patient_profiles as pp', 'pp.patient_id', 'p.id')
      .select('p.chart_no')
      .where('p.clinic_id', '=', clinicId)
      .where('p.chart_no', 'in', charts.slice(i, i + 500))
      .where('pp.merged_into', 'is', null)
      .execute();
    for (const x of r) taken.add(x.chart_no!);
  }
  const ok = valid.filter((v) => {
    if (v.columns.chart_no && taken.has(v.columns.chart_no)) {
      errs.push({ row: v.row, field: 'chartNo', message: `病歷號 ${v.columns.chart_no} 已有病患使用（重複的病歷號）` });
      return false;
    }
    return true;
  });
  errs.sort((a, b) => a.row - b.row);
  return { valid: ok, errors: errs };
}

/** Inserts validated rows with their profile, bigrams and tags in multi-row statements. */
export async function insertRows(
  db: Kysely<DB>,
  clinicId: string,
  rows: ValidRow[],
  nowIso: string,
  source: string,
  tagIds: Map<string, string>,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 200) {
      const part = rows.slice(i, i + 200).map((r) => ({ ...r, id: newId() }));
      await trx
        .insertInto('patients')
        .values(
          part.map((r) => ({
            id: r.id,
            clinic_id: clinicId,
            his_id: `CL-${r.id}`,
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
            created_at: nowIso,
            updated_at: nowIso,
            ...r.columns,
          })),
        )
        .execute();
      await trx
        .insertInto('patient_profiles')
        .values(
          part.map((r) => ({
            patient_id: r.id,
            clinic_id: clinicId,
            source,
            notes: r.notes,
            name_key: nameKey(r.columns.name),
            phone_rev: phoneRev(r.columns.phone_e164 ?? null),
            merged_into: null,
            merged_at: null,
            updated_at: nowIso,
          })),
        )
        .execute();
      const grams = part.flatMap((r) =>
        nameGrams(r.columns.name).map((gram) => ({ clinic_id: clinicId, gram, patient_id: r.id })),
      );
      for (let j = 0; j < grams.length; j += 300)
        await trx
          .insertInto('patient_name_grams')
          .values(grams.slice(j, j + 300))
          .execute();
      const tags = part.flatMap((r) =>
        r.tags
          .map((t) => tagIds.get(t))
          .filter((t): t is string => !!t)
          .map((tag_id) => ({ clinic_id: clinicId, tag_id, patient_id: r.id, source: 'manual', created_at: nowIso })),
      );
      for (let j = 0; j < tags.length; j += 300)
        await trx
          .insertInto('patient_tags')
          .values(tags.slice(j, j + 300))
          .onConflict((oc) => oc.doNothing())
          .execute();
    }
  });
}

async function ensureTags(
  db: Kysely<DB>,
  clinicId: string,
  names: string[],
  nowIso: string,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of new Set(names)) {
    const t = await db
      .selectFrom('tags')
      .select(['id', 'kind'])
      .where('clinic_id', '=', clinicId)
      .where('name', '=', name)
      .executeTakeFirst();
    if (t) {
      if (t.kind === 'manual') out.set(name, t.id);
      continue;
    }
    const id = newId();
    await db
      .insertInto('tags')
      .values({
        id,
        clinic_id: clinicId,
        name,
        color: 'blue',
        kind: 'manual',
        rule: null,
        recomputed_at: null,
        created_at: nowIso,
        updated_at: nowIso,
      })
      .execute();
    out.set(name, id);
  }
  return out;
}

type Transfer = DB['patient_transfers'];
const toTransfer = (t: {
  id: string;
  kind: string;
  format: string;
  filename: string;
  status: string;
  total: number;
  processed: number;
  imported: number;
  failed: number;
  errors: string;
  created_at: string;
  updated_at: string;
}) => ({
  id: t.id,
  kind: t.kind,
  format: t.format,
  filename: t.filename,
  status: t.status,
  total: t.total,
  processed: t.processed,
  imported: t.imported,
  failed: t.failed,
  progress: t.total ? Math.min(1, t.processed / t.total) : t.status === 'done' ? 1 : 0,
  errors: JSON.parse(t.errors) as RowError[],
  createdAt: t.created_at,
  updatedAt: t.updated_at,
});

export function transferService(deps: Deps) {
  const db = deps.db;
  const get = async (clinicId: string, id: string) => {
    const t = await db
      .selectFrom('patient_transfers')
      .select([
        'id',
        'kind',
        'format',
        'filename',
        'status',
        'total',
        'processed',
        'imported',
        'failed',
        'errors',
        'created_at',
        'updated_at',
        'params',
        'created_by',
      ])
      .where('clinic_id', '=', clinicId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!t) throw errors.notFound('匯入／匯出工作');
    return t;
  };
  return {
    async get(clinicId: string, id: string) {
      return toTransfer(await get(clinicId, id));
    },

    async preview(
      clinicId: string,
      input: { filename: string; format: 'csv' | 'xlsx'; contentBase64: string },
      actor: Actor,
      ip: string,
    ) {
      const ctx = await searchCtx(deps, clinicId);
      const { rows, unknownHeaders } = await readTable(input.format, Buffer.from(input.contentBase64, 'base64'));
      const { valid, errors: errs } = await validateRows(deps, clinicId, rows, ctx.today);
      const id = newId();
      await db
        .insertInto('patient_transfers')
        .values({
          id,
          clinic_id: clinicId,
          kind: 'import',
          format: input.format,
          filename: input.filename.slice(0, 200),
          status: 'preview',
          params: JSON.stringify({ unknownHeaders }),
          total: rows.length,
          processed: 0,
          imported: 0,
          failed: errs.length ? new Set(errs.map((e) => e.row)).size : 0,
          errors: JSON.stringify(errs.slice(0, 2000)),
          data: JSON.stringify(rows),
          created_by: actor.label,
          created_at: ctx.nowIso,
          updated_at: ctx.nowIso,
        })
        .execute();
      await schedulePurge(deps, clinicId, id);
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'patient.import_previewed',
        entityType: 'patient_import',
        entityId: id,
        detail: { filename: input.filename, rows: rows.length, valid: valid.length },
        ip,
      });
      return {
        ...toTransfer(await get(clinicId, id)),
        valid: valid.length,
        unknownHeaders,
        sample: rows.slice(0, 20).map((r) => ({
          row: r.row,
          name: r.data.name,
          phone: r.data.phone,
          chartNo: r.data.chartNo,
          birthDate: r.data.birthDate,
          ok: !errs.some((e) => e.row === r.row),
        })),
      };
    },

    async commit(clinicId: string, id: string, actor: Actor, ip: string) {
      const t = await get(clinicId, id);
      if (t.kind !== 'import') throw errors.notFound('匯入工作');
      if (t.status === 'expired')
        throw errors.conflict('IMPORT_EXPIRED', '這份預覽已超過 24 小時，為保護病患個資已刪除，請重新上傳檔案');
      if (t.status !== 'preview') throw errors.conflict('IMPORT_STARTED', '這個匯入已經開始或完成了');
      await db
        .updateTable('patient_transfers')
        .set({ status: 'queued', updated_at: deps.clock.now().toISOString() })
        .where('id', '=', id)
        .execute();
      await enqueueJob(
        db,
        deps.clock,
        IMPORT_JOB,
        { transferId: id, actor },
        { clinicId, idempotencyKey: `import:${id}` },
      );
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'patient.import_started',
        entityType: 'patient_import',
        entityId: id,
        detail: { filename: t.filename },
        ip,
      });
      return toTransfer(await get(clinicId, id));
    },

    async startExport(
      clinicId: string,
      input: { format: 'csv' | 'xlsx'; filter: PatientFilter },
      actor: Actor,
      ip: string,
    ) {
      const id = newId();
      const now = deps.clock.now().toISOString();
      const filename = `patients-${now.slice(0, 10)}.${input.format}`;
      await db
        .insertInto('patient_transfers')
        .values({
          id,
          clinic_id: clinicId,
          kind: 'export',
          format: input.format,
          filename,
          status: 'queued',
          params: JSON.stringify(input.filter),
          total: 0,
          processed: 0,
          imported: 0,
          failed: 0,
          errors: '[]',
          data: null,
          created_by: actor.label,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await enqueueJob(db, deps.clock, EXPORT_JOB, { transferId: id }, { clinicId, idempotencyKey: `export:${id}` });
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'patient.export_started',
        entityType: 'patient_export',
        entityId: id,
        detail: { format: input.format, filter: summarizeFilter(input.filter) },
        ip,
      });
      return toTransfer(await get(clinicId, id));
    },

    /** The finished export as a stream (audited: who downloaded which export). */
    async download(clinicId: string, id: string, actor: Actor, ip: string) {
      const t = await get(clinicId, id);
      if (t.kind !== 'export') throw errors.notFound('匯出檔');
      if (t.status === 'expired')
        throw new AppError('EXPORT_EXPIRED', 410, '匯出檔已超過 24 小時，為保護病患個資已刪除，請重新匯出');
      if (t.status !== 'done') throw errors.conflict('EXPORT_NOT_READY', '匯出尚未完成，請稍候');
      const row = await db
        .selectFrom('patient_transfers')
        .select('data')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'patient.export_downloaded',
        entityType: 'patient_export',
        entityId: id,
        detail: { rows: t.total, format: t.format },
        ip,
      });
      const buf = Buffer.from(row.data ?? '', 'base64');
      const chunks = function* () {
        for (let i = 0; i < buf.length; i += 64 * 1024) yield buf.subarray(i, i + 64 * 1024);
      };
      return { filename: t.filename, format: t.format, size: buf.length, stream: Readable.from(chunks()) };
    },
  };
}

/** The import job: validates again (the clinic may have changed since the preview) and inserts in batches, updating progress. */
export async function runImport(deps: Deps, clinicId: string, transferId: string): Promise<void> {
  const db = deps.db;
  const t = await db
    .selectFrom('patient_transfers')
    .selectAll()
    .where('clinic_id', '=', clinicId)
    .where('id', '=', transferId)
    .executeTakeFirst();
  if (!t || t.kind !== 'import' || t.status === 'done') return;
  const ctx = await searchCtx(deps, clinicId);
  await db
    .updateTable('patient_transfers')
    .set({ status: 'running', processed: 0, updated_at: ctx.nowIso })
    .where('id', '=', transferId)
    .execute();
  const rows = JSON.parse(t.data ?? '[]') as { row: number; data: ImportRow }[];
  const { valid, errors: errs } = await validateRows(deps, clinicId, rows, ctx.today);
  const tagIds = await ensureTags(
    db,
    clinicId,
    valid.flatMap((v) => v.tags),
    ctx.nowIso,
  );
  const BATCH = 2000;
  let imported = 0;
  for (let i = 0; i < valid.length; i += BATCH) {
    const part = valid.slice(i, i + BATCH);
    await insertRows(db, clinicId, part, ctx.nowIso, 'import', tagIds);
    imported += part.length;
    const processed = Math.min(rows.length, Math.round((imported / Math.max(1, valid.length)) * rows.length));
    await db
      .updateTable('patient_transfers')
      .set({ processed, imported, updated_at: deps.clock.now().toISOString() })
      .where('id', '=', transferId)
      .execute();
  }
  await db
    .updateTable('patient_transfers')
    .set({
      status: 'done',
      processed: rows.length,
      imported,
      failed: new Set(errs.map((e) => e.row)).size,
      errors: JSON.stringify(errs.slice(0, 2000)),
      data: null,
      updated_at: deps.clock.now().toISOString(),
    })
    .where('id', '=', transferId)
    .execute();
  await recordAudit(db, deps.clock, {
    clinicId,
    actor: { type: 'system', id: null, label: `匯入：${t.created_by}` },
    action: 'patient.imported',
    entityType: 'patient_import',
    entityId: transferId,
    detail: { imported, failed: errs.length },
    ip: '',
  });
}

export const EXPORT_HEADERS = [
  '姓名',
  '病歷號',
  '電話',
  '生日',
  '性別',
  '身分證字號（遮罩）',
  'LINE 狀態',
  '上次就診',
  '下次預約',
  '標籤',
];
const GENDER_ZH: Record<string, string> = { male: '男', female: '女', other: '其他', unknown: '不明' };

/** The export job: walks the filter batch by batch into CSV or XLSX (streamed writer), updating progress. */
export async function runExport(deps: Deps, clinicId: string, transferId: string): Promise<void> {
  const db = deps.db;
  const t = await db
    .selectFrom('patient_transfers')
    .selectAll()
    .where('clinic_id', '=', clinicId)
    .where('id', '=', transferId)
    .executeTakeFirst();
  if (!t || t.kind !== 'export' || t.status === 'done') return;
  const filter = JSON.parse(t.params) as PatientFilter;
  const ctx = await searchCtx(deps, clinicId);
  const countRows = await (async () => {
    let n = 0;
    for await (const ids of matchingIds(db, clinicId, filter, ctx, 5000)) n += ids.length;
    return n;
  })();
  await db
    .updateTable('patient_transfers')
    .set({ status: 'running', total: countRows, processed: 0, updated_at: ctx.nowIso })
    .where('id', '=', transferId)
    .execute();

  const chunks: Buffer[] = [];
  const sink = new (await import('node:stream')).Writable({
    write(c, _e, cb) {
      chunks.push(Buffer.from(c));
      cb();
    },
  });
  let writeRow: (cells: string[]) => Promise<void>;
  let finish: () => Promise<void>;
  if (t.format === 'xlsx') {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useStyles: false, useSharedStrings: false });
    const ws = wb.addWorksheet('病患');
    ws.addRow(EXPORT_HEADERS).commit();
    writeRow = async (cells) => ws.addRow(cells).commit();
    finish = async () => {
      ws.commit();
      await wb.commit();
    };
  } else {
    const q = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    sink.write('\ufeff' + EXPORT_HEADERS.join(',') + '\r\n');
    writeRow = async (cells) => {
      sink.write(cells.map(q).join(',') + '\r\n');
    };
    finish = async () => {
      await new Promise<void>((res) => sink.end(res));
    };
  }
  let processed = 0;
  for await (const ids of matchingIds(db, clinicId, filter, ctx, 1000)) {
    const rows = await db
      .selectFrom('patients as p')
      .select([
        'p.id',
        'p.name',
        'p.chart_no',
        'p.phone_e164',
        'p.birth_date',
        'p.gender',
        'p.national_id_masked',
        'p.line_status',
        'p.last_visit_at',
        'p.next_visit_at',
      ])
      .where('p.clinic_id', '=', clinicId)
      .where('p.id', 'in', ids)
      .orderBy('p.id')
      .execute();
    const tags = await db
      .selectFrom('patient_tags as pt')
      .innerJoin('tags as tg', 'tg.id', 'pt.tag_id')
      .select(['pt.patient_id', 'tg.name'])
      .where('pt.clinic_id', '=', clinicId)
      .where('pt.patient_id', 'in', ids)
      .execute();
    const byP = new Map<string, string[]>();
    for (const x of tags) byP.set(x.patient_id, [...(byP.get(x.patient_id) ?? []), x.name]);
    for (const r of rows) {
      await writeRow([
        r.name,
        r.chart_no ?? '',
        r.phone_e164 ? r.phone_e164.replace(/^\+886/, '0') : '',
        r.birth_date ?? '',
        GENDER_ZH[r.gender ?? ''] ?? '',
        r.national_id_masked ?? '',
        labelOf('line', r.line_status) ?? r.line_status,
        r.last_visit_at?.slice(0, 10) ?? '',
        r.next_visit_at?.slice(0, 16).replace('T', ' ') ?? '',
        (byP.get(r.id) ?? []).join('、'),
      ]);
    }
    processed += ids.length;
    await db
      .updateTable('patient_transfers')
      .set({ processed, updated_at: deps.clock.now().toISOString() })
      .where('id', '=', transferId)
      .execute();
  }
  await finish();
  const data = Buffer.concat(chunks).toString('base64');
  await db
    .updateTable('patient_transfers')
    .set({ status: 'done', processed, total: processed, data, updated_at: deps.clock.now().toISOString() })
    .where('id', '=', transferId)
    .execute();
  await schedulePurge(deps, clinicId, transferId);
}

function schedulePurge(deps: Deps, clinicId: string, transferId: string, attempt = 0) {
  const runAt = new Date(deps.clock.now().getTime() + (attempt ? 3600_000 : TRANSFER_RETENTION_MS));
  return enqueueJob(
    deps.db,
    deps.clock,
    TRANSFER_PURGE_JOB,
    { transferId, attempt },
    { clinicId, runAt, idempotencyKey: `transfer-purge:${transferId}:${attempt}` },
  );
}

/**
 * Deletes the file content of an export or an import preview (status → expired); the row
 * stays as the record of what was done. An import that is still running is looked at again
 * an hour later (the import itself clears its rows when it finishes).
 */
export async function runTransferPurge(deps: Deps, clinicId: string, transferId: string, attempt = 0): Promise<void> {
  const t = await deps.db
    .selectFrom('patient_transfers')
    .select(['kind', 'status'])
    .where('clinic_id', '=', clinicId)
    .where('id', '=', transferId)
    .executeTakeFirst();
  if (!t) return;
  if (t.status === 'queued' || t.status === 'running') {
    await schedulePurge(deps, clinicId, transferId, attempt + 1);
    return;
  }
  const expire = t.status === 'preview' || (t.kind === 'export' && t.status === 'done');
  await deps.db
    .updateTable('patient_transfers')
    .set({ data: null, ...(expire ? { status: 'expired' } : {}), updated_at: deps.clock.now().toISOString() })
    .where('clinic_id', '=', clinicId)
    .where('id', '=', transferId)
    .execute();
}

async function importJob(job: Job<{ transferId: string }>, deps: Deps): Promise<void> {
  await runImport(deps, job.clinicId!, job.payload.transferId);
}
async function exportJob(job: Job<{ transferId: string }>, deps: Deps): Promise<void> {
  await runExport(deps, job.clinicId!, job.payload.transferId);
}
async function transferPurgeJob(job: Job<{ transferId: string; attempt?: number }>, deps: Deps): Promise<void> {
  await runTransferPurge(deps, job.clinicId!, job.payload.transferId, job.payload.attempt ?? 0);
}
export type { Transfer };
