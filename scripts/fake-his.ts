// A fake dental-clinic HIS: generates a realistic clinic (doctors, patients with Chinese
// names, valid national IDs and mobiles — families share one —, appointments over the next N
// days with reschedules, cancellations and today's check-ins, and optionally the past year of
// completed visits and no-shows) and sends it through @careline/sdk.
//
//   npm run fake-his -- --url http://localhost:3000 --key demo-his-key [--days 14] [--seed 1]
//                       [--patients 300] [--history-days 0]
//   npm run fake-his -- --book-now        one new booking made now (bookedAt = now)
//
// Every appointment carries bookedAt, when the patient booked: days before today for what the
// fill copies over (so connecting the fake HIS sends no booking-day messages), now for --book-now.
//
// Deterministic for a seed: patients depend only on the seed, each day's schedule on the seed
// and the date, so re-running updates (same HIS ids and versions) instead of duplicating.
// `fillDemoClinic()` does the same in-process (the demo calls it).
import { parseArgs } from 'node:util';
import {
  CarelineApiError,
  createCarelineClient,
  type AppointmentInput,
  type BatchItem,
  type DoctorInput,
  type PatientInput,
  type QueueEventInput,
} from '../packages/sdk/src/index.ts';
import { seededRandom } from '../apps/server/src/platform/demo-random.ts';

// ---------- deterministic randomness ----------

/** mulberry32 (the demo's synthetic Careline history draws from the same generator). */
export const rng = seededRandom;

