// Validates emulator responses and webhook bodies against LINE's own OpenAPI descriptions
// (copied unmodified into ../openapi/). Used by the conformance tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

type Obj = Record<string, unknown>;
const OPENAPI_DIR = join(import.meta.dirname, '..', 'openapi');
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => void;

/**
 * Rewrites OpenAPI-only constructs into JSON Schema: `nullable`, and `discriminator` with a
 * mapping on a base schema that its subtypes extend with allOf (LINE's pattern). The base
 * keeps its own constraints as `<Name>__base`; the base name then means "base, and the
 * mapped subtype for this `type`" so a response is checked against the concrete subtype.
 */
function toJsonSchema(doc: Obj): Obj {
  const schemas = ((doc.components as Obj | undefined)?.schemas ?? {}) as Record<string, Obj>;
  const out: Record<string, Obj> = {};
  const bases = new Set<string>();
  for (const [name, s] of Object.entries(schemas)) {
    const d = s.discriminator as { propertyName: string; mapping?: Record<string, string> } | undefined;
    if (d?.mapping) bases.add(name);
  }
  const fix = (v: unknown, inside: string): unknown => {
    if (Array.isArray(v)) return v.map((x) => fix(x, inside));
    if (typeof v !== 'object' || v === null) return v;
    const o: Obj = {};
    for (const [k, x] of Object.entries(v as Obj)) {
      if (k === 'discriminator' || k === 'example' || k === 'externalDocs' || k === 'xml') continue;
      if (k === '$ref' && typeof x === 'string') {
        const name = x.replace('#/components/schemas/', '');
        // a subtype extending its base refers to the plain base (no recursion)
        o.$ref =
          bases.has(name) && inside !== name && isSubtypeOf(schemas[inside], name)
            ? `#/components/schemas/${name}__base`
            : x;
        continue;
      }
      o[k] = fix(x, inside);
    }
    if (o.nullable === true) {
      delete o.nullable;
      return { anyOf: [o, { type: 'null' }] };
    }
    delete o.nullable;
    return o;
  };
  for (const [name, s] of Object.entries(schemas)) {
    if (bases.has(name)) {
      const d = s.discriminator as { propertyName: string; mapping: Record<string, string> };
      out[`${name}__base`] = fix(s, name) as Obj;
      // JSON Schema if/then (built with fromEntries: a literal `then` key reads as a thenable to linters)
      const branches = Object.entries(d.mapping).map(([value, ref]) =>
        Object.fromEntries([
          ['if', { properties: { [d.propertyName]: { const: value } }, required: [d.propertyName] }],
          // oxlint-disable-next-line unicorn/no-thenable -- JSON Schema's `then` keyword, not a promise
          ['then', { $ref: ref }],
        ]),
      );
      out[name] = { allOf: [{ $ref: `#/components/schemas/${name}__base` }, ...branches] };
    } else {
      out[name] = fix(s, name) as Obj;
    }
  }
  return { components: { schemas: out }, paths: fix(doc.paths ?? {}, '') };
}

function isSubtypeOf(s: Obj | undefined, base: string): boolean {
  const all = s?.allOf;
  return Array.isArray(all) && all.some((x) => (x as Obj).$ref === `#/components/schemas/${base}`);
}

export type Spec = { name: string; doc: Obj };

export class Conformance {
  ajv: Ajv;
  specs: Spec[] = [];
  cache = new Map<string, ValidateFunction>();

  constructor(files: string[] = ['messaging-api.yml', 'channel-access-token.yml', 'webhook.yml']) {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addFormat('int32', true);
    this.ajv.addFormat('int64', true);
    this.ajv.addFormat('binary', true);
    for (const f of files) {
      const doc = parse(readFileSync(join(OPENAPI_DIR, f), 'utf8')) as Obj;
      this.specs.push({ name: f, doc });
      this.ajv.addSchema({ $id: f, ...toJsonSchema(doc) });
    }
  }

  /** The response schema LINE documents for method + path template + status, or throws. */
  responseSchemaRef(
    method: string,
    pathTemplate: string,
    status: number,
  ): { ref: string | null; contentType: string | null } {
    for (const s of this.specs) {
      const op = ((s.doc.paths as Obj | undefined)?.[pathTemplate] as Obj | undefined)?.[method.toLowerCase()] as
        Obj | undefined;
      if (!op) continue;
      const responses = op.responses as Obj;
      const r = (responses[String(status)] ?? responses.default) as Obj | undefined;
      if (!r) {
        // LINE documents error bodies once (ErrorResponse, "Error responses") rather than per
        // operation; an undocumented 4xx/5xx must still be that common error body.
        if (status >= 400)
          return { ref: `${s.name}#/components/schemas/ErrorResponse`, contentType: 'application/json' };
        throw new Error(`${method} ${pathTemplate}: status ${status} is not documented by LINE`);
      }
      const content = r.content as Record<string, Obj> | undefined;
      if (!content) return { ref: null, contentType: null };
      const [ct, media] = Object.entries(content)[0];
      const schema = media.schema as Obj | undefined;
      if (!schema) return { ref: null, contentType: ct };
      if (typeof schema.$ref === 'string') return { ref: `${s.name}${schema.$ref}`, contentType: ct };
      const key = `${s.name}#inline:${method}:${pathTemplate}:${status}`;
      if (!this.cache.has(key))
        this.cache.set(
          key,
          this.ajv.compile({
            $ref:
              `${s.name}#/paths/${pathTemplate.replace(/~/g, '~0').replace(/\//g, '~1')}/${method.toLowerCase()}` +
              `/responses/${status}/content/${ct.replace(/\//g, '~1')}/schema`,
          }),
        );
      return { ref: key, contentType: ct };
    }
    throw new Error(`${method} ${pathTemplate} is not in LINE's OpenAPI descriptions`);
  }

  validator(ref: string): ValidateFunction {
    let v = this.cache.get(ref);
    if (!v) {
      v = this.ajv.compile({ $ref: ref });
      this.cache.set(ref, v);
    }
    return v;
  }

  /** Returns a list of problems (empty when the response conforms). */
  check(method: string, pathTemplate: string, status: number, body: unknown): string[] {
    const { ref } = this.responseSchemaRef(method, pathTemplate, status);
    if (ref === null) return [];
    const v = this.validator(ref);
    if (v(body)) return [];
    return (v.errors ?? []).map(
      (e) =>
        `${method} ${pathTemplate} ${status}: ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
    );
  }

  /** Validates a schema by component name, e.g. ('webhook.yml', 'CallbackRequest'). */
  checkSchema(file: string, name: string, value: unknown): string[] {
    const v = this.validator(`${file}#/components/schemas/${name}`);
    if (v(value)) return [];
    return (v.errors ?? []).map(
      (e) => `${name}: ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
    );
  }
}
