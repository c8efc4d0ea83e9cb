// Patient search: any combination of conditions, each one index-backed (name bigrams,
// reversed phone digits, chart-number range, national-ID keyed hash, birth date, tags, LINE
// status, last/next visit). Conditions are `p.id IN (…)` subqueries or indexed columns so
// the database drives from the most selective index instead of scanning the clinic.
//
// Declared read joins (docs/architecture.md): the tag filter reads patient_tags and the visit
// type / treatment code filters read appointments inside the one statement that pages and
// counts, so the database can drive from whichever index is most selective.
import { sql, type RawBuilder } from 'kysely';
import type { Static } from 'typebox';
import type { Crypto } from '../../platform/crypto.ts';
import { checkNationalId } from '../../platform/tw.ts';
import { nameKey, nationalDigits, prefixEnd, queryGrams, reverse } from './grams.ts';
import type { Db } from './repository.ts';
import type { PatientFilterBody } from './schemas.ts';
import { strokeKeyPrefixRange } from './stroke-order.ts';

/** The list's conditions (all at once); schemas.ts PatientFilterBody is their one definition. */
export type PatientFilter = Static<typeof PatientFilterBody>;

export type SortKey = 'name' | 'chartNo' | 'lastVisit' | 'nextVisit' | 'createdAt';

export type SearchCtx = {
  crypto: Crypto;
  today: string;
  nowIso: string;
  dialect?: 'sqlite' | 'postgres';
  broadTags?: boolean;
  broadTagThreshold?: number;
  /** The clinic's IANA time zone (exports write times in it). */
  timeZone?: string;
};

/** Bigrams joined for one name query (the rest are verified by LIKE). */
const MAX_GRAMS = 3;

/** More tagged patients than this: walk the sort index and test tag membership instead of sorting them all. */
export const BROAD_TAG = 5_000;

const esc = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function rangeOf(col: RawBuilder<unknown>, prefix: string): RawBuilder<boolean> {
  const end = prefixEnd(prefix);
  return end === null ? sql<boolean>`${col} >= ${prefix}` : sql<boolean>`${col} >= ${prefix} and ${col} < ${end}`;
}

/** Ids of patients whose name contains the query (2+ characters: bigram intersection, verified for 3+). */
function nameIds(clinicId: string, q: string): RawBuilder<unknown> | null {
  const key = nameKey(q);
  const all = queryGrams(q);
  if (!all.length) return null;
  // At most MAX_GRAMS bigrams (the rarer end first, then the start, then the middle): every
  // further join adds little selectivity but a lot of planning time on PostgreSQL (7 bigrams
  // of a chart-number-like text took ~12 ms to plan); the LIKE below verifies the whole query.
  const grams = all.length <= MAX_GRAMS ? all : [all[0], all[all.length - 1], all[Math.floor(all.length / 2)]];
  const joins = grams.slice(1).map(
    (g, i) =>
      sql`join patient_name_grams ${sql.raw(`g${i + 1}`)}
          on ${sql.raw(`g${i + 1}`)}.clinic_id = g0.clinic_id and ${sql.raw(`g${i + 1}`)}.gram = ${g}
          and ${sql.raw(`g${i + 1}`)}.patient_id = g0.patient_id`,
  );
  // Bigrams can all occur without the whole query occurring (王小明 vs 小明王小): verify on the few rows left.
  const verify =
    [...key].length >= 3
      ? sql`join patients pv
          on pv.id = g0.patient_id and lower(pv.name) like ${`%${esc(q.trim().toLowerCase())}%`} escape '\\'`
      : sql``;
  return sql`select g0.patient_id from patient_name_grams g0 ${sql.join(joins, sql` `)} ${verify}
    where g0.clinic_id = ${clinicId} and g0.gram = ${grams[0]}`;
}

/**
 * Name condition: one Chinese character is the surname (a range of the stroke-order key on
 * (clinic_id, name_sort), so the first page and the capped count stop early); longer queries
 * use the bigrams.
 */
function nameCond(clinicId: string, q: string): RawBuilder<boolean> | null {
  const key = nameKey(q);
  if ([...key].length === 1 && /\p{Script=Han}/u.test(key)) {
    const r = strokeKeyPrefixRange(key);
    return sql<boolean>`p.name_sort >= ${r.from} and p.name_sort < ${r.to}`;
  }
  const ids = nameIds(clinicId, q);
  return ids ? sql<boolean>`p.id in (${ids})` : null;
}

