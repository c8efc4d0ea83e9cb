// Import (CSV / XLSX → preview with per-row zh-TW errors → job that imports the good rows,
// with progress) and export (the current filter → CSV / XLSX built by a job, with progress,
// downloaded as a stream; both recorded in the audit log).
import { Readable, Writable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { DB } from '../../db/schema.ts';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { enqueueJob, jobType } from '../../platform/jobs.ts';
import { formatInZone, offsetLabel } from '../../platform/time.ts';
import { labelOf } from '../status/lights.ts';
import { addManualTags, ensureManualTags, tagsOfPatients } from '../tags/service.ts';
import { summarizeFilter } from './backoffice.ts';
import { patientRepository } from './repository.ts';
import type { PatientFilter } from './search.repository.ts';
import { emptyPatient, matchingPatientIds, searchCtx } from './service.ts';
import { transferRepository, type TransferRow } from './transfers.repository.ts';
import { normalizePatient, type PatientColumns, type PatientInput } from './validate.ts';
import { fromSpreadsheetCell, spreadsheetRow, toCsv } from '../../platform/spreadsheet.ts';
import { excel } from '../../platform/xlsx.ts';

/** Imports the good rows of a committed preview; `actor` (who committed) is kept for the record. */
export const IMPORT = jobType({
  type: 'patients.import',
  payload: Type.Object({
    transferId: Type.String(),
    actor: Type.Optional(Type.Unsafe<Actor>(Type.Object({ type: Type.String(), label: Type.String() }))),
  }),
  defaults: { maxAttempts: 3 },
});
export const EXPORT = jobType({
  type: 'patients.export',
  payload: Type.Object({ transferId: Type.String() }),
  defaults: { maxAttempts: 3 },
});
/** Deletes a transfer's file content after the retention time; `attempt` counts the looks at a running import. */
export const TRANSFER_PURGE = jobType({
  type: 'patients.transfer_purge',
  defaults: { priority: 'bulk' },
  payload: Type.Object({ transferId: Type.String(), attempt: Type.Optional(Type.Integer({ minimum: 0 })) }),
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
    const ExcelJS = await excel();
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
  // A file this service exported has a quote before text that starts like a formula: take it off.
  table = table.map((r) => r.map((c) => (typeof c === 'string' ? fromSpreadsheetCell(c) : c)));
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
  const taken = await patientRepository(deps.db).takenCharts(clinicId, [...seenCharts.keys()]);
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
    const repo = patientRepository(trx);
    for (let i = 0; i < rows.length; i += 200) {
      const part = rows.slice(i, i + 200).map((r) => ({ ...r, id: newId() }));
      await repo.insertMany(part.map((r) => ({ ...emptyPatient(r.id, clinicId, `CL-${r.id}`, nowIso), ...r.columns })));
      await repo.insertIndex(
        clinicId,
        part.map((r) => ({ id: r.id, name: r.columns.name, phone_e164: r.columns.phone_e164 ?? null, notes: r.notes })),
        nowIso,
        source,
      );
      await addManualTags(
        trx,
        clinicId,
        part.flatMap((r) =>
          r.tags
            .map((t) => tagIds.get(t))
            .filter((t): t is string => !!t)
            .map((tagId) => ({ patientId: r.id, tagId })),
        ),
        nowIso,
      );
    }
  });
}

