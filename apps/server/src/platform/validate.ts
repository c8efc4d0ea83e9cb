// Validates a value against a TypeBox schema outside Fastify (batch items, where one bad item
// must not sink the others) and turns the errors into the same zh-TW per-field details.
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { ErrorDetail } from './errors.ts';
import { zhMessage } from './http.ts';
import { unstorable } from './validation.ts';

export function schemaErrors(schema: TSchema, value: unknown, prefix = ''): ErrorDetail[] {
  if (Value.Check(schema, value)) {
    // As for request bodies (platform/validation.ts): text with a NUL character cannot be stored.
    const bad = unstorable(value, false);
    if (!bad) return [];
    const path = bad.at.replace(/^\//, '').replace(/\//g, '.');
    return [{ field: [prefix, path].filter(Boolean).join('.') || 'body', code: 'pattern', message: '格式不正確' }];
  }
  const out: ErrorDetail[] = [];
  const seen = new Set<string>();
  for (const e of Value.Errors(schema, value) as Iterable<{
    keyword: string;
    instancePath: string;
    params: Record<string, any>;
  }>) {
    if (e.keyword === 'boolean' || e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    if (e.keyword === 'type' && e.params.type === 'null') continue;
    const path = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const join = (f: string) => [prefix, path, f].filter(Boolean).join('.');
    if (e.keyword === 'additionalProperties') {
      for (const extra of [].concat(e.params.additionalProperties ?? e.params.additionalProperty ?? [])) {
        push({ field: join(String(extra)), code: 'additionalProperties', message: `不接受的欄位「${extra}」` });
      }
      continue;
    }
    if (e.keyword === 'required') {
      for (const miss of [].concat(e.params.requiredProperties ?? e.params.missingProperty ?? []))
        push({ field: join(String(miss)), code: 'required', message: '此欄位為必填' });
      continue;
    }
    push({ field: join('') || prefix || 'body', code: e.keyword, message: zhMessage(e) });
  }
  return out;
  function push(d: ErrorDetail) {
    const k = `${d.field}|${d.code}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(d);
    }
  }
}