function phoneIds(clinicId: string, phone: string): RawBuilder<unknown> | null {
  const d = nationalDigits(phone);
  if (d.length < 2) return null;
  return sql`select patient_id from patient_profiles
    where clinic_id = ${clinicId} and ${rangeOf(sql`phone_rev`, reverse(d))}`;
}
const chartIds = (clinicId: string, chart: string) =>
  sql`select id from patients where clinic_id = ${clinicId} and ${rangeOf(sql`chart_no`, chart.trim())}`;

function phoneCond(clinicId: string, phone: string): RawBuilder<boolean> | null {
  const ids = phoneIds(clinicId, phone);
  return ids ? sql<boolean>`p.id in (${ids})` : null;
}
const chartCond = (clinicId: string, chart: string) => sql<boolean>`p.id in (${chartIds(clinicId, chart)})`;

/** Either of two id sets: one `in (… union all …)` (an OR of two subqueries defeats the indexes on PostgreSQL). */
const eitherCond = (a: RawBuilder<unknown>, b: RawBuilder<unknown>) => sql<boolean>`p.id in (${a} union all ${b})`;

function nationalIdCond(clinicId: string, id: string, crypto: Crypto): RawBuilder<boolean> {
  const r = checkNationalId(id.trim());
  const hash = crypto.lookupHash(r.ok ? r.value.id : id.trim().toUpperCase());
  return sql<boolean>`p.id in (select id from patients where clinic_id = ${clinicId} and national_id_hash = ${hash})`;
}

const minusYears = (isoDate: string, years: number) =>
  `${String(Number(isoDate.slice(0, 4)) - years).padStart(4, '0')}${isoDate.slice(4)}`;
const minusDays = (nowIso: string, days: number) => new Date(Date.parse(nowIso) - days * 86_400_000).toISOString();

/** The free-text box: what the text looks like decides where it is searched. */
function freeTextCond(clinicId: string, raw: string, ctx: SearchCtx): RawBuilder<boolean> | null {
  const q = raw.trim();
  if (!q) return null;
  if (/^[A-Za-z][A-Da-d0-9]\d{8}$/.test(q)) return nationalIdCond(clinicId, q, ctx.crypto);
  if (/^\d{4}-\d{2}-\d{2}$/.test(q)) return sql<boolean>`p.birth_date = ${q}`;
  if (/^[+\d][\d\s\-()]*$/.test(q)) {
    const ph = phoneIds(clinicId, q);
    return ph ? eitherCond(ph, chartIds(clinicId, q)) : chartCond(clinicId, q);
  }
  if (/^[\x20-\x7e]+$/.test(q)) {
    const nm = nameIds(clinicId, q);
    return nm ? eitherCond(nm, chartIds(clinicId, q)) : chartCond(clinicId, q);
  }
  return nameCond(clinicId, q);
}

/** Whether the conditions read patient_profiles columns (then the query joins it). */
export const needsProfile = (f: PatientFilter): boolean => !!f.source;

