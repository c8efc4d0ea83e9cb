// A fuzzer driven by the checked-in openapi.json: every operation is called with a valid-looking
// request built from its schema and then with broken variants of it — wrong types, missing
// required and unknown extra fields, huge and odd Unicode strings, numbers out of range, broken
// JSON, odd path and query values — authenticated as a role the operation lets in (staff
// sessions by role, the clinic's HIS API key, a LIFF ID token, a signed LINE webhook). Every
// answer must be below 500 and carry no stack trace, file path or SQL. The variants come from a
// seeded generator (FUZZ_SEED), so a failure repeats; FUZZ_CASES caps the variants per operation.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLineTestbed, type LineTestbed } from './testing/line.ts';
import { liffSteps } from './testing/liff.ts';
import type { Session } from './testing/helpers.ts';
import { seededRandom } from './platform/demo-random.ts';

type Schema = Record<string, any>;
type Op = { method: string; path: string; op: Schema };
type Doc = { paths: Record<string, Record<string, Schema>>; components: { schemas: Record<string, Schema> } };

const doc = JSON.parse(readFileSync(join(import.meta.dirname, '../openapi.json'), 'utf8')) as Doc;
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
const CASES = Number(process.env.FUZZ_CASES ?? 24);
// Server-sent event streams never end: a request to one would wait for ever.
const STREAMS = new Set(['/api/inbox/stream', '/api/follow-ups/stream', '/api/home/stream']);
// Ending the caller's own session would turn the rest of the run into 401s.
const SKIP = new Set(['post /api/auth/logout']);

const resolve = (s: Schema | undefined): Schema =>
  s?.$ref ? resolve(doc.components.schemas[s.$ref.split('/').pop()!]) : (s ?? {});

// Strings that have broken parsers, databases and renderers elsewhere.
const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '\u202e\u202dRTL',
  '👨‍👩‍👧‍👦🏳️‍🌈',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
  '\uFEFF\u200B\u2028\u2029',
  "' OR '1'='1",
  '"; DROP TABLE patients; --',
  '%00%ff%',
  '../../../../etc/passwd',
  '<script>alert(1)</script>',
  '${7*7}{{7*7}}',
  '𠀀𪚥龘',
  'null',
  '-1',
  '1e309',
  '2026-02-30',
  '9999-12-31T99:99:99Z',
  '0000-00-00',
];
const HUGE = ['x'.repeat(100_000), '龘'.repeat(60_000), '😀'.repeat(40_000)];
const ODD_NUMBERS = [-1, 0, -0, 1.5, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 1, 1e308, -1e308, 5e-324];

/** A value the schema accepts, as far as a small generator can tell (examples first). */
function valid(schema: Schema | undefined, depth = 0): unknown {
  const s = resolve(schema);
  if (s.examples?.length) return s.examples[0];
  if (s.default !== undefined) return s.default;
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  const alts = s.anyOf ?? s.oneOf;
  if (alts) {
    const nonNull = alts.find((x: Schema) => resolve(x).type !== 'null') ?? alts[0];
    return valid(nonNull, depth);
  }
  const type = Array.isArray(s.type) ? s.type.find((x: string) => x !== 'null') : s.type;
  switch (type) {
    case 'string': {
      if (s.format === 'email') return 'fuzz@example.com';
      if (s.format === 'date') return '2026-12-01';
      if (s.format === 'date-time') return '2026-12-01T02:00:00.000Z';
      if (s.format === 'uri') return 'https://example.com/a';
      if (s.format === 'time') return '09:00';
      const n = Math.max(s.minLength ?? 1, 1);
      if (s.pattern) {
        for (const cand of ['2026-12-01', '09:00', '0912345678', 'A123456789', 'abc', '123456', 'x'])
          if (new RegExp(s.pattern, 'u').test(cand) && cand.length >= n) return cand;
      }
      return 'f'.repeat(Math.min(n, s.maxLength ?? n));
    }
    case 'integer':
    case 'number':
      return s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
    case 'boolean':
      return false;
    case 'array': {
      const n = s.minItems ?? 0;
      return depth > 4 ? [] : Array.from({ length: Math.max(n, 1) }, () => valid(s.items, depth + 1));
    }
    case 'object':
    default: {
      if (depth > 5) return {};
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries<Schema>(s.properties ?? {})) out[k] = valid(v, depth + 1);
      return out;
    }
  }
}

/** Property paths of a body (through objects and first array items). */
function paths(schema: Schema | undefined, at: string[] = [], depth = 0): { path: string[]; schema: Schema }[] {
  const s = resolve(schema);
  if (depth > 5) return [];
  const out: { path: string[]; schema: Schema }[] = [];
  for (const alt of s.anyOf ?? s.oneOf ?? []) if (resolve(alt).type !== 'null') out.push(...paths(alt, at, depth));
  if (s.type === 'array' && s.items) out.push(...paths(s.items, [...at, '0'], depth + 1));
  for (const [k, v] of Object.entries<Schema>(s.properties ?? {}))
    out.push({ path: [...at, k], schema: v }, ...paths(v, [...at, k], depth + 1));
  return out;
}

