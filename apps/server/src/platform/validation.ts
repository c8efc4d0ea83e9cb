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

function buildValidator(externalSchemas: unknown, options: Options = {}) {
  const custom = options.customOptions ?? {};
  const strict = pool(externalSchemas, { ...options, customOptions: { ...custom, coerceTypes: false } });
  const coercing = pool(externalSchemas, { ...options, customOptions: { ...custom, coerceTypes: 'array' } });
  return (route: RouteSchema) => (route.httpPart === 'body' ? strict(route) : coercing(route));
}

/** Fastify's compilersFactory.buildValidator: one Ajv without coercion for bodies, one with it for the rest. */
export const validatorPerPart = buildValidator as unknown as BuildCompilerFromPool;
