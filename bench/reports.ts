// `npm run bench -- reports`: the 報表 dashboard's requests (GET /api/reports/kpis by day, week
// and month, per doctor and visit type, the baseline comparison and the month's value in NT$)
// through the whole app on three years of a large clinic on SQLite: 1,000,000 appointments,
// 100,000 patients (60 % bound to LINE), 2,000,000 messages (1,500,000 LINE messages in and out,
// 300,000 reminder deliveries, 200,000 SMS), 100,000 satisfaction answers, 3,000 complaints, plus
// another clinic's tenth. The roll-up's first (full-history) build is timed too. Baseline: the
// same requests answered naively in the same run — the same aggregate queries over the source
// tables for the requested range (what a page would cost without roll-ups).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { buildApp } from '../apps/server/src/app.ts';
import { loadConfig } from '../apps/server/src/config.ts';
import { createDeps } from '../apps/server/src/deps-factory.ts';
import { clinicService } from '../apps/server/src/modules/clinics/service.ts';
import { monthChunks } from '../apps/server/src/modules/reports/periods.ts';
import { countDays, runRollup } from '../apps/server/src/modules/reports/rollup.ts';
import { staffService } from '../apps/server/src/modules/staff/service.ts';
import { newId } from '../apps/server/src/platform/crypto.ts';
import { addDays, localParts } from '../apps/server/src/platform/time.ts';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const APPOINTMENTS = Math.round(1_000_000 * SCALE);
const PATIENTS = Math.round(100_000 * SCALE);
const LINE_MESSAGES = Math.round(1_500_000 * SCALE);
const DELIVERIES = Math.round(300_000 * SCALE);
const SMS = Math.round(200_000 * SCALE);
const SURVEYS = Math.round(100_000 * SCALE);
const COMPLAINTS = Math.round(3_000 * SCALE);
const DAYS = 3 * 365;
const TZ = 'Asia/Taipei';

const VISITS = ['初診', '複診', '洗牙', '根管治療', '矯正回診', '植牙諮詢'];
const REPLIES = ['not_sent', 'awaiting_reply', 'confirmed', 'confirmed', 'confirmed', 'cancel_requested'];
const STATUSES = [
  'completed',
  'completed',
  'completed',
  'completed',
  'completed',
  'checked_in',
  'no_show',
  'cancelled',
];
const OUT_SOURCES = ['staff', 'faq:1', 'reminder', 'auto_reply:1', 'reminder', 'broadcast'];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] * 100) / 100;
};
const rnd = (seed: number) => () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;

