// `npm run bench -- search`: patient search at 1,000,000 patients (realistic Chinese names,
// mobile phones, chart numbers, national IDs, tags, visits) on a SQLite WAL file — and on
// PostgreSQL when BENCH_DATABASE_URL is set. Ten query shapes through the same code the API
// uses (searchPatients: page of 50 + capped count) against a naive LIKE '%…%' scan measured
// in the same run; plus the import rate of a 100k-row CSV (parse → validate → insert).
// Env: BENCH_SEARCH_PATIENTS (default 1,000,000), BENCH_SEARCH_ITER (default 40).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../apps/server/src/config.ts';
import { openSqlite } from '../apps/server/src/db/connection.ts';
import { createDeps } from '../apps/server/src/deps-factory.ts';
import { clinicService } from '../apps/server/src/modules/clinics/service.ts';
import { nameGrams, nameKey, phoneRev } from '../apps/server/src/modules/patients/grams.ts';
import { listCountCap, searchPatientPage, type PatientFilter } from '../apps/server/src/modules/patients/service.ts';
import { strokeSortKey } from '../apps/server/src/modules/patients/stroke-order.ts';
import { readTable, validateRows, insertRows } from '../apps/server/src/modules/patients/transfer.ts';
import type { Deps } from '../apps/server/src/platform/deps.ts';
import { sql, type RawBuilder } from 'kysely';

const N = Number(process.env.BENCH_SEARCH_PATIENTS ?? 1_000_000);
const ITER = Number(process.env.BENCH_SEARCH_ITER ?? 40);
const IMPORT_ROWS = Number(process.env.BENCH_SEARCH_IMPORT ?? 100_000);
const log = (s: string) => process.stderr.write(`[search] ${s}\n`);

// Surnames weighted roughly like Taiwan's (陳 林 黃 張 李 王 吳 劉 蔡 楊 …) and common given-name
// characters.
const SURNAMES =
  '陳陳陳陳陳陳林林林林林黃黃黃黃張張張張李李李王王王吳吳劉劉蔡蔡楊楊許鄭謝郭洪曾邱廖賴周徐蘇葉莊呂江何蕭羅高潘簡朱鍾彭游詹胡施' +
  '沈余盧梁趙顏柯翁魏孫戴范方宋鄧杜傅侯曹薛丁卓馬阮董唐溫藍蔣石古紀姚連馮歐程湯田康姜白汪鄒尤巫鐘黎涂龔嚴韓袁金童陸夏柳邵錢伍倪于譚駱熊任甘秦顧毛章史官萬俞雷粘饒';
const COMPOUND = ['歐陽', '張簡', '范姜', '司馬', '諸葛'];
const GIVEN =
  '家怡雅婷淑芬美玲志明俊傑建宏宗翰承恩冠宇柏翰品妤詩涵欣怡宜蓁子晴思妤佳穎雅筑怡君佩君惠如秀英麗華春嬌文雄國華明德正雄金龍建國振宇彥廷宇軒冠廷柏宇睿恩宥辰品睿芷晴語彤以恩心妍昀蓁小明大同志豪世傑信宏俊宏家豪哲瑋';
const G = [...GIVEN];
const S = [...SURNAMES];

let seed = 42;
export const resetSeed = (s = 42) => {
  seed = s;
};
/** mulberry32: deterministic, fast, no precision loss. */
function rnd(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];

function genName(): string {
  const sur = rnd() < 0.01 ? pick(COMPOUND) : pick(S);
  return rnd() < 0.9 ? sur + pick(G) + pick(G) : sur + pick(G);
}
const LETTERS = 'ABCDEFGHJKLMNPQRSTUVXYWZIO';
function genNationalId(): string {
  const l = LETTERS[Math.floor(rnd() * 26)];
  const digits = [rnd() < 0.5 ? 1 : 2, ...Array.from({ length: 7 }, () => Math.floor(rnd() * 10))];
  const code = 10 + LETTERS.indexOf(l);
  let sum = Math.floor(code / 10) + (code % 10) * 9;
  digits.forEach((d, i) => {
    sum += d * (8 - i);
  });
  const check = (10 - (sum % 10)) % 10;
  return l + digits.join('') + check;
}
const pad = (n: number, w: number) => String(n).padStart(w, '0');
const iso = (ms: number) => new Date(ms).toISOString();

