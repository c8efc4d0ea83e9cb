// `npm run bench -- ingest`: appointments/s through POST /his/v1/appointments/batch over real
// HTTP (1,000 per request, each creating the appointment row, its history row and its
// status-change row) against raw node:sqlite inserts of the same three rows per appointment
// in the same run; plus the time to resync 100k status changes through GET status-changes
// pages of 1,000. Both sides use a WAL SQLite file under a temp directory.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { buildApp } from '../apps/server/src/app.ts';
import { loadConfig } from '../apps/server/src/config.ts';
import { createDatabase, openSqlite } from '../apps/server/src/db/connection.ts';
import { migrate } from '../apps/server/src/db/migrator.ts';
import { createDeps } from '../apps/server/src/deps-factory.ts';
import { apiKeyService } from '../apps/server/src/modules/api-keys/service.ts';
import { clinicService } from '../apps/server/src/modules/clinics/service.ts';
import { systemActor } from '../apps/server/src/platform/audit.ts';
import { newId } from '../apps/server/src/platform/crypto.ts';

const TOTAL = Number(process.env.BENCH_INGEST_TOTAL ?? 100_000);
const PER_REQUEST = 1000;
const PATIENTS = 2000;
const DOCTORS = 10;
const log = (s: string) => process.stderr.write(`[ingest] ${s}\n`);
const STATUSES = ['booked', 'checked_in', 'completed', 'cancelled', 'no_show'];

const pad2 = (n: number) => String(n).padStart(2, '0');

function item(i: number) {
  const day = 1 + (i % 28);
  return {
    appointmentId: `A${String(i).padStart(8, '0')}`,
    patientId: `P${i % PATIENTS}`,
    doctorId: `D${i % DOCTORS}`,
    startsAt: `2026-06-${pad2(day)}T${pad2(8 + (i % 10))}:${i % 2 ? '30' : '00'}:00+08:00`,
    durationMinutes: 15,
    visitType: i % 3 ? '複診' : '初診',
    status: STATUSES[i % 7 === 0 ? 3 : 0],
    version: 1,
  };
}

async function viaHttp(dir: string) {
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: `sqlite:${join(dir, 'api.db')}`,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    PUBLIC_BASE_URL: 'http://localhost',
    LOG_LEVEL: 'silent',
  });
  const { deps, database } = await createDeps(config);
  const app = await buildApp(deps, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const clinic = await clinicService(deps).create({ name: '壓測診所' });
  const { key } = await apiKeyService(deps).create(clinic.id, 'bench', systemActor, '127.0.0.1');
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  for (let d = 0; d < DOCTORS; d++)
    await fetch(`${base}/his/v1/doctors/D${d}`, { method: 'PUT', headers, body: JSON.stringify({ name: `醫師${d}` }) });
  for (let p = 0; p < PATIENTS; p++)
    await fetch(`${base}/his/v1/patients/P${p}`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ name: `病患${p}`, phone: `09${String(10_000_000 + p).slice(-8)}` }),
    });

  const bodies: string[] = [];
  for (let s = 0; s < TOTAL; s += PER_REQUEST)
    bodies.push(
      JSON.stringify({ items: Array.from({ length: Math.min(PER_REQUEST, TOTAL - s) }, (_, k) => item(s + k)) }),
    );
  log(`HTTP: ${bodies.length} requests of ${PER_REQUEST}`);
  // Warm-up on other ids (JIT), not counted.
  await fetch(`${base}/his/v1/appointments/batch`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      items: Array.from({ length: PER_REQUEST }, (_, k) => ({ ...item(k), appointmentId: `W${k}` })),
    }),
  });
  const t0 = performance.now();
  let created = 0;
  for (const [i, body] of bodies.entries()) {
    const res = await fetch(`${base}/his/v1/appointments/batch`, { method: 'POST', headers, body });
    const json = (await res.json()) as { summary: { created: number } };
    if (res.status !== 200) throw new Error(`batch answered ${res.status}: ${JSON.stringify(json).slice(0, 300)}`);
    created += json.summary.created;
    if (i % 20 === 19) log(`  ${created} appointments`);
  }
  const seconds = (performance.now() - t0) / 1000;
  if (created !== TOTAL) throw new Error(`expected ${TOTAL} created, got ${created}`);

  // Resync: every status change of the clinic in pages of 1,000.
  const r0 = performance.now();
  let after: string | null = null;
  let changes = 0;
  for (;;) {
    const res = await fetch(`${base}/his/v1/status-changes?limit=1000${after ? `&after=${after}` : ''}`, { headers });
    const page = (await res.json()) as { items: unknown[]; nextCursor: string | null };
    if (page.items.length === 0) break;
    changes += page.items.length;
    after = page.nextCursor;
  }
  const resyncMs = performance.now() - r0;
  await app.close();
  await database.close();
  return { apptPerS: TOTAL / seconds, seconds, resyncMs, changes };
}

