// `npm run openapi`: regenerates apps/server/openapi.json (checked in; a test fails on drift)
// and the SDK's generated types.
import { writeFileSync } from 'node:fs';
import { generateOpenApi, OPENAPI_FILE } from '../apps/server/src/openapi-doc.ts';

writeFileSync(OPENAPI_FILE, await generateOpenApi());
process.stdout.write(`wrote ${OPENAPI_FILE.pathname}\n`);

const { writeSdkTypes } = await import('../packages/sdk/src/generate.ts');
process.stdout.write(`wrote ${(await writeSdkTypes()).pathname}\n`);