function setAt(o: unknown, path: string[], value: unknown, remove = false): unknown {
  const copy = structuredClone(o) as any;
  let x = copy;
  for (const k of path.slice(0, -1)) {
    if (x == null || typeof x !== 'object') return copy;
    x = x[k];
  }
  if (x == null || typeof x !== 'object') return copy;
  if (remove) delete x[path[path.length - 1]];
  else x[path[path.length - 1]] = value;
  return copy;
}

/** A wrong-typed value for a schema: the types it does not take. */
function wrongType(s: Schema, pick: <T>(xs: T[]) => T): unknown {
  const t = resolve(s).type;
  const pool: unknown[] = [];
  if (t !== 'string') pool.push('1', 'true', pick(ODD_STRINGS));
  if (t !== 'integer' && t !== 'number') pool.push(1, pick(ODD_NUMBERS));
  if (t !== 'boolean') pool.push(true);
  if (t !== 'object') pool.push({ a: 1 }, {});
  if (t !== 'array') pool.push([1, 'a'], []);
  pool.push(null);
  return pick(pool);
}

type Variant = { name: string; body?: unknown; raw?: string; pathValue?: string; query?: Record<string, string> };

function variants(o: Op, random: () => number): Variant[] {
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const bodySchema = o.op.requestBody?.content?.['application/json']?.schema as Schema | undefined;
  const base = bodySchema ? valid(bodySchema) : undefined;
  const props = bodySchema ? paths(bodySchema) : [];
  const required = (resolve(bodySchema).required ?? []) as string[];
  const out: Variant[] = [{ name: 'valid', body: base }];
  if (bodySchema) {
    out.push(
      { name: 'extra field', body: { ...(base as object), fuzzExtra: pick(ODD_STRINGS) } },
      { name: 'body is an array', body: [base] },
      { name: 'body is a string', body: pick(ODD_STRINGS) },
      { name: 'body is null', raw: 'null' },
      { name: 'broken JSON', raw: '{"a": [1, 2' },
      { name: 'deeply nested', raw: '['.repeat(5000) + ']'.repeat(5000) },
      { name: 'lone surrogate escape', raw: '{"x": "\\ud800"}' },
    );
    for (const r of required) out.push({ name: `missing ${r}`, body: setAt(base, [r], undefined, true) });
    for (const p of props) {
      const t = resolve(p.schema).type;
      const name = p.path.join('.');
      out.push({ name: `${name}: wrong type`, body: setAt(base, p.path, wrongType(p.schema, pick)) });
      if (t === 'string' || resolve(p.schema).anyOf) {
        out.push({ name: `${name}: odd string`, body: setAt(base, p.path, pick(ODD_STRINGS)) });
        out.push({ name: `${name}: huge string`, body: setAt(base, p.path, pick(HUGE)) });
      }
      if (t === 'integer' || t === 'number')
        out.push({ name: `${name}: number out of range`, body: setAt(base, p.path, pick(ODD_NUMBERS)) });
      if (t === 'array')
        out.push({
          name: `${name}: huge array`,
          body: setAt(
            base,
            p.path,
            Array.from({ length: 5000 }, () => valid(resolve(p.schema).items)),
          ),
        });
    }
  }
  const params = (o.op.parameters ?? []) as Schema[];
  if (params.some((p) => p.in === 'path'))
    for (const v of [pick(ODD_STRINGS), pick(HUGE).slice(0, 5000), '-1', '99999999999999999999', '%E0%A4%A'])
      out.push({ name: `path: ${v.slice(0, 20)}`, body: base, pathValue: v });
  for (const q of params.filter((p) => p.in === 'query')) {
    const s = resolve(q.schema);
    const bad = [pick(ODD_STRINGS), 'x'.repeat(20_000), s.type === 'integer' || s.type === 'number' ? '1e400' : '[]'];
    for (const v of bad) out.push({ name: `query ${q.name}: ${v.slice(0, 20)}`, body: base, query: { [q.name]: v } });
  }
  // The first cases (valid, whole-body breakage, missing fields) always run; the rest are sampled.
  const fixed = out.slice(0, 8 + required.length);
  const rest = out.slice(8 + required.length).sort(() => random() - 0.5);
  return [...fixed, ...rest].slice(0, Math.max(CASES, fixed.length));
}

const STACK = [
  /\n\s+at .+:\d+:\d+/,
  /\bat (async )?[\w.<>]+ \(/,
  /node:internal/,
  /\/(src|node_modules)\//,
  /\.ts:\d+/,
  /SQLITE_|sqlite3?_|syntax error at or near|violates .* constraint|relation ".*" does not exist/i,
  /TypeError|ReferenceError|RangeError|Cannot read propert/,
];

const ops: Op[] = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
    .map(([method, op]) => ({ method, path, op })),
);

let b: LineTestbed;
type Caller = (o: Op, v: Variant, url: string) => InjectOptions;
let sessions: Record<string, Session>;
let hisKey: string;
let channel: { channelId: string; channelSecret: string };
let liffToken: string;

