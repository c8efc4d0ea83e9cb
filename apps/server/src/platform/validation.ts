// Request validation: JSON bodies are checked as sent, without type coercion, so a `null`
// stays `null` and "1" is not 1 (what a client sends is what is stored). Query strings,
// path parameters and headers are text by nature and keep Ajv's coercion ("20" → 20,
// "true" → true, one value → an array of one).
import AjvCompiler, { type BuildCompilerFromPool } from '@fastify/ajv-compiler';

export const AJV_OPTIONS = { removeAdditional: false, allErrors: true, useDefaults: true } as const;

type Options = { customOptions?: Record<string, unknown> } & Record<string, unknown>;
type RouteSchema = { httpPart?: string } & Record<string, unknown>;
type Pool = (externalSchemas: unknown, options: Options) => (route: RouteSchema) => unknown;

const pool = AjvCompiler() as unknown as Pool;

type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null };

/**
 * The path of the first value no column can hold, or null: a non-finite number (coercion turns
 * "1e400" into Infinity, which Ajv's integer and number checks let through) or text with a NUL
 * character (PostgreSQL refuses it in text; no person types it).
 */
export function unstorable(data: unknown, coerced: boolean, path = ''): { at: string; what: 'number' | 'nul' } | null {
  // A coerced whole number past 2^53 ("99999999999999999999" as an id) is no longer the number sent.
  const bad = (n: number) => !Number.isFinite(n) || (coerced && Number.isInteger(n) && !Number.isSafeInteger(n));
  if (typeof data === 'number') return bad(data) ? { at: path, what: 'number' } : null;
  if (typeof data === 'string') return data.includes('\u0000') ? { at: path, what: 'nul' } : null;
  if (data && typeof data === 'object')
    for (const [k, v] of Object.entries(data)) {
      const p = unstorable(v, coerced, `${path}/${k}`);
      if (p) return p;
    }
  return null;
}

/** Runs Ajv's check, then refuses what no column can hold (as a wrong type or a bad pattern). */
function storableOnly(validate: Validate, coerced: boolean): Validate {
  const f: Validate = (data) => {
    if (!validate(data)) {
      f.errors = validate.errors;
      return false;
    }
    const bad = unstorable(data, coerced);
    f.errors = bad
      ? [
          bad.what === 'number'
            ? { instancePath: bad.at, keyword: 'type', params: { type: 'number' }, schemaPath: '#' }
            : { instancePath: bad.at, keyword: 'pattern', params: { pattern: 'no NUL' }, schemaPath: '#' },
        ]
      : null;
    return !bad;
  };
  return f;
}

function buildValidator(externalSchemas: unknown, options: Options = {}) {
  const custom = options.customOptions ?? {};
  const strict = pool(externalSchemas, { ...options, customOptions: { ...custom, coerceTypes: false } });
  const coercing = pool(externalSchemas, { ...options, customOptions: { ...custom, coerceTypes: 'array' } });
  return (route: RouteSchema) =>
    route.httpPart === 'body'
      ? storableOnly(strict(route) as Validate, false)
      : storableOnly(coercing(route) as Validate, true);
}

/** Fastify's compilersFactory.buildValidator: one Ajv without coercion for bodies, one with it for the rest. */
export const validatorPerPart = buildValidator as unknown as BuildCompilerFromPool;