export type Gen = {
  id: string;
  name: string;
  phone: string;
  chart: string;
  birth: string;
  nid: string;
  line: string;
  last: string | null;
  next: string | null;
  tags: number[];
};

export function* generate(n: number, clinicId: string): Generator<Gen> {
  const now = Date.parse('2026-06-01T00:00:00Z');
  for (let i = 0; i < n; i++) {
    const r = rnd();
    yield {
      id: `p${pad(i, 8)}-${clinicId.slice(0, 6)}`,
      name: genName(),
      phone: `+8869${pad(Math.floor(rnd() * 100_000_000), 8)}`,
      chart: `C${pad(i + 1, 7)}`,
      birth: `${1930 + Math.floor(rnd() * 94)}-${pad(1 + Math.floor(rnd() * 12), 2)}-${pad(
        1 + Math.floor(rnd() * 28),
        2,
      )}`,
      nid: genNationalId(),
      line: r < 0.3 ? 'bound' : r < 0.33 ? 'blocked' : 'unbound',
      last: rnd() < 0.8 ? iso(now - Math.floor(rnd() * 3 * 365) * 86_400_000) : null,
      next: rnd() < 0.2 ? iso(now + Math.floor(rnd() * 90) * 86_400_000) : null,
      tags: [0, 1, 2].filter(() => rnd() < 0.05),
    };
  }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const round = (x: number) => Math.round(x * 100) / 100;

export async function fillSqlite(file: string, clinicId: string, deps: Deps, sample: Gen[]): Promise<void> {
  const raw = openSqlite(file);
  raw.exec('PRAGMA synchronous = OFF');
  raw.exec('PRAGMA cache_size = -400000');
  // Bulk load: secondary indexes are dropped and rebuilt afterwards (a sort instead of 1M random B-tree inserts).
  const tables = ['patients', 'patient_profiles', 'patient_name_grams', 'patient_tags'];
  const idx = raw
    .prepare(
      `select name, sql from sqlite_master where type = 'index' and sql is not null
       and tbl_name in (${tables.map(() => '?').join(',')})`,
    )
    .all(...tables) as { name: string; sql: string }[];
  for (const i of idx) raw.exec(`drop index ${i.name}`);
  const now = new Date().toISOString();
  const insP = raw.prepare(`insert into patients (id, clinic_id, his_id, name, name_sort, chart_no, gender, birth_date,
      phone_e164, phone_is_mobile, phone_hash, national_id_enc, national_id_hash, national_id_masked, line_status,
      line_status_at, created_at, updated_at, last_visit_at, next_visit_at)
    values (?, ?, ?, ?, ?, ?, null, ?, ?, 1, ?, null, ?, ?, ?, null, ?, ?, ?, ?)`);
  const insPP = raw.prepare(
    `insert into patient_profiles (patient_id, clinic_id, source, notes, name_key, phone_rev, merged_into, merged_at,
     updated_at) values (?, ?, 'his', '', ?, ?, null, null, ?)`,
  );
  const insG = raw.prepare('insert or ignore into patient_name_grams (clinic_id, gram, patient_id) values (?, ?, ?)');
  const insT = raw.prepare(
    `insert into patient_tags (clinic_id, tag_id, patient_id, source, created_at) values (?, ?, ?, 'manual', ?)`,
  );
  for (let t = 0; t < 3; t++)
    raw
      .prepare(
        `insert into tags (id, clinic_id, name, color, kind, rule, recomputed_at, created_at, updated_at)
         values (?, ?, ?, 'blue', 'manual', null, null, ?, ?)`,
      )
      .run(`tag${t}-${clinicId}`, clinicId, `標籤${t}`, now, now);
  const grams: string[] = [];
  const tags: [number, string][] = [];
  raw.exec('BEGIN');
  let i = 0;
  for (const g of generate(N, clinicId)) {
    insP.run(
      g.id,
      clinicId,
      `H${i}`,
      g.name,
      strokeSortKey(g.name),
      g.chart,
      g.birth,
      g.phone,
      deps.crypto.lookupHash(g.phone),
      deps.crypto.lookupHash(g.nid),
      `${g.nid.slice(0, 3)}****${g.nid.slice(-3)}`,
      g.line,
      now,
      now,
      g.last,
      g.next,
    );
    insPP.run(g.id, clinicId, nameKey(g.name), phoneRev(g.phone), now);
    for (const gram of nameGrams(g.name)) grams.push(`${gram}\u0000${g.id}`);
    for (const t of g.tags) tags.push([t, g.id]);
    if (i % 997 === 0 && sample.length < 2000) sample.push(g);
    if (++i % 200_000 === 0) {
      raw.exec('COMMIT');
      raw.exec('BEGIN');
      log(`sqlite: ${i.toLocaleString()} patients`);
    }
  }
  raw.exec('COMMIT');
  grams.sort();
  raw.exec('BEGIN');
  for (const x of grams) {
    const k = x.indexOf('\u0000');
    insG.run(clinicId, x.slice(0, k), x.slice(k + 1));
  }
  tags.sort((a, b) => a[0] - b[0]);
  for (const [t, id] of tags) insT.run(clinicId, `tag${t}-${clinicId}`, id, now);
  raw.exec('COMMIT');
  log(`sqlite: ${grams.length.toLocaleString()} name grams; rebuilding ${idx.length} indexes`);
  for (const x of idx) raw.exec(x.sql);
  raw.exec('ANALYZE');
  raw.close();
}

export async function fillPostgres(url: string, clinicId: string, deps: Deps, sample: Gen[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const now = new Date().toISOString();
  for (let t = 0; t < 3; t++)
    await client.query(
      `insert into tags (id, clinic_id, name, color, kind, rule, recomputed_at, created_at, updated_at)
       values ($1, $2, $3, 'blue', 'manual', null, null, $4, $4)`,
      [`tag${t}-${clinicId}`, clinicId, `標籤${t}`, now],
    );
  let batch: Gen[] = [];
  let i = 0;
  const flush = async () => {
    if (!batch.length) return;
    const b = batch;
    batch = [];
    await client.query('begin');
    await client.query(
      `insert into patients (id, clinic_id, his_id, name, name_sort, chart_no, birth_date, phone_e164,
        phone_is_mobile, phone_hash, national_id_hash, national_id_masked, line_status, created_at, updated_at,
        last_visit_at, next_visit_at)
      select id, $1, his, nm, ns, ch, bd, ph, 1, phh, nih, nim, ls, $2, $2, lv, nv
      from unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
        $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
        as t(id, his, nm, ch, bd, ph, phh, nih, nim, ls, lv, nv, ns)`,
      [
        clinicId,
        now,
        b.map((g) => g.id),
        b.map((g) => `H${g.id}`),
        b.map((g) => g.name),
        b.map((g) => g.chart),
        b.map((g) => g.birth),
        b.map((g) => g.phone),
        b.map((g) => deps.crypto.lookupHash(g.phone)),
        b.map((g) => deps.crypto.lookupHash(g.nid)),
        b.map((g) => `${g.nid.slice(0, 3)}****${g.nid.slice(-3)}`),
        b.map((g) => g.line),
        b.map((g) => g.last),
        b.map((g) => g.next),
        b.map((g) => strokeSortKey(g.name)),
      ],
    );
    await client.query(
      `insert into patient_profiles (patient_id, clinic_id, source, notes, name_key, phone_rev, updated_at)
      select id, $1, 'his', '', nk, pr, $2 from unnest($3::text[], $4::text[], $5::text[]) as t(id, nk, pr)`,
      [clinicId, now, b.map((g) => g.id), b.map((g) => nameKey(g.name)), b.map((g) => phoneRev(g.phone))],
    );
    const grams = b.flatMap((g) => nameGrams(g.name).map((gram) => [gram, g.id]));
    await client.query(
      `insert into patient_name_grams (clinic_id, gram, patient_id)
       select $1, gr, id from unnest($2::text[], $3::text[]) as t(gr, id) on conflict do nothing`,
      [clinicId, grams.map((x) => x[0]), grams.map((x) => x[1])],
    );
    const tags = b.flatMap((g) => g.tags.map((t) => [`tag${t}-${clinicId}`, g.id]));
    if (tags.length)
      await client.query(
        `insert into patient_tags (clinic_id, tag_id, patient_id, source, created_at)
         select $1, tg, id, 'manual', $2 from unnest($3::text[], $4::text[]) as t(tg, id)`,
        [clinicId, now, tags.map((x) => x[0]), tags.map((x) => x[1])],
      );
    await client.query('commit');
  };
  for (const g of generate(N, clinicId)) {
    batch.push(g);
    if (i % 997 === 0 && sample.length < 2000) sample.push(g);
    if (++i % 20_000 === 0) {
      await flush();
      if (i % 200_000 === 0) log(`postgres: ${i.toLocaleString()} patients`);
    }
  }
  await flush();
  // A production table is vacuumed by autovacuum; right after a bulk load, do it now so index-only
  // scans see a set visibility map (as they would in steady state), then refresh the statistics.
  await client.query('vacuum analyze');
  await client.end();
}

type Shape = { name: string; filter: (g: Gen) => PatientFilter; naive: ((g: Gen) => RawBuilder<boolean>) | null };

const given2 = (g: Gen) => [...g.name].slice(-2).join('');
export const SHAPES: Shape[] = [
  { name: 'name_2char', filter: (g) => ({ q: given2(g) }), naive: (g) => sql<boolean>`name like ${`%${given2(g)}%`}` },
  { name: 'name_full', filter: (g) => ({ q: g.name }), naive: (g) => sql<boolean>`name like ${`%${g.name}%`}` },
  {
    name: 'surname_prefix',
    filter: (g) => ({ name: [...g.name][0] }),
    naive: (g) => sql<boolean>`name like ${`%${[...g.name][0]}%`}`,
  },
  {
    name: 'phone_last4',
    filter: (g) => ({ q: g.phone.slice(-4) }),
    naive: (g) => sql<boolean>`phone_e164 like ${`%${g.phone.slice(-4)}`}`,
  },
  {
    name: 'phone_formatted',
    filter: (g) => ({ q: `0${g.phone.slice(4, 7)}-${g.phone.slice(7, 10)}-${g.phone.slice(10)}` }),
    naive: (g) => sql<boolean>`phone_e164 like ${`%${g.phone.slice(4)}%`}`,
  },
  { name: 'chart_no', filter: (g) => ({ q: g.chart }), naive: (g) => sql<boolean>`chart_no like ${`%${g.chart}%`}` },
  { name: 'national_id', filter: (g) => ({ q: g.nid }), naive: null },
  { name: 'birth_date', filter: (g) => ({ birthDate: g.birth }), naive: null },
  {
    name: 'name_2char_and_line_bound',
    filter: (g) => ({ q: given2(g), lineStatus: ['bound'] }),
    naive: (g) => sql<boolean>`name like ${`%${given2(g)}%`} and line_status = 'bound'`,
  },
  {
    name: 'tag_and_last_visit_before',
    filter: () => ({ tagIds: ['TAG1'], lastVisitBefore: '2025-06-01T00:00:00Z', ageMin: 40 }),
    naive: null,
  },
];

export async function measure(deps: Deps, clinicId: string, sample: Gen[], label: string) {
  const ctx = { crypto: deps.crypto, today: '2026-06-01', nowIso: '2026-06-01T00:00:00.000Z', dialect: deps.dialect };
  const shapes: Record<
    string,
    { p50_ms: number; p95_ms: number; avg_rows: number; naive_p50_ms?: number; naive_p95_ms?: number }
  > = {};
  const all: number[] = [];
  const allNaive: number[] = [];
  // How far GET /api/patients counts at this clinic (it keeps the answer per clinic for minutes).
  const countCap = await listCountCap(deps.db, clinicId);
  // BENCH_SEARCH_SHAPES=name_2char,tag_and_last_visit_before measures only these shapes.
  const only = process.env.BENCH_SEARCH_SHAPES?.split(',').filter(Boolean);
  for (const s of SHAPES.filter((x) => !only?.length || only.includes(x.name))) {
    const times: number[] = [];
    let rows = 0;
    for (let k = 0; k < ITER + 3; k++) {
      const g = sample[(k * 37 + s.name.length) % sample.length];
      let f = s.filter(g);
      if (f.tagIds) f = { ...f, tagIds: [`tag1-${clinicId}`] };
      const t0 = performance.now();
      const r = await searchPatientPage(deps.db, clinicId, f, ctx, { limit: 50, offset: 0, sort: 'name', countCap });
      const ms = performance.now() - t0;
      if (k >= 3) {
        times.push(ms);
        rows += r.rows.length;
      }
      if (
        k === 3 &&
        s.name !== 'tag_and_last_visit_before' &&
        s.name !== 'surname_prefix' &&
        !r.rows.some((x) => x.id === g.id) &&
        (r.total ?? 0) <= 50
      )
        throw new Error(`${label} ${s.name}: expected patient ${g.name} not found`);
    }
    all.push(...times);
    const entry: (typeof shapes)[string] = {
      p50_ms: round(pct(times, 50)),
      p95_ms: round(pct(times, 95)),
      avg_rows: Math.round(rows / ITER),
    };
    if (s.naive) {
      const nt: number[] = [];
      for (let k = 0; k < Math.max(5, Math.floor(ITER / 8)); k++) {
        const g = sample[(k * 53 + 7) % sample.length];
        const where = s.naive(g);
        const t0 = performance.now();
        await sql`select id, name, chart_no, phone_e164 from patients
          where clinic_id = ${clinicId} and ${where} order by name limit 50`.execute(deps.db);
        await sql`select count(*) as n
          from (select 1 from patients where clinic_id = ${clinicId} and ${where} limit 1001) x`.execute(deps.db);
        nt.push(performance.now() - t0);
      }
      allNaive.push(...nt);
      entry.naive_p50_ms = round(pct(nt, 50));
      entry.naive_p95_ms = round(pct(nt, 95));
    }
    shapes[s.name] = entry;
    log(
      `${label} ${s.name}: p50 ${entry.p50_ms} ms, p95 ${entry.p95_ms} ms` +
        (entry.naive_p95_ms ? `, naive p95 ${entry.naive_p95_ms} ms` : ''),
    );
  }
  return {
    p50: round(pct(all, 50)),
    p95: round(pct(all, 95)),
    naiveP50: round(pct(allNaive, 50)),
    naiveP95: round(pct(allNaive, 95)),
    shapes,
  };
}

async function importRate(deps: Deps): Promise<number> {
  const clinic = await clinicService(deps).create({ name: `匯入測試 ${randomBytes(3).toString('hex')}` });
  const lines = ['姓名,電話,生日,身分證字號,病歷號,性別'];
  for (const g of generate(IMPORT_ROWS, clinic.id))
    lines.push(
      `${g.name},0${g.phone.slice(4)},${g.birth},${rnd() < 0.5 ? g.nid : ''},${g.chart},${rnd() < 0.5 ? '男' : '女'}`,
    );
  const csv = Buffer.from(lines.join('\n'));
  const t0 = performance.now();
  const { rows } = await readTable('csv', csv);
  const { valid, errors } = await validateRows(deps, clinic.id, rows, '2026-06-01');
  for (let i = 0; i < valid.length; i += 2000)
    await insertRows(deps.db, clinic.id, valid.slice(i, i + 2000), new Date().toISOString(), 'import', new Map());
  const s = (performance.now() - t0) / 1000;
  log(`import: ${valid.length.toLocaleString()} rows (${errors.length} errors) in ${s.toFixed(1)} s`);
  return Math.round(valid.length / s);
}

async function pgOnly(pgUrl: string): Promise<Record<string, unknown>> {
  const { deps: pdeps, database: pdb } = await open(pgUrl);
  const pclinic = await clinicService(pdeps).create({ name: '搜尋測試診所' });
  const psample: Gen[] = [];
  seed = 42;
  const t0 = performance.now();
  await fillPostgres(pgUrl, pclinic.id, pdeps, psample);
  const gen = (performance.now() - t0) / 1000;
  log(`postgres: generated in ${gen.toFixed(1)} s`);
  const m = await measure(pdeps, pclinic.id, psample, 'postgres');
  const prate = await importRate(pdeps);
  await pdb.close();
  return {
    value: m.p95,
    baseline: m.naiveP95,
    p50_ms: m.p50,
    p95_ms: m.p95,
    baseline_p95_ms: m.naiveP95,
    ratio: round(m.naiveP95 / m.p95),
    generate_s: round(gen),
    shapes: m.shapes,
    import_rows_per_s: prate,
  };
}

export async function open(url: string, key = randomBytes(32).toString('base64')) {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: url,
    ENCRYPTION_KEY: key,
    PUBLIC_BASE_URL: 'http://bench.test',
    LOG_LEVEL: 'silent',
  });
  return createDeps(config);
}

