import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateOpenApi, OPENAPI_FILE } from './openapi-doc.ts';

describe('OpenAPI document', () => {
  it('matches the checked-in apps/server/openapi.json (run `npm run openapi` after changing routes)', async () => {
    const generated = await generateOpenApi();
    const checkedIn = readFileSync(OPENAPI_FILE, 'utf8');
    expect(JSON.parse(generated)).toEqual(JSON.parse(checkedIn));
  });

  it('is OpenAPI 3.1 and documents every route with a summary', async () => {
    const doc = JSON.parse(await generateOpenApi());
    expect(doc.openapi).toBe('3.1.0');
    for (const [path, ops] of Object.entries<Record<string, { summary?: string }>>(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) expect(op.summary, `${method} ${path}`).toBeTruthy();
    }
  });
});
