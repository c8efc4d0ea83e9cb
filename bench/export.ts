// `npm run bench -- export`: the clinic's full data export (modules/export/run.ts, the job's
// own code) of a clinic with 100,000 patients (each with a national id, sealed as in
// production) and 1,000,000 appointments on a SQLite WAL file. `value`: FHIR resources
// written per second during the FHIR step (Patient, Appointment, Encounter for the completed
// visits …); `rss_mb`: the process's peak resident memory while exporting (sampled every 100 ms),
// which must stay flat however large the clinic. Also: the time of each step, the table rows
// per second, the ZIP's size.
// Env: BENCH_EXPORT_PATIENTS (default 100,000), BENCH_EXPORT_APPOINTMENTS (default 1,000,000);
// BENCH_EXPORT_PROF=<dir>: a CPU profile of the export process there; BENCH_EXPORT_FLAGS: more
// Node flags for it (after the worker's own, e.g. `--maglev` to compare).
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../apps/server/src/config.ts';
import { openSqlite } from '../apps/server/src/db/connection.ts';
import { createDeps } from '../apps/server/src/deps-factory.ts';
import { clinicService } from '../apps/server/src/modules/clinics/service.ts';
import type { WorkerResult } from './lib/export-worker.ts';
import { exportService } from '../apps/server/src/modules/export/service.ts';
import { systemActor } from '../apps/server/src/platform/audit.ts';
import { newId } from '../apps/server/src/platform/crypto.ts';
import { WORKER_NODE_FLAGS } from '../apps/server/src/process-flags.ts';

const PATIENTS = Number(process.env.BENCH_EXPORT_PATIENTS ?? 100_000);
const APPOINTMENTS = Number(process.env.BENCH_EXPORT_APPOINTMENTS ?? 1_000_000);
const TARGET = 50_000;
const log = (s: string) => process.stderr.write(`[export] ${s}\n`);

const SURNAMES = [...'陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周徐蘇葉莊呂江何蕭羅高潘簡朱鍾彭游詹胡施'];
const GIVEN = [...'家怡雅婷淑芬美玲志明俊傑建宏宗翰承恩冠宇柏翰品妤詩涵欣怡宜蓁子晴思妤佳穎'];
const LETTERS = 'ABCDEFGHJKLMNPQRSTUVXYWZIO';

/** A valid 身分證字號 for number i (checksum as platform/tw.ts checks it). */
function nationalId(i: number): string {
  const l = LETTERS[i % 26];
  const body = [
    1 + (i % 2),
    ...String(1_000_000 + (i % 9_000_000))
      .padStart(7, '0')
      .slice(-7),
  ].map(Number);
  const code = 10 + LETTERS.indexOf(l);
  const w = [1, 9, 8, 7, 6, 5, 4, 3, 2, 1];
  const digits = [Math.floor(code / 10), code % 10, ...body];
  const sum = digits.reduce((s, d, k) => s + d * w[k], 0);
  return `${l}${body.join('')}${(10 - (sum % 10)) % 10}`;
}

