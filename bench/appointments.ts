// `npm run bench -- appointments`: p95 latency of the front desk's appointment list
// (GET /api/appointments through the whole app: session, filters, search, sort, page, count,
// audit, serialisation) with 200k appointments of one clinic (plus another clinic's 20k) on
// SQLite. A mix of what the front desk does all day: today, tomorrow by doctor, this week's
// 尚未回覆, a 2-character name, the last 4 digits of a phone, a chart number, a month sorted
// by patient name, page 5 of a quarter. Baseline: the same lists done naively in the same run
// (read the clinic's appointments with patients and doctors, filter/search/sort in JS).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../apps/server/src/app.ts';
import { loadConfig } from '../apps/server/src/config.ts';
import { createDeps } from '../apps/server/src/deps-factory.ts';
import { clinicService } from '../apps/server/src/modules/clinics/service.ts';
import { staffService } from '../apps/server/src/modules/staff/service.ts';
import { newId } from '../apps/server/src/platform/crypto.ts';

const APPOINTMENTS = Number(process.env.BENCH_APPOINTMENTS ?? 200_000);
const PATIENTS = Math.max(1000, Math.round(APPOINTMENTS / 8));
const SURNAMES = '陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周';
const GIVEN = '志明怡君家豪雅婷冠宇佳穎承恩思妤柏翰宜蓁俊傑詩涵宗翰欣怡';
const REPLIES = [
  'not_sent',
  'awaiting_reply',
  'confirmed',
  'confirmed',
  'confirmed',
  'cancel_requested',
  'reschedule_requested',
];
const VISITS = ['初診', '複診', '洗牙', '根管治療', '矯正回診', '植牙諮詢'];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] * 100) / 100;
};
const rnd = (seed: number) => () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;