const toTransfer = (t: Omit<TransferRow, 'data' | 'clinic_id' | 'params' | 'created_by'>) => ({
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
  const repo = transferRepository(db);
  const get = async (clinicId: string, id: string) => {
    const t = await repo.get(clinicId, id);
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
      await repo.insert({
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
      });
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
      await repo.update(clinicId, id, { status: 'queued', updated_at: deps.clock.now().toISOString() });
      await enqueueJob(db, deps.clock, IMPORT, { transferId: id, actor }, { clinicId, idempotencyKey: `import:${id}` });
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
      await repo.insert({
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
      });
      await enqueueJob(db, deps.clock, EXPORT, { transferId: id }, { clinicId, idempotencyKey: `export:${id}` });
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
      const row = (await repo.withData(clinicId, id))!;
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

/**
 * The import job: validates again (the clinic may have changed since the preview) and inserts
 * in batches, updating progress.
 */
export async function runImport(deps: Deps, clinicId: string, transferId: string): Promise<void> {
  const db = deps.db;
  const repo = transferRepository(db);
  const t = await repo.withData(clinicId, transferId);
  if (!t || t.kind !== 'import' || t.status === 'done') return;
  const ctx = await searchCtx(deps, clinicId);
  await repo.update(clinicId, transferId, { status: 'running', processed: 0, updated_at: ctx.nowIso });
  const rows = JSON.parse(t.data ?? '[]') as { row: number; data: ImportRow }[];
  const { valid, errors: errs } = await validateRows(deps, clinicId, rows, ctx.today);
  const tagIds = await ensureManualTags(
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
    await repo.update(clinicId, transferId, { processed, imported, updated_at: deps.clock.now().toISOString() });
  }
  await repo.update(clinicId, transferId, {
    status: 'done',
    processed: rows.length,
    imported,
    failed: new Set(errs.map((e) => e.row)).size,
    errors: JSON.stringify(errs.slice(0, 2000)),
    data: null,
    updated_at: deps.clock.now().toISOString(),
  });
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

/**
 * Column titles of an export. Times are written in the clinic's time zone, and the columns
 * that hold one say which zone it is (「下次預約（Asia/Taipei +08:00）」), so a file read
 * elsewhere or later is not misread.
 */
export function exportHeaders(timeZone: string, at: Date): string[] {
  const zone = `（${timeZone} ${offsetLabel(at, timeZone)}）`;
  return [
    '姓名',
    '病歷號',
    '電話',
    '生日',
    '性別',
    '身分證字號（遮罩）',
    'LINE 狀態',
    `上次就診${zone}`,
    `下次預約${zone}`,
    '標籤',
    `建立時間${zone}`,
  ];
}
const GENDER_ZH: Record<string, string> = { male: '男', female: '女', other: '其他', unknown: '不明' };

/** The export job: walks the filter batch by batch into CSV or XLSX (streamed writer), updating progress. */
export async function runExport(deps: Deps, clinicId: string, transferId: string): Promise<void> {
  const db = deps.db;
  const repo = transferRepository(db);
  const t = await repo.get(clinicId, transferId);
  if (!t || t.kind !== 'export' || t.status === 'done') return;
  const filter = JSON.parse(t.params) as PatientFilter;
  const ctx = await searchCtx(deps, clinicId);
  const timeZone = ctx.timeZone ?? 'Asia/Taipei';
  let total = 0;
  for await (const ids of matchingPatientIds(db, clinicId, filter, ctx, 5000)) total += ids.length;
  await repo.update(clinicId, transferId, { status: 'running', total, processed: 0, updated_at: ctx.nowIso });

  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(c, _e, cb) {
      chunks.push(Buffer.from(c));
      cb();
    },
  });
  const headers = exportHeaders(timeZone, deps.clock.now());
  let writeRows: (rows: string[][]) => Promise<void>;
  let finish: () => Promise<void>;
  if (t.format === 'xlsx') {
    const ExcelJS = await excel();
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useStyles: false, useSharedStrings: false });
    const ws = wb.addWorksheet('病患');
    ws.addRow(headers).commit();
    writeRows = async (rows) => {
      for (const cells of rows) ws.addRow(spreadsheetRow(cells)).commit();
    };
    finish = async () => {
      ws.commit();
      await wb.commit();
    };
  } else {
    // UTF-8 with a byte-order mark, CRLF: what Excel on Windows opens as UTF-8 text.
    sink.write(toCsv([headers], { bom: true }));
    writeRows = async (rows) => {
      sink.write(toCsv(rows));
    };
    finish = async () => {
      await new Promise<void>((res) => sink.end(res));
    };
  }
  const when = (iso: string | null) => (iso ? formatInZone(iso, timeZone) : '');
  let processed = 0;
  for await (const ids of matchingPatientIds(db, clinicId, filter, ctx, 1000)) {
    const rows = await repo.exportRows(clinicId, ids);
    const tags = await tagsOfPatients(db, clinicId, ids);
    await writeRows(
      rows.map((r) => [
        r.name,
        r.chart_no ?? '',
        r.phone_e164 ? r.phone_e164.replace(/^\+886/, '0') : '',
        r.birth_date ?? '',
        GENDER_ZH[r.gender ?? ''] ?? '',
        r.national_id_masked ?? '',
        labelOf('line', r.line_status) ?? r.line_status,
        when(r.last_visit_at),
        when(r.next_visit_at),
        (tags.get(r.id) ?? []).map((x) => x.name).join('、'),
        when(r.created_at),
      ]),
    );
    processed += ids.length;
    await repo.update(clinicId, transferId, { processed, updated_at: deps.clock.now().toISOString() });
  }
  await finish();
  const data = Buffer.concat(chunks).toString('base64');
  await repo.update(clinicId, transferId, {
    status: 'done',
    processed,
    total: processed,
    data,
    updated_at: deps.clock.now().toISOString(),
  });
  await schedulePurge(deps, clinicId, transferId);
}

function schedulePurge(deps: Deps, clinicId: string, transferId: string, attempt = 0) {
  const runAt = new Date(deps.clock.now().getTime() + (attempt ? 3600_000 : TRANSFER_RETENTION_MS));
  return enqueueJob(
    deps.db,
    deps.clock,
    TRANSFER_PURGE,
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
  const repo = transferRepository(deps.db);
  const t = await repo.get(clinicId, transferId);
  if (!t) return;
  if (t.status === 'queued' || t.status === 'running') {
    await schedulePurge(deps, clinicId, transferId, attempt + 1);
    return;
  }
  const expire = t.status === 'preview' || (t.kind === 'export' && t.status === 'done');
  await repo.update(clinicId, transferId, {
    data: null,
    ...(expire ? { status: 'expired' } : {}),
    updated_at: deps.clock.now().toISOString(),
  });
}