export default async function bench(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'careline-bench-export-'));
  const file = join(dir, 'careline.db');
  const key = randomBytes(32).toString('base64');
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: `sqlite:${file}`,
    ENCRYPTION_KEY: key,
    PUBLIC_BASE_URL: 'http://bench.test',
    LOG_LEVEL: 'silent',
    EXPORT_DIR: join(dir, 'exports'),
  });
  const { deps, database } = await createDeps(config);
  try {
    const clinic = await clinicService(deps).create({ name: '效能測試診所' });
    const clinicId = clinic.id;

    // Bulk load outside the app (secondary indexes rebuilt afterwards).
    const t0 = performance.now();
    const raw = openSqlite(file);
    raw.exec('PRAGMA synchronous = OFF');
    const tables = ['patients', 'appointments'];
    const idx = raw
      .prepare(
        `select name, sql from sqlite_master where type = 'index' and sql is not null
         and tbl_name in (${tables.map(() => '?').join(',')})`,
      )
      .all(...tables) as { name: string; sql: string }[];
    for (const i of idx) raw.exec(`drop index ${i.name}`);
    const now = new Date().toISOString();
    const doctors = Array.from({ length: 20 }, () => newId());
    raw.exec('BEGIN');
    const insD = raw.prepare(
      `insert into doctors (id, clinic_id, his_id, name, department, title, active, created_at, updated_at)
       values (?, ?, ?, ?, '一般牙科', null, 1, ?, ?)`,
    );
    doctors.forEach((id, i) => insD.run(id, clinicId, `D${i}`, `醫師${i}`, now, now));
    const insP = raw.prepare(`insert into patients (id, clinic_id, his_id, name, chart_no, gender, birth_date,
        phone_e164, phone_is_mobile, phone_hash, national_id_enc, national_id_hash, national_id_masked, line_status,
        created_at, updated_at, name_sort) values (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, 'unbound', ?, ?, '')`);
    const patients: string[] = [];
    for (let i = 0; i < PATIENTS; i++) {
      const id = newId();
      patients.push(id);
      const nid = nationalId(i);
      const phone = `+8869${String(10_000_000 + i).slice(-8)}`;
      insP.run(
        id,
        clinicId,
        `P${i}`,
        SURNAMES[i % SURNAMES.length] + GIVEN[i % GIVEN.length] + GIVEN[(i * 7) % GIVEN.length],
        String(100_000 + i),
        i % 2 ? 'female' : 'male',
        `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
        phone,
        deps.crypto.lookupHash(phone),
        deps.crypto.encrypt(nid),
        deps.crypto.lookupHash(nid),
        `${nid.slice(0, 3)}****${nid.slice(-3)}`,
        now,
        now,
      );
    }
    const insA = raw.prepare(`insert into appointments (id, clinic_id, his_id, patient_id, doctor_id, starts_at,
        starts_at_local, duration_minutes, visit_type, status, note, version, created_at, updated_at, booked_at)
        values (?, ?, ?, ?, ?, ?, ?, 30, ?, ?, null, 1, ?, ?, ?)`);
    const base = Date.parse('2024-01-01T01:00:00Z');
    for (let i = 0; i < APPOINTMENTS; i++) {
      const at = new Date(base + (i % 900) * 86_400_000 + (i % 16) * 1_800_000).toISOString();
      insA.run(
        newId(),
        clinicId,
        `A${i}`,
        patients[i % patients.length],
        doctors[i % doctors.length],
        at,
        at.slice(0, 16),
        i % 3 ? '洗牙' : '看診',
        i % 10 < 7 ? 'completed' : i % 10 < 9 ? 'booked' : 'cancelled',
        now,
        now,
        now,
      );
      if ((i + 1) % 250_000 === 0) {
        raw.exec('COMMIT');
        raw.exec('BEGIN');
        log(`${(i + 1).toLocaleString()} appointments`);
      }
    }
    raw.exec('COMMIT');
    for (const i of idx) raw.exec(i.sql);
    raw.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    raw.close();
    const seededS = ((performance.now() - t0) / 1000).toFixed(1);
    log(`seeded ${PATIENTS.toLocaleString()} patients, ${APPOINTMENTS.toLocaleString()} appointments in ${seededS} s`);

    const started = await exportService(deps).start(clinicId, systemActor, '127.0.0.1');
    // The export runs in a process of its own, as in a worker: its memory is the export's, not
    // the seeding's.
    const child = fork(join(import.meta.dirname, 'lib/export-worker.ts'), [], {
      env: { ...process.env, BENCH_EXPORT_DB: file, BENCH_EXPORT_KEY: key, BENCH_EXPORT_DIR: join(dir, 'exports') },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [
        ...WORKER_NODE_FLAGS,
        ...(process.env.BENCH_EXPORT_FLAGS ? process.env.BENCH_EXPORT_FLAGS.split(' ') : []),
        ...(process.env.BENCH_EXPORT_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_EXPORT_PROF}`] : []),
      ],
    });
    child.send({ clinicId, exportId: started.id });
    const r = await new Promise<WorkerResult>((res, rej) => {
      child.once('message', (m) => res(m as WorkerResult));
      child.once('exit', (code) => rej(new Error(`the export process ended (${code}) without a result`)));
    });
    const value = Math.round(r.fhirResources / r.fhirS);
    return {
      metric: 'fhir_resources_per_s',
      value,
      unit: 'resources/s',
      baseline: TARGET,
      ratio: Math.round((value / TARGET) * 100) / 100,
      rss_mb: r.rssPeakMb,
      rss_before_mb: r.rssBeforeMb,
      memory_by_step_mb: r.byStep,
      patients: PATIENTS,
      appointments: APPOINTMENTS,
      fhir_resources: r.fhirResources,
      table_rows: r.tableRows,
      table_rows_per_s: Math.round(r.tableRows / r.tablesS),
      tables_s: r.tablesS,
      fhir_s: r.fhirS,
      zip_s: r.zipS,
      total_s: r.totalS,
      zip_mb: r.zipMb,
    };
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