beforeAll(async () => {
  b = await createLineTestbed();
  const steps = liffSteps(b);
  const c = await steps.clinic();
  channel = c;
  const u = await steps.user('模糊測試');
  liffToken = await steps.idToken(c.channelId, u);
  hisKey = await c.apiKey();
  sessions = {
    admin: c.admin,
    front_desk: await c.staff('front_desk'),
    doctor: await c.staff('doctor'),
    platform_operator: await c.staff('platform_operator'),
  };
}, 120_000);
afterAll(async () => b?.close());

/** A path segment: percent-encoded, except raw malformed escapes and lone surrogates (sent as bad UTF-8). */
function encodePath(v: string): string {
  if (v.startsWith('%')) return v;
  try {
    return encodeURIComponent(v);
  } catch {
    return '%ED%A0%80';
  }
}

function fill(path: string, v: Variant): string {
  const p = path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    if (v.pathValue !== undefined) return encodePath(v.pathValue);
    if (name === 'channelId') return channel.channelId;
    return '01900000-0000-7000-8000-000000000000';
  });
  const qs = v.query ? `?${new URLSearchParams(v.query)}` : '';
  return p + qs;
}

const requestFor =
  (role: string): Caller =>
  (o, v, url) => {
    const headers: Record<string, string> = {};
    const payload = v.raw !== undefined ? v.raw : v.body === undefined ? undefined : JSON.stringify(v.body);
    if (payload !== undefined) headers['content-type'] = 'application/json';
    if (o.path.startsWith('/his/')) headers.authorization = `Bearer ${hisKey}`;
    else if (o.path.startsWith('/liff/')) headers.authorization = `Bearer ${liffToken}`;
    else if (o.path.startsWith('/line/webhook/')) {
      headers['x-line-signature'] = createHmac('sha256', channel.channelSecret)
        .update(payload ?? '')
        .digest('base64');
    } else if (sessions[role]) {
      headers.cookie = sessions[role].cookie;
      headers['x-csrf-token'] = sessions[role].csrf;
    }
    return {
      method: o.method.toUpperCase() as InjectOptions['method'],
      url,
      headers,
      ...(payload === undefined ? {} : { payload }),
      remoteAddress: `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
    };
  };

/** The request of a failure, short enough to read. */
const shown = (v: Variant) =>
  `${v.pathValue !== undefined ? `path=${JSON.stringify(v.pathValue.slice(0, 40))} ` : ''}` +
  `${v.query ? `query=${JSON.stringify(v.query).slice(0, 80)} ` : ''}` +
  `${(v.raw ?? JSON.stringify(v.body) ?? '').slice(0, 300)}`;

function problem(res: LightMyRequestResponse): string | null {
  if (res.statusCode >= 500) return `status ${res.statusCode}: ${res.body.slice(0, 300)}`;
  const leak = STACK.find((re) => re.test(res.body));
  return leak ? `leak (${leak}): ${res.body.slice(0, 300)}` : null;
}

describe('openapi.json fuzzer', () => {
  it(`answers every operation's broken requests below 500 without a stack trace (seed ${SEED})`, async () => {
    const random = seededRandom(SEED);
    const failures: string[] = [];
    let sent = 0;
    const started = Date.now();
    for (const o of ops) {
      if (STREAMS.has(o.path) || SKIP.has(`${o.method} ${o.path}`)) continue;
      const vs = variants(o, random);
      // The role the operation lets in: the first of these that is not refused with 401/403.
      let role = 'admin';
      if (o.path.startsWith('/api/')) {
        for (const r of ['admin', 'platform_operator', 'front_desk', 'doctor']) {
          role = r;
          const res = await b.t.app.inject(requestFor(r)(o, vs[0], fill(o.path, vs[0])));
          sent++;
          if (res.statusCode !== 401 && res.statusCode !== 403) break;
        }
      }
      for (const v of vs) {
        const res = await b.t.app.inject(requestFor(role)(o, v, fill(o.path, v)));
        sent++;
        const p = problem(res);
        if (p) failures.push(`${o.method.toUpperCase()} ${o.path} [${role}] ${v.name}: ${p} ← ${shown(v)}`);
      }
    }
    // The webhook takes a signed raw body that openapi.json does not describe: odd JSON, signed.
    const hook = { method: 'post', path: '/line/webhook/{channelId}', op: {} };
    for (const raw of [
      '{}',
      '{"events":null}',
      '{"events":[{"type":"message"}]}',
      '{"destination":1,"events":[1]}',
      '[',
      '"x"',
    ])
      for (const res of [
        await b.t.app.inject(requestFor('admin')(hook, { name: raw, raw }, fill(hook.path, { name: '' }))),
      ]) {
        sent++;
        const p = problem(res);
        if (p) failures.push(`POST /line/webhook [signed] ${raw}: ${p}`);
      }
    console.info(
      `fuzzer: ${ops.length} operations, ${sent} requests in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(failures).toEqual([]);
  }, 600_000);
});