function hashSeed(...parts: (string | number)[]): number {
  let h = 2166136261;
  for (const ch of parts.join('|')) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
function weighted<T>(r: () => number, xs: readonly (readonly [T, number])[]): T {
  const total = xs.reduce((s, [, w]) => s + w, 0);
  let x = r() * total;
  for (const [v, w] of xs) {
    x -= w;
    if (x < 0) return v;
  }
  return xs[xs.length - 1][0];
}

// ---------- Taiwanese personal data ----------

const LETTER_VALUES: Record<string, number> = {
  A: 10,
  B: 11,
  C: 12,
  D: 13,
  E: 14,
  F: 15,
  G: 16,
  H: 17,
  I: 34,
  J: 18,
  K: 19,
  L: 20,
  M: 21,
  N: 22,
  O: 35,
  P: 23,
  Q: 24,
  R: 25,
  S: 26,
  T: 27,
  U: 28,
  V: 29,
  W: 32,
  X: 30,
  Y: 31,
  Z: 33,
};
const WEIGHTS = [1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1];

/** True when a 身分證字號 / new-style resident number passes the checksum (docs/taiwan.md "National ID"). */
export function isValidNationalId(id: string): boolean {
  const m = /^([A-Z])([1289]\d{8}|[A-D]\d{8})$/.exec(id);
  if (!m) return false;
  const v = LETTER_VALUES[m[1]];
  const rest = m[2];
  const second = /[A-D]/.test(rest[0]) ? LETTER_VALUES[rest[0]] % 10 : Number(rest[0]);
  const digits = [Math.floor(v / 10), v % 10, second, ...rest.slice(1).split('').map(Number)];
  return digits.reduce((s, d, i) => s + d * WEIGHTS[i], 0) % 10 === 0;
}

/** A valid national ID: region letter, 1 male / 2 female, 7 digits, check digit. */
export function makeNationalId(letter: string, sex: 1 | 2, seven: string): string {
  const v = LETTER_VALUES[letter];
  const digits = [Math.floor(v / 10), v % 10, sex, ...seven.split('').map(Number)];
  const partial = digits.reduce((s, d, i) => s + d * WEIGHTS[i], 0);
  return `${letter}${sex}${seven}${(10 - (partial % 10)) % 10}`;
}

const MOBILE_PREFIXES = [
  '0910',
  '0911',
  '0912',
  '0913',
  '0915',
  '0916',
  '0918',
  '0919',
  '0920',
  '0921',
  '0922',
  '0925',
  '0926',
  '0928',
  '0929',
  '0930',
  '0931',
  '0932',
  '0933',
  '0935',
  '0936',
  '0937',
  '0938',
  '0939',
  '0952',
  '0953',
  '0955',
  '0956',
  '0958',
  '0960',
  '0961',
  '0963',
  '0966',
  '0968',
  '0970',
  '0972',
  '0975',
  '0978',
  '0980',
  '0981',
  '0982',
  '0983',
  '0985',
  '0986',
  '0987',
  '0988',
];

const SURNAMES: readonly (readonly [string, number])[] = [
  ['陳', 11],
  ['林', 8],
  ['黃', 6],
  ['張', 5],
  ['李', 5],
  ['王', 4],
  ['吳', 4],
  ['劉', 3],
  ['蔡', 3],
  ['楊', 3],
  ['許', 2],
  ['鄭', 2],
  ['謝', 2],
  ['郭', 2],
  ['洪', 2],
  ['曾', 1.5],
  ['邱', 1.5],
  ['廖', 1.5],
  ['賴', 1.5],
  ['周', 1.5],
  ['徐', 1],
  ['蘇', 1],
  ['葉', 1],
  ['莊', 1],
  ['呂', 1],
  ['江', 1],
  ['何', 1],
  ['蕭', 1],
  ['羅', 1],
  ['高', 1],
];
// given names by generation (born before 1975, 1975–1999, 2000 and later) and sex
const GIVEN: Record<'old' | 'mid' | 'young', Record<1 | 2, string[]>> = {
  old: {
    1: ['文雄', '正雄', '國華', '明輝', '志明', '金龍', '清水', '榮華', '建國', '永福', '俊雄', '明德'],
    2: ['秀英', '麗華', '美玉', '淑貞', '月娥', '秀蘭', '玉蘭', '麗珠', '淑芬', '美惠', '素珍', '碧霞'],
  },
  mid: {
    1: ['家豪', '建宏', '俊傑', '志偉', '信宏', '家銘', '俊宏', '冠廷', '彥廷', '哲瑋', '宗翰', '承翰'],
    2: ['雅婷', '怡君', '佳穎', '雅雯', '欣怡', '佩君', '淑惠', '怡婷', '婉婷', '郁婷', '惠雯', '筱涵'],
  },
  young: {
    1: ['宥廷', '品睿', '承恩', '宇軒', '柏翰', '冠宇', '子豪', '睿恩', '宸睿', '承佑', '恩碩', '禹辰'],
    2: ['品妍', '子晴', '語彤', '思妤', '詠晴', '宜蓁', '芯妤', '以晴', '苡安', '沛晴', '心妍', '可昕'],
  },
};
const REGION_LETTERS = [
  'A',
  'A',
  'A',
  'F',
  'F',
  'F',
  'H',
  'B',
  'B',
  'E',
  'E',
  'D',
  'J',
  'K',
  'N',
  'O',
  'Q',
  'T',
  'G',
  'I',
];

// ---------- the clinic ----------

export type FakeDoctor = {
  id: string;
  body: DoctorInput;
  specialty: 'general' | 'kids' | 'ortho' | 'implant' | 'perio';
};
export type FakePatient = { id: string; body: PatientInput; age: number };
export type FakeAppointmentWrite = { appointmentId: string; body: AppointmentInput };

export const VISIT_TYPES = ['洗牙', '補牙', '根管治療', '拔牙', '植牙', '矯正回診', '假牙', '兒童塗氟'] as const;
const DURATION: Record<(typeof VISIT_TYPES)[number], number> = {
  洗牙: 30,
  補牙: 30,
  根管治療: 60,
  拔牙: 30,
  植牙: 60,
  矯正回診: 30,
  假牙: 30,
  兒童塗氟: 30,
};

export const DOCTORS: FakeDoctor[] = [
  { id: 'D001', body: { name: '陳建志', department: '一般牙科', title: '院長' } as DoctorInput, specialty: 'general' },
  { id: 'D002', body: { name: '林怡伶', department: '兒童牙科', title: '主治醫師' } as DoctorInput, specialty: 'kids' },
  {
    id: 'D003',
    body: { name: '黃柏諺', department: '齒顎矯正科', title: '主治醫師' } as DoctorInput,
    specialty: 'ortho',
  },
  {
    id: 'D004',
    body: { name: '張雅筑', department: '牙周病科', title: '主治醫師' } as DoctorInput,
    specialty: 'perio',
  },
  {
    id: 'D005',
    body: { name: '吳冠廷', department: '植牙中心', title: '主治醫師' } as DoctorInput,
    specialty: 'implant',
  },
];

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** ~`count` patients: households share a mobile (parents with children, spouses). */
export function makePatients(seed: number, count = 300, today = new Date()): FakePatient[] {
  const r = rng(hashSeed(seed, 'patients'));
  const year = today.getUTCFullYear();
  const out: FakePatient[] = [];
  const mobile = () => {
    const d = pick(r, MOBILE_PREFIXES) + pad(Math.floor(r() * 1_000_000), 6);
    // HIS systems store numbers in assorted forms; the server normalises them to E.164
    const form = r();
    if (form < 0.7) return `${d.slice(0, 4)}-${d.slice(4, 7)}-${d.slice(7)}`;
    if (form < 0.9) return d;
    return `+886${d.slice(1)}`;
  };
  /** A patient; `household`: names already given in the family (siblings do not share a name). */
  const person = (
    surname: string,
    age: number,
    sex: 1 | 2,
    phone: string | undefined,
    household: readonly FakePatient[] = [],
  ): FakePatient => {
    const n = out.length + 1;
    const birthYear = year - age;
    const gen = birthYear < 1975 ? 'old' : birthYear < 2000 ? 'mid' : 'young';
    const month = 1 + Math.floor(r() * 12);
    const day = 1 + Math.floor(r() * 28);
    let name = surname + pick(r, GIVEN[gen][sex]);
    while (household.some((h) => (h.body as { name: string }).name === name)) name = surname + pick(r, GIVEN[gen][sex]);
    const body: Record<string, unknown> = {
      name,
      birthDate: `${birthYear}-${pad(month)}-${pad(day)}`,
      nationalId: makeNationalId(pick(r, REGION_LETTERS), sex, pad(Math.floor(r() * 10_000_000), 7)),
      chartNo: pad(1000 + n * 7, 6),
      gender: sex === 1 ? 'male' : 'female',
    };
    if (phone) body.phone = phone;
    return { id: `P${pad(n, 5)}`, body: body as PatientInput, age };
  };
  while (out.length < count) {
    const surname = weighted(r, SURNAMES);
    const kind = r();
    if (kind < 0.18 && out.length + 3 <= count) {
      // a parent with one or two children sharing the parent's mobile
      const parentSex: 1 | 2 = r() < 0.7 ? 2 : 1;
      const parentAge = 30 + Math.floor(r() * 15);
      const phone = mobile();
      out.push(person(surname, parentAge, parentSex, phone));
      const kids = r() < 0.5 ? 1 : 2;
      const family = [out[out.length - 1]];
      for (let k = 0; k < kids; k++) {
        const kid = person(surname, 3 + Math.floor(r() * 12), r() < 0.5 ? 1 : 2, phone, family);
        family.push(kid);
        out.push(kid);
      }
    } else if (kind < 0.26 && out.length + 2 <= count) {
      // an older couple on one number
      const phone = mobile();
      const age = 60 + Math.floor(r() * 20);
      out.push(person(surname, age, 1, phone));
      out.push(person(weighted(r, SURNAMES), age - Math.floor(r() * 5), 2, phone));
    } else {
      const age = 16 + Math.floor(r() * 65);
      out.push(person(surname, age, r() < 0.5 ? 1 : 2, r() < 0.96 ? mobile() : undefined));
    }
  }
  return out;
}

// Clinic hours (Asia/Taipei): Mon–Fri morning, afternoon, evening; Saturday morning only.
const SESSIONS: [number, number][] = [
  [9 * 60, 12 * 60],
  [14 * 60, 17 * 60 + 30],
  [18 * 60 + 30, 21 * 60],
];
const TPE_OFFSET_MIN = 8 * 60;

/** Taipei calendar date (YYYY-MM-DD) and weekday of an instant. */
function taipeiDay(d: Date): { date: string; weekday: number; minutes: number } {
  const t = new Date(d.getTime() + TPE_OFFSET_MIN * 60_000);
  return {
    date: t.toISOString().slice(0, 10),
    weekday: t.getUTCDay(),
    minutes: t.getUTCHours() * 60 + t.getUTCMinutes(),
  };
}
const addDays = (date: string, n: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const at = (date: string, minutes: number) => `${date}T${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}:00+08:00`;

/**
 * When the patient booked (the HIS's bookedAt): 1–20 days before the visit, during opening
 * hours, and never on or after today — what an HIS that is connected later sends about its
 * existing bookings, so none of them is taken for a booking made now. Its own random sequence
 * (by appointment id), so the schedule stays what it was for a seed.
 */
function bookedAtOf(seed: number, appointmentId: string, visitDate: string, today: string): string {
  const r = rng(hashSeed(seed, 'booked', appointmentId));
  const before = addDays(visitDate, -(1 + Math.floor(r() * 20)));
  const day = before < today ? before : addDays(today, -1);
  return at(day, 9 * 60 + 15 * Math.floor(r() * 32));
}

function visitTypeFor(r: () => number, doctor: FakeDoctor, patient: FakePatient): (typeof VISIT_TYPES)[number] {
  if (patient.age < 13)
    return weighted(r, [
      ['兒童塗氟', 5],
      ['補牙', 3],
      ['洗牙', 2],
      ['拔牙', 1],
    ] as const);
  switch (doctor.specialty) {
    case 'ortho':
      return weighted(r, [
        ['矯正回診', 8],
        ['洗牙', 1],
        ['補牙', 1],
      ] as const);
    case 'implant':
      return weighted(r, [
        ['植牙', 5],
        ['假牙', 3],
        ['拔牙', 2],
        ['補牙', 1],
      ] as const);
    case 'perio':
      return weighted(r, [
        ['洗牙', 6],
        ['根管治療', 2],
        ['補牙', 2],
      ] as const);
    case 'kids':
      return weighted(r, [
        ['兒童塗氟', 3],
        ['補牙', 3],
        ['洗牙', 3],
      ] as const);
    default:
      return weighted(r, [
        ['洗牙', 4],
        ['補牙', 4],
        ['根管治療', 2],
        ['拔牙', 2],
        ['假牙', 1],
      ] as const);
  }
}

type Slot = {
  r: () => number;
  doctor: FakeDoctor;
  patient: FakePatient;
  visitType: (typeof VISIT_TYPES)[number];
  minutes: number;
  duration: number;
  appointmentId: string;
};

/** The day's booked slots (none on Sundays), deterministic for seed + date; `r` continues the day's random sequence. */
function* daySlots(seed: number, date: string, patients: FakePatient[]): Generator<Slot> {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  if (weekday === 0) return; // Sunday closed
  const r = rng(hashSeed(seed, 'day', date));
  const kids = patients.filter((p) => p.age < 13);
  const sessions = weekday === 6 ? SESSIONS.slice(0, 1) : SESSIONS;
  for (const doctor of DOCTORS) {
    if (r() < 0.12) continue; // the doctor is off that day
    for (const [from, to] of sessions) {
      if (doctor.specialty === 'ortho' && from < 14 * 60 && weekday !== 6) continue; // ortho: afternoons/evenings
      for (let m = from; m < to; m += 30) {
        if (r() > 0.62) continue;
        const patient = doctor.specialty === 'kids' && r() < 0.6 ? pick(r, kids) : pick(r, patients);
        const visitType = visitTypeFor(r, doctor, patient);
        const duration = DURATION[visitType];
        if (m + duration > to) continue;
        yield {
          r,
          doctor,
          patient,
          visitType,
          minutes: m,
          duration,
          appointmentId: `A${date.replaceAll('-', '')}-${doctor.id}-${pad(Math.floor(m / 60))}${pad(m % 60)}`,
        };
      }
    }
  }
}

/**
 * Every appointment write for `days` days from today (Taipei), in the order an HIS would send
 * them: bookings first (version 1), then reschedules, cancellations, check-ins and completions
 * (each a higher version of the same appointment id).
 */
export function makeAppointments(
  seed: number,
  patients: FakePatient[],
  days = 14,
  now = new Date(),
): FakeAppointmentWrite[] {
  const today = taipeiDay(now);
  const rounds: FakeAppointmentWrite[][] = [[], [], [], []];
  for (let d = 0; d < days; d++) {
    const date = addDays(today.date, d);
    for (const { r, doctor, patient, visitType, minutes: m, duration, appointmentId } of daySlots(
      seed,
      date,
      patients,
    )) {
      const base = {
        patientId: patient.id,
        doctorId: doctor.id,
        startsAt: at(date, m),
        durationMinutes: duration,
        visitType,
        status: 'booked',
        bookedAt: bookedAtOf(seed, appointmentId, date, today.date),
      } as const;
      let version = 1;
      let current: Record<string, unknown> = { ...base, version };
      rounds[0].push({ appointmentId, body: current as AppointmentInput });
      const bump = (round: number, change: Record<string, unknown>) => {
        version++;
        current = { ...current, ...change, version };
        rounds[round].push({ appointmentId, body: current as AppointmentInput });
      };
      const startMin = m;
      if (d === 0) {
        // today: what has already happened at `now`
        if (startMin + duration <= today.minutes) {
          if (r() < 0.06) bump(1, { status: 'no_show' });
          else {
            bump(1, { status: 'checked_in' });
            bump(2, { status: 'completed' });
          }
        } else if (startMin - 20 <= today.minutes) {
          bump(1, { status: 'checked_in' });
        } else if (r() < 0.04) {
          bump(1, { status: 'cancelled', note: '病患來電取消' });
        }
        continue;
      }
      const x = r();
      if (x < 0.08) {
        // rescheduled: another day (not Sunday) at the same doctor, maybe twice
        let nd = addDays(date, 1 + Math.floor(r() * 3));
        if (new Date(`${nd}T00:00:00Z`).getUTCDay() === 0) nd = addDays(nd, 1);
        bump(1, { startsAt: at(nd, 9 * 60 + 30 * Math.floor(r() * 6)), note: '病患要求改期' });
        if (r() < 0.25) bump(2, { startsAt: at(nd, 14 * 60 + 30 * Math.floor(r() * 6)), note: '再次改期' });
      } else if (x < 0.13) {
        bump(1, { status: 'cancelled', note: r() < 0.5 ? '病患來電取消' : '診所取消（醫師請假）' });
      } else if (x < 0.15) {
        bump(1, { note: '需先照X光' });
      }
    }
  }
  return rounds.flat();
}

/**
 * The clinic's past: every day of the last `days` days before today on the same schedule, as
 * an HIS that is connected later sends it — one write per appointment in its final state
 * (completed; a few no-shows and cancellations). Gives the patient list its last visits, the
 * no-show counts and the recall rules (six-month cleaning …) something to find.
 */
/** The demo's Careline start, in days before today (modules/reports/demo.ts sets the baseline before it). */
export const LIVE_DAYS_AGO = 120;

export function makeHistory(
  seed: number,
  patients: FakePatient[],
  days: number,
  now = new Date(),
): FakeAppointmentWrite[] {
  const today = taipeiDay(now);
  const out: FakeAppointmentWrite[] = [];
  for (let d = days; d >= 1; d--) {
    const date = addDays(today.date, -d);
    for (const { r, doctor, patient, visitType, minutes, duration, appointmentId } of daySlots(seed, date, patients)) {
      // Careline went live LIVE_DAYS_AGO days ago: before it more patients missed or cancelled.
      const before = d > LIVE_DAYS_AGO;
      const x = r();
      const status = x < (before ? 0.09 : 0.04) ? 'no_show' : x < (before ? 0.22 : 0.12) ? 'cancelled' : 'completed';
      const body = {
        patientId: patient.id,
        doctorId: doctor.id,
        startsAt: at(date, minutes),
        durationMinutes: duration,
        visitType,
        status,
        bookedAt: bookedAtOf(seed, appointmentId, date, today.date),
        version: 1,
        ...(status === 'cancelled' ? { note: '病患來電取消' } : {}),
      };
      out.push({ appointmentId, body: body as AppointmentInput });
    }
  }
  return out;
}

// ---------- sending ----------

export type FillOptions = {
  baseUrl: string;
  apiKey: string;
  seed?: number;
  days?: number;
  /** Days of past appointments before today (makeHistory); 0: none. */
  historyDays?: number;
  patients?: number;
  now?: Date;
  fetch?: typeof globalThis.fetch;
  log?: (line: string) => void;
};

export type FillSummary = {
  doctors: number;
  patients: number;
  appointments: number;
  writes: number;
  applied: number;
  unchanged: number;
  queued: number;
  conflicts: number;
  failed: number;
  errors: string[];
};

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (i < items.length) await fn(items[i++]);
    }),
  );
}