export function filterConds(clinicId: string, f: PatientFilter, ctx: SearchCtx): RawBuilder<boolean>[] {
  // Merged-away patients are few: excluded through the (clinic_id, merged_into) index, so most
  // searches never touch patient_profiles for the rows they reject.
  const c: RawBuilder<boolean>[] = [
    sql<boolean>`p.clinic_id = ${clinicId}`,
    sql<boolean>`p.id not in (
      select patient_id from patient_profiles where clinic_id = ${clinicId} and merged_into > '')`,
  ];
  const add = (x: RawBuilder<boolean> | null) => {
    if (x) c.push(x);
  };
  if (f.q) {
    const ft = freeTextCond(clinicId, f.q, ctx);
    add(ft ?? sql<boolean>`1 = 0`);
  }
  if (f.name?.trim()) add(nameCond(clinicId, f.name) ?? sql<boolean>`1 = 0`);
  if (f.phone?.trim()) add(phoneCond(clinicId, f.phone) ?? sql<boolean>`1 = 0`);
  if (f.chartNo?.trim()) add(chartCond(clinicId, f.chartNo));
  if (f.nationalId?.trim()) add(nationalIdCond(clinicId, f.nationalId, ctx.crypto));
  if (f.birthDate) add(sql<boolean>`p.birth_date = ${f.birthDate}`);
  if (f.birthFrom) add(sql<boolean>`p.birth_date >= ${f.birthFrom}`);
  if (f.birthTo) add(sql<boolean>`p.birth_date <= ${f.birthTo}`);
  if (f.ageMin !== undefined) add(sql<boolean>`p.birth_date <= ${minusYears(ctx.today, f.ageMin)}`);
  if (f.ageMax !== undefined) add(sql<boolean>`p.birth_date > ${minusYears(ctx.today, f.ageMax + 1)}`);
  if (f.gender) add(sql<boolean>`p.gender = ${f.gender}`);
  if (f.tagIds?.length) {
    // A broad tag on SQLite: a membership probe per row (PK of patient_tags) instead of
    // materialising every tagged patient for each query.
    add(
      ctx.broadTags && ctx.dialect === 'sqlite'
        ? sql<boolean>`exists (select 1 from patient_tags t
            where t.clinic_id = ${clinicId} and t.tag_id in (${sql.join(f.tagIds)}) and t.patient_id = p.id)`
        : sql<boolean>`p.id in (select patient_id from patient_tags
            where clinic_id = ${clinicId} and tag_id in (${sql.join(f.tagIds)}))`,
    );
  }
  if (f.lineStatus?.length) add(sql<boolean>`p.line_status in (${sql.join(f.lineStatus)})`);
  if (f.lastVisitBefore) add(sql<boolean>`p.last_visit_at < ${f.lastVisitBefore}`);
  if (f.lastVisitAfter) add(sql<boolean>`p.last_visit_at >= ${f.lastVisitAfter}`);
  if (f.lastVisitDaysAgo !== undefined)
    add(sql<boolean>`(p.last_visit_at is null or p.last_visit_at < ${minusDays(ctx.nowIso, f.lastVisitDaysAgo)})`);
  if (f.nextVisitFrom) add(sql<boolean>`p.next_visit_at >= ${f.nextVisitFrom}`);
  if (f.nextVisitTo) add(sql<boolean>`p.next_visit_at < ${f.nextVisitTo}`);
  if (f.hasNextVisit === true) add(sql<boolean>`p.next_visit_at is not null`);
  if (f.hasNextVisit === false) add(sql<boolean>`p.next_visit_at is null`);
  if (f.noShowMin !== undefined) add(sql<boolean>`p.no_show_count >= ${f.noShowMin}`);
  if (f.source) add(sql<boolean>`pp.source = ${f.source}`);
  if (f.visitType)
    add(
      sql<boolean>`p.id in (select patient_id from appointments
        where clinic_id = ${clinicId} and visit_type = ${f.visitType} and status in ('completed','checked_in'))`,
    );
  if (f.treatmentCode)
    add(
      sql<boolean>`p.id in (select patient_id from appointments
        where clinic_id = ${clinicId} and status in ('completed','checked_in')
        and (visit_type = ${f.treatmentCode} or note like ${`%${esc(f.treatmentCode)}%`} escape '\\'))`,
    );
  return c;
}

/** Names sort by their stroke-order key (stroke-order.ts), compared as bytes on both databases. */
const SORTS: Record<SortKey, string> = {
  name: 'p.name_sort',
  chartNo: 'p.chart_no',
  lastVisit: 'p.last_visit_at',
  nextVisit: 'p.next_visit_at',
  createdAt: 'p.created_at',
};

/** Sort columns that can be empty: patients without a value come last in either direction. */
const NULLABLE_SORTS = new Set<SortKey>(['chartNo', 'lastVisit', 'nextVisit']);

/**
 * One page ordered by a column that can be empty, empty values last in both directions (as in
 * a spreadsheet; SQLite and PostgreSQL put NULLs at opposite ends by default, and neither uses
 * its index for the other placement). Patients with a value come from the index in its own
 * order; only a page that reaches past them counts them, to know where the empty ones start
 * (those come in id order).
 */
async function blanksLastPage(
  db: Db,
  from: RawBuilder<unknown>,
  where: RawBuilder<unknown>,
  col: RawBuilder<unknown>,
  dir: RawBuilder<unknown>,
  limit: number,
  offset: number,
): Promise<string[]> {
  const valued = await sql<{
    id: string;
  }>`select p.id from ${from} where ${where} and ${col} is not null
    order by ${col} ${dir}, p.id ${dir} limit ${limit} offset ${offset}`.execute(db);
  const ids = valued.rows.map((r) => r.id);
  if (ids.length === limit) return ids;
  const withValue = ids.length
    ? offset + ids.length
    : Number(
        (
          await sql<{
            n: number | string;
          }>`select count(*) as n from ${from} where ${where} and ${col} is not null`.execute(db)
        ).rows[0]?.n ?? 0,
      );
  const blanks = await sql<{
    id: string;
  }>`select p.id from ${from} where ${where} and ${col} is null
    order by p.id ${dir} limit ${limit - ids.length} offset ${Math.max(0, offset - withValue)}`.execute(db);
  return [...ids, ...blanks.rows.map((r) => r.id)];
}

