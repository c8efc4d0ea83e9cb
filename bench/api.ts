// `npm run bench -- api`: requests/s of an authenticated back-office list endpoint
// (GET /api/staff: session lookup + role check + tenant-scoped query + JSON schema
// serialisation, on SQLite) against a bare Fastify hello-world in the same run, in
// interleaved rounds. BENCH_DURATION_MS (default 10,000 per side), BENCH_ROUNDS (default 5).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../apps/server/src/app.ts';
import { loadConfig } from '../apps/server/src/config.ts';
import { createDeps } from '../apps/server/src/deps-factory.ts';
import { clinicService } from '../apps/server/src/modules/clinics/service.ts';
import { staffService } from '../apps/server/src/modules/staff/service.ts';
import { runLoad, startBareFastify, type BenchResult, type LoadResult } from './lib/load.ts';

export default async function bench(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'careline-bench-api-'));
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'silent',
  });
  const { deps, database } = await createDeps(config);
  const clinic = await clinicService(deps).create({ name: '壓測診所' });
  const staff = staffService(deps);
  await staff.createWithPassword(clinic.id, {
    email: 'bench-admin@careline.tw',
    name: '管理者',
    role: 'admin',
    password: 'bench-password',
  });
  for (let i = 0; i < 30; i++)
    await staff.createWithPassword(clinic.id, {
      email: `staff${i}@careline.tw`,
      name: `員工${i}`,
      role: 'front_desk',
      password: 'bench-password',
    });
  const app = await buildApp(deps, { logger: false });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench-admin@careline.tw', password: 'bench-password' }),
  });
  const cookie = (login.headers.getSetCookie().find((c) => c.startsWith('careline_session=')) ?? '').split(';')[0];
  if (!cookie) throw new Error(`login failed: ${login.status}`);

  const bare = await startBareFastify();
  // Interleaved rounds (baseline, endpoint, baseline, endpoint …) so that noise from other
  // processes on a shared machine hits both sides alike; the ratio is the median of the
  // per-round ratios, the rates are totals over all rounds.
  const durationMs = Number(process.env.BENCH_DURATION_MS ?? 10_000);
  const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
  const roundMs = Math.max(500, Math.round(durationMs / rounds));
  await runLoad({ url: bare.url, label: 'bare fastify (warm-up)', durationMs: 3000, warmupMs: 0 });
  await runLoad({
    url: `${url}/api/staff`,
    headers: { cookie },
    label: 'GET /api/staff (warm-up)',
    durationMs: 3000,
    warmupMs: 0,
  });
  const baseRuns: LoadResult[] = [];
  const apiRuns: LoadResult[] = [];
  for (let r = 0; r < rounds; r++) {
    baseRuns.push(
      await runLoad({
        url: bare.url,
        label: `bare fastify, round ${r + 1}/${rounds}`,
        durationMs: roundMs,
        warmupMs: 0,
      }),
    );
    apiRuns.push(
      await runLoad({
        url: `${url}/api/staff`,
        headers: { cookie },
        label: `GET /api/staff, round ${r + 1}/${rounds}`,
        durationMs: roundMs,
        warmupMs: 0,
      }),
    );
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ratios = apiRuns.map((a, i) => a.rps / baseRuns[i].rps);
  const total = (runs: LoadResult[]) => runs.reduce((n, x) => n + x.rps, 0) / runs.length;
  const base = { rps: total(baseRuns), p95_ms: median(baseRuns.map((x) => x.p95_ms)) };
  const api = {
    rps: total(apiRuns),
    p50_ms: median(apiRuns.map((x) => x.p50_ms)),
    p95_ms: median(apiRuns.map((x) => x.p95_ms)),
    p99_ms: median(apiRuns.map((x) => x.p99_ms)),
    errors: apiRuns.reduce((n, x) => n + x.errors, 0),
    error_samples: apiRuns.flatMap((x) => x.error_samples),
  };
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
    ratio: Math.round(median(ratios) * 1000) / 1000,
    round_ratios: ratios.map((x) => Math.round(x * 1000) / 1000),
    p50_ms: api.p50_ms,
    p95_ms: api.p95_ms,
    p99_ms: api.p99_ms,
    baseline_p95_ms: base.p95_ms,
    rows_per_response: 31,
    target_ratio: 0.4,
    rounds,
    load_avg: loadavg().map((x) => Math.round(x * 10) / 10),
  };
}
