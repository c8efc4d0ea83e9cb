// The export job: every registered table as JSON Lines and CSV, then the FHIR R4 NDJSON files,
// then one ZIP. Everything streams: the tables are read a page at a time by primary key, each
// line is written to a file stream that is waited for when full, and the ZIP is deflated from
// the files on disk. The row in data_exports carries the progress the page shows.
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ZipArchive } from 'archiver';
import type { Deps } from '../../platform/deps.ts';
import { csvLine, toCsv } from '../../platform/spreadsheet.ts';
import { clinicService } from '../clinics/service.ts';
import * as fhir from './fhir.ts';
import { exportRepository, type TableShape } from './repository.ts';
import { EXCLUDED, EXPORT_TABLES, exportedName, type ExportTable } from './registry.ts';

const PAGE = 200;
/** How long a finished export's file is kept (the download link itself lives minutes). */
export const EXPORT_RETENTION_MS = 24 * 3600_000;
export const FHIR_TYPES = [
  'Organization',
  'Practitioner',
  'Patient',
  'Appointment',
  'Encounter',
  'Communication',
  'QuestionnaireResponse',
] as const;

export const exportPaths = (exportDir: string, clinicId: string, id: string) => ({
  dir: join(exportDir, clinicId, id),
  zip: join(exportDir, clinicId, `${id}.zip`),
});

/**
 * A line-oriented file writer: lines gather in memory (cheap, synchronous) and go to the file
 * stream in chunks of 64 KB; the caller awaits `flush()` when `full`, which waits for the
 * stream to drain when the disk is behind — memory stays a few chunks however large the file.
 */
class Out {
  private buf: string[] = [];
  private size = 0;
  private readonly ws: WriteStream;
  constructor(path: string) {
    this.ws = createWriteStream(path);
  }
  push(s: string): void {
    this.buf.push(s);
    this.size += s.length;
  }
  get full(): boolean {
    return this.size >= 64 * 1024;
  }
  async flush(): Promise<void> {
    if (!this.buf.length) return;
    const chunk = this.buf.join('');
    this.buf = [];
    this.size = 0;
    if (!this.ws.write(chunk)) await once(this.ws, 'drain');
  }
  async close(): Promise<void> {
    await this.flush();
    this.ws.end();
    await once(this.ws, 'finish');
  }
}

type Progress = { tablesDone: number; rows: number; fhir: number; current: string | null; phase: string };

/** Exported columns of a table: everything but the omitted ones and the keyed hashes. */
export function exportedColumns(t: ExportTable, shape: TableShape) {
  const drop = new Set([...Object.keys(t.omit ?? {}), ...Object.keys(t.lookupHashes ?? {})]);
  return shape.columns
    .filter((c) => !drop.has(c.name))
    .map((c) => {
      const out = exportedName(t, c.name);
      return { ...c, out, key: `${JSON.stringify(out)}:` };
    });
}