/** The SDK client of the clinic the fake HIS writes to. */
const clientOf = (o: { baseUrl: string; apiKey: string; fetch?: typeof globalThis.fetch }) =>
  createCarelineClient({ baseUrl: o.baseUrl, apiKey: o.apiKey, ...(o.fetch ? { fetch: o.fetch } : {}) });

/** Fills a clinic through the HIS API (the demo calls this in-process). Idempotent for a seed. */
export async function fillDemoClinic(opts: FillOptions): Promise<FillSummary> {
  const seed = opts.seed ?? 1;
  const now = opts.now ?? new Date();
  const log = opts.log ?? (() => {});
  const client = clientOf(opts);
  const patients = makePatients(seed, opts.patients ?? 300, now);
  // today's schedule first (what the front desk looks at), then the past (makeHistory)
  const writes = [
    ...makeAppointments(seed, patients, opts.days ?? 14, now),
    ...makeHistory(seed, patients, opts.historyDays ?? 0, now),
  ];
  const s: FillSummary = {
    doctors: DOCTORS.length,
    patients: patients.length,
    appointments: new Set(writes.map((w) => w.appointmentId)).size,
    writes: writes.length,
    applied: 0,
    unchanged: 0,
    queued: 0,
    conflicts: 0,
    failed: 0,
    errors: [],
  };
  const fail = (what: string, err: unknown) => {
    s.failed++;
    if (s.errors.length < 20) s.errors.push(`${what}: ${err instanceof Error ? err.message : JSON.stringify(err)}`);
  };

  for (const d of DOCTORS) await client.upsertDoctor(d.id, d.body).catch((e: unknown) => fail(`doctor ${d.id}`, e));
  log(`doctors: ${DOCTORS.length}`);
  await pool(patients, 8, async (p) => {
    await client.upsertPatient(p.id, p.body).catch((e: unknown) => fail(`patient ${p.id}`, e));
  });
  log(`patients: ${patients.length}`);

  for (let i = 0; i < writes.length; i += 500) {
    const chunk = writes.slice(i, i + 500);
    const items = chunk.map((w) => ({ ...w.body, appointmentId: w.appointmentId }) as BatchItem);
    try {
      const res = await client.upsertAppointmentsBatch(items);
      res.items.forEach((r, k) => {
        if (r.status === 202)
          s.queued++; // sent to a careline-bridge: queued for the cloud
        else if (r.status === 409) s.conflicts++;
        else if (r.status >= 400)
          fail(
            `appointment ${chunk[k].appointmentId} v${(chunk[k].body as { version: number }).version}`,
            r.error ?? r.status,
          );
        else if (r.result === 'unchanged') s.unchanged++;
        else s.applied++;
      });
    } catch (e) {
      if (e instanceof CarelineApiError) fail(`batch ${i / 500 + 1}`, e);
      else throw e;
    }
  }
  log(
    `appointments: ${s.appointments} (${s.writes} writes: ${s.applied} applied, ${s.unchanged} unchanged, ` +
      `${s.conflicts} older, ${s.queued} queued by a bridge, ${s.failed} failed)`,
  );
  return s;
}

