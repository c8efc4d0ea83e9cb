// Generates the OpenAPI document from the route schemas, independent of configuration, so
// the checked-in apps/server/openapi.json can be compared with what the code serves.
import { randomBytes } from 'node:crypto';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';
import { createDeps } from './deps-factory.ts';

export const OPENAPI_FILE = new URL('../openapi.json', import.meta.url);

export async function generateOpenApi(): Promise<string> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: 'sqlite::memory:',
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'silent',
  });
  const { deps, database } = await createDeps(config);
  const app = await buildApp(deps, { logger: false });
  await app.ready();
  const doc = app.swagger();
  await app.close();
  await database.close();
  return JSON.stringify(doc, null, 2) + '\n';
}