async function rawBaseline(dir: string) {
  const file = join(dir, 'raw.db');
  const database = createDatabase(`sqlite:${file}`);
  await migrate(database);
  await database.close();
  const db: DatabaseSync = openSqlite(file);
  const clinicId = newId();
  const now = new Date().toISOString();
  db.prepare(
    `INSERT INTO clinics (id, name, time_zone, address, phone, business_hours, status, sandbox_of, created_at,
    updated_at) VALUES (?, 'raw', 'Asia/Taipei', '', '', '[]', 'active', NULL, ?, ?)`,
  ).run(clinicId, now, now);
  const patientIds: string[] = [];
  const doctorIds: string[] = [];
  const insP = db.prepare(
    `INSERT INTO patients (id, clinic_id, his_id, name, phone_is_mobile, line_status, created_at, updated_at)
    VALUES (?, ?, ?, ?, 0, 'unbound', ?, ?)`,
  );
  const insD = db.prepare(
    `INSERT INTO doctors (id, clinic_id, his_id, name, active, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)`,
  );
  for (let p = 0; p < PATIENTS; p++) {
    const id = newId();
    patientIds.push(id);
    insP.run(id, clinicId, `P${p}`, `病患${p}`, now, now);
  }
  for (let d = 0; d < DOCTORS; d++) {
    const id = newId();
    doctorIds.push(id);
    insD.run(id, clinicId, `D${d}`, `醫師${d}`, now, now);
  }
  const insA =
    db.prepare(`INSERT INTO appointments (id, clinic_id, his_id, patient_id, doctor_id, starts_at, starts_at_local,
    duration_minutes, visit_type, status, note, version, reply_status, reply_status_at, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, 'not_sent', NULL, ?, ?)`);
  const insH = db.prepare(
    `INSERT INTO appointment_history (clinic_id, appointment_id, version, source, actor_type, actor_id, actor_label,
    old_status, new_status, changed_fields, created_at)
    VALUES (?, ?, ?, 'his', 'api_key', 'k', 'bench', NULL, ?, '[]', ?)`,
  );
  const insS = db.prepare(
    `INSERT INTO status_changes (clinic_id, subject, subject_id, subject_his_id, patient_his_id, light, from_value,
    to_value, source, actor_label, reason, created_at)
    VALUES (?, 'appointment', ?, ?, ?, 'status', NULL, ?, 'his', 'bench', NULL, ?)`,
  );
  const t0 = performance.now();
  for (let s = 0; s < TOTAL; s += PER_REQUEST) {
    db.exec('BEGIN');
    for (let i = s; i < Math.min(TOTAL, s + PER_REQUEST); i++) {
      const it = item(i);
      const id = newId();
      const ts = new Date().toISOString();
      insA.run(
        id,
        clinicId,
        it.appointmentId,
        patientIds[i % PATIENTS],
        doctorIds[i % DOCTORS],
        new Date(it.startsAt).toISOString(),
        it.startsAt,
        it.durationMinutes,
        it.visitType,
        it.status,
        it.version,
        ts,
        ts,
      );
      insH.run(clinicId, id, it.version, it.status, ts);
      insS.run(clinicId, id, it.appointmentId, it.patientId, it.status, ts);
    }
    db.exec('COMMIT');
  }
  const seconds = (performance.now() - t0) / 1000;
  db.close();
  return { apptPerS: TOTAL / seconds, seconds };
}

export default async function main(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'careline-ingest-'));
  try {
    log(`raw node:sqlite baseline: ${TOTAL} appointments`);
    const raw = await rawBaseline(dir);
    log(`raw: ${Math.round(raw.apptPerS)} appt/s`);
    const http = await viaHttp(dir);
    log(
      `http: ${Math.round(http.apptPerS)} appt/s; resync of ${http.changes} changes in ${Math.round(http.resyncMs)} ms`,
    );
    return {
      metric: 'appointments_per_s',
      value: Math.round(http.apptPerS),
      unit: 'appt/s',
      baseline: Math.round(raw.apptPerS),
      ratio: Math.round((http.apptPerS / raw.apptPerS) * 1000) / 1000,
      resync_100k_ms: Math.round(http.resyncMs),
      resync_changes: http.changes,
      appointments: TOTAL,
      per_request: PER_REQUEST,
      rss_mb: Math.round(process.memoryUsage().rss / 1e6),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