export default async function bench() {
  // BENCH_REUSE_DIR=<dir>: keep the filled database (and its roll-ups) there between runs.
  const reuse = process.env.BENCH_REUSE_DIR;
  const dir = reuse ?? mkdtempSync(join(tmpdir(), 'careline-bench-reports-'));
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
  const now = deps.clock.now();
  const today = localParts(now, TZ).date;
  const r = rnd(42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const dayStartMs = (offsetDays: number) => Date.parse(`${addDays(today, -offsetDays)}T00:00:00+08:00`);
  /** An instant on one of the last DAYS days (today included), 08:00–21:00 Taipei. */
  const someTime = () => new Date(dayStartMs(Math.floor(r() * DAYS)) + (8 * 60 + Math.floor(r() * 52) * 15) * 60_000);

  /** Statements in one SQLite transaction on the one connection (begin/commit around them). */
  async function inBulk(fn: () => Promise<void>) {
    await sql`BEGIN`.execute(db);
    await fn();
    await sql`COMMIT`.execute(db);
  }

  async function insert(table: string, rows: Record<string, unknown>[]) {
    for (let i = 0; i < rows.length; i += 500)
      await db
        .insertInto(table as never)
        .values(rows.slice(i, i + 500) as any)
        .execute();
  }

  async function fill(name: string, scale: number) {
    const clinic = await clinicService(deps).create({ name, timeZone: TZ });
    const at = now.toISOString();
    const doctors = Array.from({ length: 8 }, (_, i) => ({
      id: newId(),
      clinic_id: clinic.id,
      his_id: `D${i + 1}`,
      name: `醫師${i + 1}`,
      department: '牙科',
      title: null,
      active: 1,
      created_at: at,
      updated_at: at,
    }));
    await insert('doctors', doctors);
    const patients: { id: string; line: string | null }[] = [];
    const nPatients = Math.round(PATIENTS * scale);
    await inBulk(async () => {
      for (let i = 0; i < nPatients; i += 500) {
        const rows = Array.from({ length: Math.min(500, nPatients - i) }, (_, k) => ({
          id: newId(),
          clinic_id: clinic.id,
          his_id: `P${i + k}`,
          name: '王小明',
          chart_no: String(100000 + i + k),
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
          created_at: at,
          updated_at: at,
        }));
        await insert('patients', rows);
        patients.push(...rows.map((p) => ({ id: p.id, line: r() < 0.6 ? `U${newId()}` : null })));
      }
    });
    // Bindings made over the three years: a visit before its patient's binding counts as unbound.
    await insert(
      'line_bindings',
      patients.flatMap((p) =>
        p.line
          ? [
              {
                clinic_id: clinic.id,
                line_user_id: p.line,
                patient_id: p.id,
                phone_hash: `h${p.id}`,
                phone_masked: '0912***678',
                created_at: someTime().toISOString(),
              },
            ]
          : [],
      ),
    );
    const bound = patients.filter((p) => p.line);
    const appts: { id: string; starts: string; doctor: string; vt: string; patient: string }[] = [];
    const nAppts = Math.round(APPOINTMENTS * scale);
    await inBulk(async () => {
      for (let i = 0; i < nAppts; i += 500) {
        const rows = Array.from({ length: Math.min(500, nAppts - i) }, (_, k) => {
          const ts = someTime().toISOString();
          return {
            id: newId(),
            clinic_id: clinic.id,
            his_id: `A${i + k}`,
            patient_id: pick(patients).id,
            doctor_id: pick(doctors).id,
            starts_at: ts,
            starts_at_local: ts,
            duration_minutes: 20,
            visit_type: pick(VISITS),
            status: pick(STATUSES),
            note: null,
            version: 1,
            reply_status: pick(REPLIES),
            reply_status_at: null,
            created_at: at,
            updated_at: at,
          };
        });
        await insert('appointments', rows);
        for (const a of rows)
          if (appts.length < 400_000 * scale)
            appts.push({ id: a.id, starts: a.starts_at, doctor: a.doctor_id, vt: a.visit_type, patient: a.patient_id });
      }
      const deliveries = Array.from({ length: Math.round(DELIVERIES * scale) }, (_, i) => {
        const a = appts[i % appts.length];
        return {
          id: newId(),
          clinic_id: clinic.id,
          appointment_id: a.id,
          rule_id: 'r48',
          rule_name: '前兩天',
          appointment_version: 1,
          visit_starts_at: a.starts,
          due_at: a.starts,
          explanation: '',
          state: r() < 0.96 ? 'sent' : 'failed',
          template_id: 'default',
          retry_key: newId(),
          created_at: at,
          updated_at: at,
        };
      });
      await insert('reminder_deliveries', deliveries);
      await insert(
        'satisfaction_surveys',
        Array.from({ length: Math.round(SURVEYS * scale) }, (_, i) => {
          const a = appts[(i * 3) % appts.length];
          const sent = new Date(Date.parse(a.starts) + 2 * 3_600_000).toISOString();
          return {
            id: newId(),
            clinic_id: clinic.id,
            appointment_id: a.id,
            patient_id: a.patient,
            doctor_id: a.doctor,
            visit_type: a.vt,
            visit_at: a.starts,
            status: 'answered',
            send_at: sent,
            sent_at: sent,
            stars: 1 + Math.floor(r() * 5 + 0.7),
            answered_at: sent,
            review_offered: 0,
            created_at: at,
            updated_at: at,
          };
        }).map((s) => ({ ...s, stars: Math.min(5, s.stars) })),
      );
    });
    // The LINE log: conversations of bound patients — a question, sometimes a bot or staff answer, pushes.
    await inBulk(async () => {
      const nLine = Math.round(LINE_MESSAGES * scale);
      for (let i = 0; i < nLine; i += 5000) {
        const rows: Record<string, unknown>[] = [];
        for (let k = 0; k < Math.min(5000, nLine - i); k += 3) {
          const u = pick(bound).line!;
          const t = someTime().getTime();
          rows.push(
            {
              clinic_id: clinic.id,
              line_user_id: u,
              direction: 'in',
              kind: 'text',
              text: '請問幾點開門',
              source: 'user',
              method: null,
              created_at: new Date(t).toISOString(),
            },
            {
              clinic_id: clinic.id,
              line_user_id: u,
              direction: 'out',
              kind: 'text',
              text: '您好',
              source: pick(OUT_SOURCES),
              method: r() < 0.5 ? 'reply' : 'push',
              created_at: new Date(t + Math.floor(r() * 7200) * 1000).toISOString(),
            },
            {
              clinic_id: clinic.id,
              line_user_id: u,
              direction: 'out',
              kind: 'flex',
              text: '提醒',
              source: 'reminder',
              method: r() < 0.1 ? 'pnp' : 'push',
              created_at: new Date(t + 86_400_000).toISOString(),
            },
          );
        }
        await insert('line_messages', rows);
      }
      await insert(
        'sms_messages',
        Array.from({ length: Math.round(SMS * scale) }, () => {
          const t = someTime().toISOString();
          return {
            id: newId(),
            clinic_id: clinic.id,
            to_masked: '0912***678',
            to_hash: 'h',
            purpose: 'reminder',
            provider: 'every8d',
            chars: 60,
            encoding: 'ucs2',
            segments: 1,
            cost: r() < 0.2 ? 2 : 1,
            status: 'sent',
            idempotency_key: newId(),
            created_at: t,
            updated_at: t,
          };
        }),
      );
      let seq = 0;
      await insert(
        'cases',
        Array.from({ length: Math.round(COMPLAINTS * scale) }, () => {
          const t = someTime().getTime();
          const iso = (ms: number) => new Date(ms).toISOString();
          return {
            id: newId(),
            clinic_id: clinic.id,
            year: 2026,
            seq: ++seq,
            number: `C${seq}`,
            kind: 'complaint',
            category: 'service',
            severity: 'normal',
            status: 'closed',
            source: 'line',
            contact_name: '',
            contact_method: 'line',
            text: '等太久',
            first_action_due_at: iso(t + 4 * 3_600_000),
            reply_due_at: iso(t + 24 * 3_600_000),
            first_action_at: iso(t + Math.floor(r() * 5 * 3_600_000)),
            replied_at: iso(t + Math.floor(r() * 26 * 3_600_000)),
            satisfaction: pick(['satisfied', 'satisfied', 'satisfied', 'neutral', 'unsatisfied']),
            created_at: iso(t),
            updated_at: iso(t),
          };
        }),
      );
    });
    return clinic;
  }

  const t0 = Date.now();
  let clinic: { id: string };
  let buildMs: number | null = null;
  if (filled)
    clinic = await db.selectFrom('clinics').select('id').where('name', '=', '報表壓測診所').executeTakeFirstOrThrow();
  else {
    clinic = await fill('報表壓測診所', 1);
    const other = await fill('另一間診所', 0.1);
    process.stderr.write(`filled in ${Math.round((Date.now() - t0) / 1000)} s\n`);
    await sql`ANALYZE`.execute(db);
    const b0 = performance.now();
    const built = await runRollup(deps, clinic.id);
    buildMs = Math.round(performance.now() - b0);
    process.stderr.write(`roll-up history ${built.from}…${built.to} built in ${buildMs} ms\n`);
    await runRollup(deps, other.id);
    await staffService(deps).createWithPassword(clinic.id, {
      email: 'bench-owner@careline.tw',
      name: '院長',
      role: 'admin',
      password: 'bench-password',
    });
  }
  const r0 = performance.now();
  await runRollup(deps, clinic.id);
  const refreshMs = Math.round(performance.now() - r0);
  process.stderr.write(`hourly refresh (45 days) in ${refreshMs} ms\n`);

  const app = await buildApp(deps, { logger: false });
  await app.ready();
  const login = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: 'bench-owner@careline.tw', password: 'bench-password' },
  });
  const cookie = `careline_session=${login.cookies.find((c) => c.name === 'careline_session')!.value}`;

  const month = today.slice(0, 7);
  const from30 = addDays(today, -29);
  const from12w = addDays(today, -83);
  const from12m = `${addDays(today, -365).slice(0, 7)}-01`;
  const from3y = `${addDays(today, -DAYS + 1).slice(0, 7)}-01`;
  // What the dashboard, the value page and the monthly report ask for; `range` is what a naive page would aggregate.
  const requests: { url: string; range: [string, string] }[] = [
    { url: `/api/reports/kpis?grain=day&from=${from30}&to=${today}`, range: [from30, today] },
    { url: `/api/reports/kpis?grain=week&from=${from12w}&to=${today}`, range: [from12w, today] },
    { url: `/api/reports/kpis?grain=month&from=${from12m}&to=${today}`, range: [from12m, today] },
    { url: `/api/reports/kpis?grain=month&from=${from12m}&to=${today}&doctorId=D3`, range: [from12m, today] },
    {
      url: `/api/reports/kpis?grain=week&from=${from12w}&to=${today}&visitType=${encodeURIComponent('洗牙')}`,
      range: [from12w, today],
    },
    { url: `/api/reports/kpis?grain=month&from=${from3y}&to=${today}`, range: [from3y, today] },
    { url: `/api/reports/baseline?from=${addDays(today, -89)}&to=${today}`, range: [addDays(today, -89), today] },
    { url: `/api/reports/value?month=${month}`, range: [`${month}-01`, today] },
  ];

  const times: number[] = [];
  const per = new Map<string, number[]>();
  const rounds = Number(process.env.BENCH_ROUNDS ?? 20);
  for (let round = 0; round < rounds + 2; round++)
    for (const q of requests) {
      const s = performance.now();
      const res = await app.inject({ method: 'GET', url: q.url, headers: { cookie } });
      const ms = performance.now() - s;
      if (res.statusCode !== 200) throw new Error(`${q.url}: ${res.statusCode} ${res.body}`);
      if (round >= 2) {
        times.push(ms);
        per.set(q.url, [...(per.get(q.url) ?? []), ms]);
      }
    }
  for (const [url, xs] of per)
    process.stderr.write(`  p50 ${pct(xs, 50)} ms  p95 ${pct(xs, 95)} ms  ${decodeURIComponent(url)}\n`);

  // Baseline: each request answered from the source tables — the roll-up's own aggregate
  // queries over the requested range, a month at a time, without the roll-up tables.
  const baseTimes: number[] = [];
  const baseRounds = Number(process.env.BENCH_BASELINE_ROUNDS ?? 1);
  for (let round = 0; round < baseRounds; round++)
    for (const q of requests) {
      const s = performance.now();
      for (const chunk of monthChunks(q.range[0], q.range[1]))
        await countDays(deps, clinic.id, chunk.from, chunk.to, TZ);
      const ms = performance.now() - s;
      baseTimes.push(ms);
      process.stderr.write(`  naive ${Math.round(ms)} ms  ${decodeURIComponent(q.url)}\n`);
    }

  await app.close();
  await database.close();
  if (!reuse) rmSync(dir, { recursive: true, force: true });
  const value = pct(times, 95);
  const baseline = pct(baseTimes, 95);
  return {
    metric: 'dashboard_p95_ms',
    value,
    unit: 'ms',
    baseline,
    ratio: Math.round((baseline / value) * 100) / 100,
    p50_ms: pct(times, 50),
    p95_ms: value,
    p99_ms: pct(times, 99),
    baseline_p50_ms: pct(baseTimes, 50),
    rollup_build_ms: buildMs,
    rollup_refresh_ms: refreshMs,
    appointments: APPOINTMENTS,
    patients: PATIENTS,
    messages: LINE_MESSAGES + DELIVERIES + SMS,
    requests: times.length,
    target_ms: 100,
  };
}