export default async function bench(): Promise<Record<string, unknown>> {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'careline-search-'));
  const file = join(dir, 'bench.db');
  try {
    // BENCH_SEARCH_SQLITE=0 measures PostgreSQL only (with BENCH_DATABASE_URL).
    if (process.env.BENCH_SEARCH_SQLITE === '0' && process.env.BENCH_DATABASE_URL)
      return { bench: 'search', metric: 'p95_ms', unit: 'ms', ...(await pgOnly(process.env.BENCH_DATABASE_URL)) };
    const { deps, database } = await open(`sqlite:${file}`);
    const clinic = await clinicService(deps).create({ name: '搜尋測試診所' });
    const sample: Gen[] = [];
    let t0 = performance.now();
    await fillSqlite(file, clinic.id, deps, sample);
    const genS = (performance.now() - t0) / 1000;
    log(`sqlite: generated ${N.toLocaleString()} patients in ${genS.toFixed(1)} s`);
    const lite = await measure(deps, clinic.id, sample, 'sqlite');
    t0 = performance.now();
    const rate = await importRate(deps);
    await database.close();

    const pgUrl = process.env.BENCH_DATABASE_URL;
    const postgres = pgUrl ? await pgOnly(pgUrl) : null;
    return {
      bench: 'search',
      metric: 'p95_ms',
      value: lite.p95,
      unit: 'ms',
      baseline: lite.naiveP95,
      ratio: round(lite.naiveP95 / lite.p95),
      p50_ms: lite.p50,
      p95_ms: lite.p95,
      baseline_p50_ms: lite.naiveP50,
      patients: N,
      generate_s: round(genS),
      shapes: lite.shapes,
      import_rows_per_s: rate,
      postgres,
      total_s: round((performance.now() - started) / 1000),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