export type ListRow = {
  id: string;
  his_id: string;
  name: string;
  chart_no: string | null;
  phone_e164: string | null;
  birth_date: string | null;
  gender: string | null;
  line_status: string;
  national_id_masked: string | null;
  last_visit_at: string | null;
  next_visit_at: string | null;
  source: string;
  created_at: string;
};

/** The list shows 「1,000+」 beyond this; segment previews ask for an exact count. */
export const COUNT_CAP = 1_000;

const isSurname = (q: string) => {
  const k = nameKey(q);
  return [...k].length === 1 && /\p{Script=Han}/u.test(k);
};

/**
 * Conditions with an index of their own that usually matches few patients (a name of 2+
 * characters, phone digits, chart number, national ID, a birth date, an appointment history,
 * a next-visit or recent-visit window). With one of these the database should drive from it,
 * never from a walk of the name index or of a broad tag.
 */
export const hasNarrowCond = (f: PatientFilter): boolean =>
  !!(
    (f.q?.trim() && !isSurname(f.q)) ||
    (f.name?.trim() && !isSurname(f.name)) ||
    f.phone?.trim() ||
    f.chartNo?.trim() ||
    f.nationalId?.trim() ||
    f.birthDate ||
    f.visitType ||
    f.treatmentCode ||
    f.nextVisitFrom ||
    f.nextVisitTo ||
    f.lastVisitAfter
  );

