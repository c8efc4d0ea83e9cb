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

/** The path of the first non-finite number in coerced data ("1e400" → Infinity), or null. */
function nonFinite(data: unknown, path = ''): string | null {
  if (typeof data === 'number') return Number.isFinite(data) ? null : path;
  if (data && typeof data === 'object')
    for (const [k, v] of Object.entries(data)) {
      const p = nonFinite(v, `${path}/${k}`);
      if (p !== null) return p;
    }
  return null;
}

/**
 * Coercion turns "1e400" into Infinity, which Ajv's integer and number checks let through (and
 * a LIMIT of Infinity fails in SQL): a coerced non-finite number is refused like a wrong type.
 */
function finiteOnly(validate: Validate): Validate {
  const f: Validate = (data) => {
    if (!validate(data)) {
      f.errors = validate.errors;
      return false;
    }
    const at = nonFinite(data);
    f.errors =
      at === null ? null : [{ instancePath: at, keyword: 'type', params: { type: 'number' }, schemaPath: '#' }];
    return at === null;
  };
  return f;
}

function buildValidator(externalSchemas: unknown, options: Options = {}) {
  const custom = options.customOptions ?? {};
  const strict = pool(externalSchemas, { ...options, customOptions: { ...custom, coerceTypes: false } });
  const coercing = pool(externalSchemas, { ...options, customOptions: { ...custom, coerceTypes: 'array' } });
  return (route: RouteSchema) => (route.httpPart === 'body' ? strict(route) : finiteOnly(coercing(route) as Validate));
}

/** Fastify's compilersFactory.buildValidator: one Ajv without coercion for bodies, one with it for the rest. */
export const validatorPerPart = buildValidator as unknown as BuildCompilerFromPool;
