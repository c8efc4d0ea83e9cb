import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateSdkTypes, SCHEMA_FILE } from './generate.ts';
import { createCarelineClient } from './index.ts';

describe('@careline/sdk generated types', () => {
  it('match apps/server/openapi.json (run `npm run openapi` after changing routes)', async () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(await generateSdkTypes());
  });
});

describe('@careline/sdk methods', () => {
  it('are the HIS Open API operations, each named by its operationId', async () => {
    const doc = JSON.parse(readFileSync(new URL('../../../apps/server/openapi.json', import.meta.url), 'utf8')) as {
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    const ops = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/his/v1/'))
      .flatMap(([, methods]) => Object.values(methods).map((op) => op.operationId));
    expect(ops.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ops).size).toBe(ops.length);
    const client = createCarelineClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k' });
    const methods = Object.keys(client).filter((k) => !['raw', 'statusChangePages', 'statusChanges'].includes(k));
    expect(methods.sort()).toEqual([...(ops as string[])].sort());
  });
});