export async function runExport(deps: Deps, clinicId: string, exportId: string): Promise<void> {
  const repo = exportRepository(deps.db, deps.dialect);
  const row = await repo.get(clinicId, exportId);
  if (!row || row.status === 'done' || row.status === 'failed' || row.status === 'expired') return;
  const paths = exportPaths(deps.config.exportDir, clinicId, exportId);
  const started = deps.clock.now().toISOString();
  await repo.update(clinicId, exportId, {
    status: 'running',
    phase: 'tables',
    tables_total: EXPORT_TABLES.length,
    tables_done: 0,
    rows_written: 0,
    fhir_written: 0,
    started_at: started,
    updated_at: started,
  });
  try {
    await rm(paths.dir, { recursive: true, force: true });
    await mkdir(join(paths.dir, 'tables'), { recursive: true });
    await mkdir(join(paths.dir, 'fhir'), { recursive: true });
    const p: Progress = { tablesDone: 0, rows: 0, fhir: 0, current: null, phase: 'tables' };
    let lastSave = 0;
    const save = async (force = false) => {
      const now = performance.now();
      if (!force && now - lastSave < 500) return;
      lastSave = now;
      await repo.update(clinicId, exportId, {
        phase: p.phase,
        tables_done: p.tablesDone,
        rows_written: p.rows,
        fhir_written: p.fhir,
        current: p.current,
        updated_at: deps.clock.now().toISOString(),
      });
    };

    const counts: Record<string, number> = {};
    const shapes = new Map<string, TableShape>();
    for (const t of EXPORT_TABLES) {
      p.current = t.table;
      await save(true);
      const shape = await repo.shape(t.table);
      shapes.set(t.table, shape);
      counts[t.table] = await writeTable(deps, repo, t, shape, clinicId, paths.dir, async (n) => {
        p.rows += n;
        await save();
      });
      p.tablesDone++;
    }

    p.phase = 'fhir';
    p.current = null;
    await save(true);
    const fhirCounts = await writeFhir(deps, repo, shapes, clinicId, paths.dir, async (type, n) => {
      p.current = type;
      p.fhir += n;
      await save();
    });

    p.phase = 'zip';
    p.current = null;
    await save(true);
    const clinic = await clinicService(deps).get(clinicId);
    await writeFile(
      join(paths.dir, 'manifest.json'),
      JSON.stringify(manifest(deps, clinicId, exportId, started, counts, fhirCounts), null, 2),
    );
    await writeFile(join(paths.dir, 'README.txt'), readme(clinic.name, started, counts, fhirCounts));
    await zipDir(paths.dir, paths.zip);
    await rm(paths.dir, { recursive: true, force: true });
    const size = (await stat(paths.zip)).size;
    const now = deps.clock.now();
    await repo.update(clinicId, exportId, {
      status: 'done',
      phase: null,
      current: null,
      tables_done: EXPORT_TABLES.length,
      rows_written: p.rows,
      fhir_written: p.fhir,
      file_name: `careline-export-${started.slice(0, 10)}.zip`,
      size_bytes: size,
      finished_at: now.toISOString(),
      expires_at: new Date(now.getTime() + EXPORT_RETENTION_MS).toISOString(),
      updated_at: now.toISOString(),
    });
  } catch (err) {
    await rm(paths.dir, { recursive: true, force: true }).catch(() => {});
    await rm(paths.zip, { force: true }).catch(() => {});
    const now = deps.clock.now().toISOString();
    await repo.update(clinicId, exportId, {
      status: 'failed',
      phase: null,
      error: err instanceof Error ? err.message.slice(0, 500) : String(err).slice(0, 500),
      finished_at: now,
      updated_at: now,
    });
    deps.log.error({ err, clinicId, exportId }, 'data export failed');
  }
}

/** A value as JSON and CSV hold it: binary as Base64 text. */
const plain = (v: unknown): unknown =>
  v instanceof Uint8Array ? Buffer.from(v).toString('base64') : typeof v === 'bigint' ? Number(v) : v;

async function writeTable(
  deps: Deps,
  repo: ReturnType<typeof exportRepository>,
  t: ExportTable,
  shape: TableShape,
  clinicId: string,
  dir: string,
  progress: (rows: number) => Promise<void>,
): Promise<number> {
  const cols = exportedColumns(t, shape);
  const sealed = new Set(t.sealed ?? []);
  const jsonl = new Out(join(dir, 'tables', `${t.table}.jsonl`));
  const csv = new Out(join(dir, 'tables', `${t.table}.csv`));
  csv.push(toCsv([cols.map((c) => c.out)], { bom: true }));
  const cells: unknown[] = Array.from({ length: cols.length });
  let n = 0;
  for await (const page of repo.pages(t, shape, clinicId, PAGE)) {
    for (const r of page) {
      // The JSON line is built field by field (names from the registry, values through
      // JSON.stringify): no object per row. The CSV holds the same values, spreadsheet-safe.
      let line = '{';
      for (let i = 0; i < cols.length; i++) {
        const c = cols[i];
        let v = plain(r[c.name]);
        if (v === undefined) v = null;
        if (sealed.has(c.name) && typeof v === 'string') v = deps.crypto.decrypt(v);
        line += `${i ? ',' : ''}${c.key}${JSON.stringify(v)}`;
        cells[i] = v;
      }
      jsonl.push(`${line}}\n`);
      csv.push(csvLine(cells));
    }
    if (jsonl.full) await jsonl.flush();
    if (csv.full) await csv.flush();
    n += page.length;
    await progress(page.length);
  }
  await jsonl.close();
  await csv.close();
  return n;
}

