// `npm run bench -- api`: requests/s of an authenticated back-office list endpoint
// (GET /api/staff: session lookup + role check + tenant-scoped query + JSON schema
// serialisation, on SQLite) against a bare Fastify hello-world in the same run.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../apps/server/src/app.ts';
import { loadConfig } from '../apps/server/src/config.ts';
import { createDeps } from '../apps/server/src/deps-factory.ts';
import { clinicService } from '../apps/server/src/modules/clinics/service.ts';
import { staffService } from '../apps/server/src/modules/staff/service.ts';
import { runLoad, startBareFastify, type BenchResult } from './lib/load.ts';

export default async function bench(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'careline-bench-api-'));
  const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`, ENCRYPTION_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'silent' });
  const { deps, database } = await createDeps(config);
  const clinic = await clinicService(deps).create({ name: '壓測診所' });
  const staff = staffService(deps);
  await staff.createWithPassword(clinic.id, { email: 'bench-admin@careline.tw', name: '管理者', role: 'admin', password: 'bench-password' });
  for (let i = 0; i < 30; i++) await staff.createWithPassword(clinic.id, { email: `staff${i}@careline.tw`, name: `員工${i}`, role: 'front_desk', password: 'bench-password' });
  const app = await buildApp(deps, { logger: false });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench-admin@careline.tw', password: 'bench-password' }) });
  const cookie = (login.headers.getSetCookie().find((c) => c.startsWith('careline_session=')) ?? '').split(';')[0];
  if (!cookie) throw new Error(`login failed: ${login.status}`);

  const bare = await startBareFastify();
  const durationMs = Number(process.env.BENCH_DURATION_MS ?? 5000);
  const base = await runLoad({ url: bare.url, label: 'bare fastify', durationMs });
  const api = await runLoad({ url: `${url}/api/staff`, headers: { cookie }, label: 'GET /api/staff', durationMs });
  await bare.close();
  await app.close();
  await database.close();
  rmSync(dir, { recursive: true, force: true });
  if (api.errors > 0) throw new Error(`authenticated list had ${api.errors} errors: ${api.error_samples.join('; ')}`);
  return {
    bench: 'api',
    metric: 'authenticated_list_rps',
    value: Math.round(api.rps),
    unit: 'req/s',
    baseline: Math.round(base.rps),
    ratio: Math.round((api.rps / base.rps) * 1000) / 1000,
    p50_ms: api.p50_ms,
    p95_ms: api.p95_ms,
    p99_ms: api.p99_ms,
    baseline_p95_ms: base.p95_ms,
    rows_per_response: 31,
    target_ratio: 0.4,
  };
}