export default async function bench() {
  // BENCH_REUSE_DIR=<dir>: keep the filled database there between runs (for tuning queries).
  const reuse = process.env.BENCH_REUSE_DIR;
  const dir = reuse ?? mkdtempSync(join(tmpdir(), 'careline-bench-appts-'));
  const filled = !!reuse && existsSync(join(dir, 'bench.db'));
  if (reuse) mkdirSync(dir, { recursive: true });
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'silent',
    PUBLIC_BASE_URL: 'http://bench.test',
  });
  const { deps, database } = await createDeps(config);
  const db = deps.db;
  const now = new Date();
  const r = rnd(42);

  async function fill(name: string, appointments: number, patients: number) {
    const clinic = await clinicService(deps).create({ name, timeZone: 'Asia/Taipei' });
    const at = now.toISOString();
    const doctors = Array.from({ length: 6 }, (_, i) => ({
      id: newId(),
      clinic_id: clinic.id,
      his_id: `D${i + 1}`,
      name: `${SURNAMES[i]}${GIVEN.slice(i * 2, i * 2 + 2)}`,
      department: '牙科',
      title: null,
      active: 1,
      created_at: at,
      updated_at: at,
    }));
    await db.insertInto('doctors').values(doctors).execute();
    const pats: { id: string }[] = [];
    for (let i = 0; i < patients; i += 500) {
      const rows = Array.from({ length: Math.min(500, patients - i) }, (_, k) => {
        const n = i + k;
        const phone = `+8869${String(10_000_000 + Math.floor(r() * 89_999_999)).slice(0, 8)}`;
        return {
          id: newId(),
          clinic_id: clinic.id,
          his_id: `P${n}`,
          name: SURNAMES[Math.floor(r() * 20)] + GIVEN[Math.floor(r() * 32)] + GIVEN[Math.floor(r() * 32)],
          chart_no: String(100000 + n),
          gender: null,
          birth_date: null,
          phone_e164: phone,
          phone_is_mobile: 1,
          phone_hash: deps.crypto.lookupHash(phone),
          national_id_enc: null,
          national_id_hash: null,
          national_id_masked: null,
          line_status: r() < 0.6 ? 'bound' : r() < 0.95 ? 'unbound' : 'blocked',
          line_status_at: null,
          created_at: at,
          updated_at: at,
        };
      });
      await db.insertInto('patients').values(rows).execute();
      pats.push(...rows);
    }
    // Visits spread over ±180 days around today, 08:00–21:00 Taipei.
    const day0 = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - 180 * 86_400_000;
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < appointments; i += 500) {
        const rows = Array.from({ length: Math.min(500, appointments - i) }, (_, k) => {
          const start = new Date(day0 + Math.floor(r() * 360) * 86_400_000 + Math.floor(r() * 52) * 15 * 60_000);
          const ts = start.toISOString();
          return {
            id: newId(),
            clinic_id: clinic.id,
            his_id: `A${i + k}`,
            patient_id: pats[Math.floor(r() * pats.length)].id,
            doctor_id: doctors[Math.floor(r() * doctors.length)].id,
            starts_at: ts,
            starts_at_local: ts,
            duration_minutes: 20,
            visit_type: VISITS[Math.floor(r() * VISITS.length)],
            status: r() < 0.08 ? 'cancelled' : 'booked',
            note: null,
            version: 1,
            reply_status: REPLIES[Math.floor(r() * REPLIES.length)],
            reply_status_at: null,
            created_at: at,
            updated_at: at,
          };
        });
        await trx.insertInto('appointments').values(rows).execute();
      }
    });
    return clinic;
  }

  const t0 = Date.now();
  let clinic: { id: string };
  if (filled)
    clinic = await db.selectFrom('clinics').select('id').where('name', '=', '壓測診所').executeTakeFirstOrThrow();
  else {
    clinic = await fill('壓測診所', APPOINTMENTS, PATIENTS);
    await fill('另一間診所', Math.round(APPOINTMENTS / 10), Math.round(PATIENTS / 10));
    process.stderr.write(
      `filled ${APPOINTMENTS} + ${Math.round(APPOINTMENTS / 10)} appointments in ${Date.now() - t0} ms\n`,
    );
  }
  const { sql } = await import('kysely');
  await sql`ANALYZE`.execute(db);

  if (!filled)
    await staffService(deps).createWithPassword(clinic.id, {
      email: 'bench-desk@careline.tw',
      name: '櫃台',
      role: 'front_desk',
      password: 'bench-password',
    });
  const app = await buildApp(deps, { logger: false });
  await app.ready();
  const login = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: 'bench-desk@careline.tw', password: 'bench-password' },
  });
  const cookie = `careline_session=${login.cookies.find((c) => c.name === 'careline_session')!.value}`;

  const local = (offsetDays: number) =>
    new Date(now.getTime() + 8 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
  const sample = await db
    .selectFrom('patients')
    .select(['name', 'phone_e164', 'chart_no'])
    .where('clinic_id', '=', clinic.id)
    .limit(1)
    .offset(777)
    .executeTakeFirstOrThrow();
  const queries: Record<string, string | number | boolean>[] = [
    { fromDate: local(0), toDate: local(0) },
    { fromDate: local(1), toDate: local(1), doctorId: 'D2' },
    { fromDate: local(0), toDate: local(6), reply: 'awaiting_reply' },
    { q: sample.name.slice(0, 2) },
    { q: sample.phone_e164!.slice(-4) },
    { q: sample.chart_no! },
    { fromDate: local(0), toDate: local(6), sort: 'patientName' },
    { fromDate: local(-45), toDate: local(45), page: 5, sort: 'startsAt', order: 'desc' },
  ];

  const times: number[] = [];
  const perQuery = new Map<string, number[]>();
  const rounds = Number(process.env.BENCH_ROUNDS ?? 25);
  for (let round = 0; round < rounds + 2; round++) {
    for (const q of queries) {
      const qs = new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)])).toString();
      const s = performance.now();
      const res = await app.inject({ method: 'GET', url: `/api/appointments?${qs}&pageSize=50`, headers: { cookie } });
      const ms = performance.now() - s;
      if (res.statusCode !== 200) throw new Error(`list failed: ${res.statusCode} ${res.body}`);
      if (round >= 2) {
        times.push(ms); // two warm-up rounds
        perQuery.set(qs, [...(perQuery.get(qs) ?? []), ms]);
      }
    }
  }

  for (const [qs, xs] of perQuery)
    process.stderr.write(`  p50 ${pct(xs, 50)} ms  p95 ${pct(xs, 95)} ms  ${decodeURIComponent(qs)}\n`);

  // Baseline: the naive way — every appointment of the clinic with its patient and doctor,
  // then filter, search, sort and page in JavaScript.
  const baseTimes: number[] = [];
  const baseRounds = Number(process.env.BENCH_BASELINE_ROUNDS ?? 2);
  for (let round = 0; round < baseRounds; round++) {
    for (const q of queries) {
      const s = performance.now();
      const rows = await db
        .selectFrom('appointments as a')
        .innerJoin('patients as p', 'p.id', 'a.patient_id')
        .innerJoin('doctors as d', 'd.id', 'a.doctor_id')
        .selectAll('a')
        .select([
          'p.name as patient_name',
          'p.phone_e164',
          'p.chart_no',
          'd.his_id as doctor_his_id',
          'd.name as doctor_name',
        ])
        .where('a.clinic_id', '=', clinic.id)
        .execute();
      const from = q.fromDate ? new Date(`${q.fromDate}T00:00:00+08:00`).toISOString() : '';
      const to = q.toDate
        ? new Date(new Date(`${q.toDate}T00:00:00+08:00`).getTime() + 86_400_000).toISOString()
        : '\uffff';
      const term = q.q ? String(q.q) : null;
      const hit = rows.filter(
        (x) =>
          x.starts_at >= from &&
          x.starts_at < to &&
          (!q.doctorId || x.doctor_his_id === q.doctorId) &&
          (!q.reply || x.reply_status === q.reply) &&
          (!term || x.patient_name.includes(term) || (x.phone_e164 ?? '').endsWith(term) || x.chart_no === term),
      );
      const key = q.sort === 'patientName' ? 'patient_name' : 'starts_at';
      hit.sort((a, b) => (q.order === 'desc' ? -1 : 1) * String(a[key]).localeCompare(String(b[key])));
      const page = Number(q.page ?? 1);
      JSON.stringify({ items: hit.slice((page - 1) * 50, page * 50), total: hit.length });
      baseTimes.push(performance.now() - s);
    }
  }

  await app.close();
  await database.close();
  if (!reuse) rmSync(dir, { recursive: true, force: true });
  const value = pct(times, 95);
  const baseline = pct(baseTimes, 95);
  return {
    bench: 'appointments',
    metric: 'list_p95_ms',
    value,
    unit: 'ms',
    baseline,
    ratio: Math.round((baseline / value) * 100) / 100,
    p50_ms: pct(times, 50),
    p95_ms: value,
    p99_ms: pct(times, 99),
    baseline_p50_ms: pct(baseTimes, 50),
    appointments: APPOINTMENTS,
    patients: PATIENTS,
    requests: times.length,
    target_ms: 100,
  };
}
