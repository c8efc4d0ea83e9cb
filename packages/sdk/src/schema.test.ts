import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateSdkTypes, SCHEMA_FILE } from './generate.ts';

describe('@careline/sdk generated types', () => {
  it('match apps/server/openapi.json (run `npm run openapi` after changing routes)', async () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(await generateSdkTypes());
  });
});