async function writeFhir(
  deps: Deps,
  repo: ReturnType<typeof exportRepository>,
  shapes: Map<string, TableShape>,
  clinicId: string,
  dir: string,
  progress: (type: string, n: number) => Promise<void>,
): Promise<Record<string, number>> {
  const sys = fhir.systemsOf(deps.config.publicBaseUrl, clinicId);
  const out = Object.fromEntries(FHIR_TYPES.map((t) => [t, new Out(join(dir, 'fhir', `${t}.ndjson`))])) as Record<
    (typeof FHIR_TYPES)[number],
    Out
  >;
  const counts: Record<string, number> = Object.fromEntries(FHIR_TYPES.map((t) => [t, 0]));
  const emit = (r: fhir.Resource) => {
    out[r.resourceType as (typeof FHIR_TYPES)[number]].push(`${JSON.stringify(r)}\n`);
    counts[r.resourceType]++;
  };
  /** After each page: files whose buffer is full go to disk (waiting when the disk is behind). */
  const flushFull = async () => {
    for (const o of Object.values(out)) if (o.full) await o.flush();
  };
  /** The clinic's rows of a registered table as objects, a page at a time. */
  const rows = (table: string): AsyncGenerator<Record<string, unknown>[]> => {
    const t = EXPORT_TABLES.find((x) => x.table === table)!;
    return repo.pages(t, shapes.get(table)!, clinicId, PAGE);
  };

  for await (const page of rows('clinics')) for (const c of page) emit(fhir.organization(c));
  await progress('Organization', 1);
  for await (const page of rows('doctors')) {
    for (const d of page) emit(fhir.practitioner(d, sys));
    await flushFull();
    await progress('Practitioner', page.length);
  }
  for await (const page of rows('patients')) {
    for (const p of page) {
      const sealed = typeof p.national_id_enc === 'string' ? deps.crypto.decrypt(p.national_id_enc) : null;
      emit(fhir.patient(p, sealed, sys, clinicId));
    }
    await flushFull();
    await progress('Patient', page.length);
  }
  for await (const page of rows('appointments')) {
    let n = 0;
    for (const a of page) {
      emit(fhir.appointment(a, sys));
      n++;
      if (a.status === 'completed') {
        emit(fhir.encounter(a, clinicId));
        n++;
      }
    }
    await flushFull();
    await progress('Appointment', n);
  }
  // Messages are kept per LINE user; the binding names the patient (a few per clinic's patient).
  const boundTo = new Map<string, string>();
  for await (const page of rows('line_bindings')) {
    for (const b of page)
      if (!boundTo.has(String(b.line_user_id))) boundTo.set(String(b.line_user_id), String(b.patient_id));
  }
  for await (const page of rows('line_messages')) {
    for (const m of page) emit(fhir.communication(m, boundTo.get(String(m.line_user_id)) ?? null, clinicId));
    await flushFull();
    await progress('Communication', page.length);
  }
  boundTo.clear();
  const questions = new Map<string, Parameters<typeof fhir.questionnaireResponse>[1]>();
  for await (const page of rows('questionnaires')) {
    for (const q of page) questions.set(String(q.id), JSON.parse(String(q.questions)) as never);
  }
  for await (const page of rows('questionnaire_responses')) {
    for (const r of page) {
      if (!r.patient_id) continue;
      emit(fhir.questionnaireResponse(r, questions.get(String(r.questionnaire_id)) ?? [], sys));
    }
    await flushFull();
    await progress('QuestionnaireResponse', page.length);
  }
  for (const o of Object.values(out)) await o.close();
  return counts;
}