export async function searchPatients(
  db: Db,
  clinicId: string,
  f: PatientFilter,
  ctx: SearchCtx,
  opts: { sort?: SortKey; order?: 'asc' | 'desc'; limit: number; offset: number; count?: boolean; countCap?: number },
) {
  // A broad tag (thousands of patients) without a narrow condition: neither database can see
  // that the tag plus the other filters still match a large share of the clinic. SQLite would
  // drive from the tag and sort every tagged patient; PostgreSQL counts with a hash join over
  // a sequential scan of patients. Instead the page walks the name index and probes the tag,
  // stopping after one page, and the capped count walks the tag's own index.
  //
  // On PostgreSQL the page's SQL is the same whether the tag is broad or not (the planner
  // sizes the tag from its statistics); only the count differs, and with one tag walking the
  // tag's members is right at any size (a tag of n patients costs at most n index probes
  // per table read, fewer once the cap is reached). So PostgreSQL skips the size probe, which ran
  // before the page and the count could start: for a broad tag at 1M patients it read ~15,000
  // patient_tags rows to find 5,001, ~3 ms. broadTagThreshold therefore only matters on SQLite.
  if (f.tagIds?.length && !hasNarrowCond(f) && ctx.dialect === 'postgres') {
    ctx = { ...ctx, broadTags: f.tagIds.length === 1 };
  } else if (f.tagIds?.length && !hasNarrowCond(f)) {
    const limit = ctx.broadTagThreshold ?? BROAD_TAG;
    const n = await sql<{
      n: number | string;
    }>`select count(*) as n from (select 1 from patient_tags
      where clinic_id = ${clinicId} and tag_id in (${sql.join(f.tagIds)}) limit ${limit + 1}) x`.execute(db);
    ctx = { ...ctx, broadTags: Number(n.rows[0]?.n ?? 0) > limit };
  }
  const where = sql.join(filterConds(clinicId, f, ctx), sql` and `);
  const dir = sql.raw(opts.order === 'desc' ? 'desc' : 'asc');
  const sortKey = opts.sort ?? 'name';
  const col = sql.raw(SORTS[sortKey]);
  const from = needsProfile(f) ? sql`patients p join patient_profiles pp on pp.patient_id = p.id` : sql`patients p`;
  // SQLite cannot see how many patients a tag has: for a broad tag it is told to walk
  // (clinic_id, name, id, birth_date, line_status), which answers the age/LINE filters and the
  // tag probe before reading a row. PostgreSQL picks that walk by itself.
  const pageFrom =
    ctx.broadTags && ctx.dialect === 'sqlite' && sortKey === 'name'
      ? needsProfile(f)
        ? sql`patients p indexed by patients_name_sort join patient_profiles pp on pp.patient_id = p.id`
        : sql`patients p indexed by patients_name_sort`
      : from;
  const cap = opts.countCap ?? COUNT_CAP;
  const countMatches = async (): Promise<number> => {
    // One broad tag: count by walking that tag's index (stops at the cap), one probe per member
    // the planner may not reorder (SQLite: CROSS JOIN; PostgreSQL: a correlated subquery — a
    // LATERAL join got a Memoize cache that never hits, each member being another patient,
    // and cost ~15 % more).
    const byTag = ctx.broadTags && f.tagIds?.length === 1 ? f.tagIds[0] : null;
    // Walking the tag, its membership needs no second probe per patient.
    const rest = byTag === null ? where : sql.join(filterConds(clinicId, { ...f, tagIds: undefined }, ctx), sql` and `);
    const r =
      byTag === null
        ? await sql<{
            n: number | string;
          }>`select count(*) as n from (select 1 from ${from} where ${where} limit ${cap + 1}) x`.execute(db)
        : ctx.dialect === 'postgres'
          ? await sql<{
              n: number | string;
            }>`select count(*) as n from (select 1 from patient_tags t0
              where t0.clinic_id = ${clinicId} and t0.tag_id = ${byTag}
              and (select 1 from ${from} where p.id = t0.patient_id and ${rest}) is not null
              limit ${cap + 1}) x`.execute(db)
          : await sql<{
              n: number | string;
            }>`select count(*) as n from (select 1 from patient_tags t0 cross join ${from}
              where t0.clinic_id = ${clinicId} and t0.tag_id = ${byTag} and p.id = t0.patient_id and ${rest}
              limit ${cap + 1}) x`.execute(db);
    return Number(r.rows[0]?.n ?? 0);
  };
  // PostgreSQL outside a transaction: the count runs on a second pooled connection while the
  // page is read (the answer waits for the slower of the two, not both in turn).
  const early = opts.count !== false && ctx.dialect === 'postgres' && !db.isTransaction ? countMatches() : null;
  early?.catch(() => {}); // awaited below; a failing page must not leave it unhandled
  const ids = NULLABLE_SORTS.has(sortKey)
    ? await blanksLastPage(db, pageFrom, where, col, dir, opts.limit, opts.offset)
    : (
        await sql<{
          id: string;
        }>`select p.id from ${pageFrom} where ${where}
          order by ${col} ${dir}, p.id ${dir} limit ${opts.limit} offset ${opts.offset}`.execute(db)
      ).rows.map((r) => r.id);
  const details = ids.length
    ? await sql<ListRow>`
      select p.id, p.his_id, p.name, p.chart_no, p.phone_e164, p.birth_date, p.gender, p.line_status,
             p.national_id_masked, p.created_at,
             p.last_visit_at, p.next_visit_at, pp.source
      from patients p join patient_profiles pp on pp.patient_id = p.id
      where p.clinic_id = ${clinicId} and p.id in (${sql.join(ids)})`.execute(db)
    : { rows: [] as ListRow[] };
  const byId = new Map(details.rows.map((r) => [r.id, r]));
  const rows = ids.map((id) => byId.get(id)).filter((r): r is ListRow => !!r);
  let total: number | null = null;
  if (opts.count !== false) {
    // A first page that is not full is the whole answer: no count query.
    total = early ? await early : opts.offset === 0 && ids.length < opts.limit ? ids.length : await countMatches();
  }
  return { rows, total: total !== null ? Math.min(total, cap) : null, totalCapped: total !== null && total > cap };
}

/** Every matching patient id (segments, auto tags, recall, export), in id order, batch by batch. */
export async function* matchingIds(
  db: Db,
  clinicId: string,
  f: PatientFilter,
  ctx: SearchCtx,
  batch = 1000,
): AsyncGenerator<string[]> {
  const where = sql.join(filterConds(clinicId, f, ctx), sql` and `);
  let after = '';
  for (;;) {
    const r = await sql<{
      id: string;
    }>`select p.id from patients p join patient_profiles pp on pp.patient_id = p.id
      where ${where} and p.id > ${after} order by p.id limit ${batch}`.execute(db);
    if (!r.rows.length) return;
    yield r.rows.map((x) => x.id);
    after = r.rows.at(-1)!.id;
    if (r.rows.length < batch) return;
  }
}