/**
 * A patient books now at the counter or by phone: one new appointment (tomorrow, or the next
 * open day, at the first free half hour of the doctor's morning), sent with bookedAt = now — the
 * booking that gets the booking-day message.
 */
export async function bookNow(opts: {
  baseUrl: string;
  apiKey: string;
  seed?: number;
  patients?: number;
  patientId?: string;
  doctorId?: string;
  now?: Date;
  fetch?: typeof globalThis.fetch;
}): Promise<{ appointmentId: string; startsAt: string; bookedAt: string }> {
  const now = opts.now ?? new Date();
  const client = clientOf(opts);
  const patients = makePatients(opts.seed ?? 1, opts.patients ?? 300, now);
  const patientId = opts.patientId ?? patients[Math.floor(now.getTime() / 60_000) % patients.length].id;
  const doctorId = opts.doctorId ?? DOCTORS[0].id;
  let date = addDays(taipeiDay(now).date, 1);
  if (new Date(`${date}T00:00:00Z`).getUTCDay() === 0) date = addDays(date, 1);
  const stamp = now.toISOString().replace(/\D/g, '').slice(0, 14);
  const appointmentId = `A${date.replaceAll('-', '')}-${doctorId}-NOW${stamp}`;
  const startsAt = at(date, 9 * 60 + 30 * (Math.floor(now.getTime() / 60_000) % 6));
  const bookedAt = now.toISOString();
  await client.upsertAppointment(appointmentId, {
    patientId,
    doctorId,
    startsAt,
    durationMinutes: 30,
    visitType: '洗牙',
    status: 'booked',
    bookedAt,
    version: 1,
  });
  return { appointmentId, startsAt, bookedAt };
}