function manifest(
  deps: Deps,
  clinicId: string,
  exportId: string,
  createdAt: string,
  counts: Record<string, number>,
  fhirCounts: Record<string, number>,
) {
  return {
    format: 'careline-export',
    version: 1,
    exportId,
    clinicId,
    createdAt,
    tables: EXPORT_TABLES.map((t) => ({
      table: t.table,
      rows: counts[t.table] ?? 0,
      files: [`tables/${t.table}.jsonl`, `tables/${t.table}.csv`],
      ...(t.omit ? { omittedColumns: t.omit } : {}),
      ...(t.lookupHashes ? { recomputedOnImport: t.lookupHashes } : {}),
      ...(t.sealed ? { decrypted: t.sealed.map((c) => ({ column: c, exportedAs: exportedName(t, c) })) } : {}),
      ...(t.notImported ? { notImported: t.notImported } : {}),
    })),
    excludedTables: EXCLUDED,
    fhir: {
      version: '4.0.1',
      files: FHIR_TYPES.map((t) => ({ resourceType: t, file: `fhir/${t}.ndjson`, count: fhirCounts[t] ?? 0 })),
      identifierSystems: {
        nationalId: fhir.TW_NATIONAL_ID_SYSTEM,
        residentId: fhir.TW_RESIDENT_ID_SYSTEM,
        chartNo: fhir.systemsOf(deps.config.publicBaseUrl, clinicId).chartNo,
      },
    },
  };
}

function readme(
  clinicName: string,
  createdAt: string,
  counts: Record<string, number>,
  fhirCounts: Record<string, number>,
) {
  const lines = [
    `${clinicName} — Careline 資料匯出（${createdAt}）`,
    '',
    'tables/   每個資料表各一份 JSON Lines（.jsonl，一列一筆）與 CSV（UTF-8，Excel 可直接開啟）',
    'fhir/     FHIR R4 NDJSON：Patient、Practitioner、Organization、Appointment、Encounter（已完成的看診）、',
    '          Communication（LINE 訊息）、QuestionnaireResponse；身分證字號、病歷號依 TW Core IG 的識別碼系統',
    'manifest.json  機器可讀的清單：每個表的筆數、未匯出的欄位與原因',
    '',
    '未匯出的內容（安全考量）：',
    ...EXPORT_TABLES.flatMap((t) => Object.entries(t.omit ?? {}).map(([c, why]) => `  ${t.table}.${c}：${why}`)),
    ...Object.entries(EXCLUDED).map(([t, why]) => `  ${t}（整個資料表）：${why}`),
    '',
    '病患的身分證字號以明碼匯出（patients.national_id），請妥善保管本檔案。',
    '',
    '筆數：',
    ...EXPORT_TABLES.map((t) => `  ${t.table}: ${counts[t.table] ?? 0}`),
    ...FHIR_TYPES.map((t) => `  fhir/${t}: ${fhirCounts[t] ?? 0}`),
    '',
  ];
  return lines.join('\r\n');
}

async function zipDir(dir: string, zipPath: string): Promise<void> {
  // Level 1: the text compresses almost as well as at 6 in a fraction of the time (a large
  // clinic's export is hundreds of MB of text).
  const archive = new ZipArchive({ zlib: { level: 1 } });
  const ws = createWriteStream(zipPath);
  const done = once(ws, 'close');
  archive.pipe(ws);
  archive.directory(dir, false);
  await archive.finalize();
  await done;
}