const QUEUE_SESSIONS = ['morning', 'afternoon', 'evening'] as const;

/**
 * Today's 看診進度 of one doctor as the HIS at the counter would have sent it by `now` (Taipei is
 * the fake clinic's zone): the session under way — else the last one today that began, else,
 * before the first, the first one — of the doctor with the most visits in it; its patients who
 * came (checked in or completed, not cancelled or no-show) checked in with numbers in visit
 * order, and a call of the number now seen. Before the session begins only three early arrivals
 * have checked in and nobody is called. Every event is on the clinic's today and before `now`.
 */
export function makeQueueEvents(writes: FakeAppointmentWrite[], now: Date): QueueEventInput[] {
  const today = taipeiDay(now);
  const last = new Map<string, AppointmentInput>();
  for (const w of writes) last.set(w.appointmentId, w.body);
  const minuteOf = (b: AppointmentInput) => Number(b.startsAt.slice(11, 13)) * 60 + Number(b.startsAt.slice(14, 16));
  const visits = [...last]
    .filter(([, b]) => b.startsAt.startsWith(today.date) && b.status !== 'cancelled')
    .map(([id, b]) => ({
      id,
      b,
      m: minuteOf(b),
      s: SESSIONS.findIndex(([a, z]) => minuteOf(b) >= a && minuteOf(b) < z),
    }))
    .filter((v) => v.s >= 0);
  const held = [...new Set(visits.map((v) => v.s))].sort();
  if (!held.length) return [];
  const begun = held.filter((s) => SESSIONS[s][0] <= today.minutes);
  const session = begun.length ? begun[begun.length - 1] : held[0];
  const perDoctor = new Map<string, number>();
  for (const v of visits) if (v.s === session) perDoctor.set(v.b.doctorId, (perDoctor.get(v.b.doctorId) ?? 0) + 1);
  const doctorId = [...perDoctor].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))[0][0];
  const line = visits.filter((v) => v.s === session && v.b.doctorId === doctorId).sort((x, y) => x.m - y.m);
  const dayStart = Date.parse(`${today.date}T00:00:00+08:00`);
  const at = (ms: number) => new Date(Math.max(dayStart, Math.min(ms, now.getTime() - 60_000))).toISOString();
  const startOf = (v: (typeof line)[number]) => Date.parse(v.b.startsAt);
  const common = { doctorId, session: QUEUE_SESSIONS[session], room: '1 診' };
  const stamp = `${today.date.replaceAll('-', '')}-${doctorId}-${QUEUE_SESSIONS[session]}`;
  const numbered = line.map((v, i) => ({ ...v, n: i + 1 }));
  if (!begun.length)
    return numbered.slice(0, 3).map((v, i) => ({
      ...common,
      eventId: `Q${stamp}-in${v.n}`,
      type: 'check_in' as const,
      occurredAt: at(now.getTime() - (3 - i) * 60_000),
      appointmentId: v.id,
      queueNumber: v.n,
    }));
  const came = numbered.filter((v) => v.b.status === 'checked_in' || v.b.status === 'completed');
  const events: QueueEventInput[] = came.map((v) => ({
    ...common,
    eventId: `Q${stamp}-in${v.n}`,
    type: 'check_in' as const,
    occurredAt: at(startOf(v) - 10 * 60_000),
    appointmentId: v.id,
    queueNumber: v.n,
  }));
  const seen = came.filter((v) => startOf(v) <= now.getTime()).at(-1);
  if (seen)
    events.push({
      ...common,
      eventId: `Q${stamp}-call${seen.n}`,
      type: 'call',
      occurredAt: at(startOf(seen)),
      calledNumber: seen.n,
    });
  return events.sort((x, y) => x.occurredAt.localeCompare(y.occurredAt));
}

/**
 * Sends today's queue of one doctor (makeQueueEvents) through the HIS API, after fillDemoClinic
 * with the same seed, patient count and day, so that 看診進度 shows something in the demo.
 */
export async function fillDemoQueue(opts: {
  baseUrl: string;
  apiKey: string;
  seed?: number;
  patients?: number;
  now?: Date;
  fetch?: typeof globalThis.fetch;
}): Promise<{ doctorId: string | null; session: string | null; checkIns: number; calledNumber: number | null }> {
  const now = opts.now ?? new Date();
  const client = clientOf(opts);
  const patients = makePatients(opts.seed ?? 1, opts.patients ?? 300, now);
  const events = makeQueueEvents(makeAppointments(opts.seed ?? 1, patients, 1, now), now);
  for (const e of events) await client.postQueueEvent(e);
  const call = events.find((e) => e.type === 'call');
  return {
    doctorId: events[0]?.doctorId ?? null,
    session: events[0]?.session ?? null,
    checkIns: events.filter((e) => e.type === 'check_in').length,
    calledNumber: call?.type === 'call' ? (call.calledNumber ?? null) : null,
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: process.env.CARELINE_URL ?? 'http://localhost:3000' },
      key: { type: 'string', default: process.env.CARELINE_API_KEY ?? 'demo-his-key' },
      days: { type: 'string', default: '14' },
      seed: { type: 'string', default: '1' },
      patients: { type: 'string', default: '300' },
      'history-days': { type: 'string', default: '0' },
      'book-now': { type: 'boolean', default: false },
    },
  });
  const days = Number(values.days);
  const seed = Number(values.seed);
  const patientCount = Number(values.patients);
  const historyDays = Number(values['history-days']);
  if (!Number.isInteger(historyDays) || historyDays < 0 || historyDays > 730)
    throw new Error('--history-days must be 0–730');
  if (!Number.isInteger(days) || days < 1 || days > 120) throw new Error('--days must be 1–120');
  if (!Number.isInteger(seed)) throw new Error('--seed must be an integer');
  if (values['book-now']) {
    const booked = await bookNow({ baseUrl: values.url, apiKey: values.key, seed, patients: patientCount });
    process.stdout.write(JSON.stringify(booked, null, 2) + '\n');
    process.exit(0);
  }
  const summary = await fillDemoClinic({
    baseUrl: values.url,
    apiKey: values.key,
    seed,
    days,
    historyDays,
    patients: patientCount,
    log: (l) => process.stderr.write(`fake-his: ${l}\n`),
  });
  process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  if (summary.failed > 0) process.exitCode = 1;
}
