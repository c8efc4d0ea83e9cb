// The export of bench/export.ts in a process of its own (as a worker runs it): opens the
// benchmark's database, runs the export job's code, samples its memory every 100 ms and the
// export's step from its row, and sends the figures to the parent.
import { loadConfig } from '../../apps/server/src/config.ts';
import { createDeps } from '../../apps/server/src/deps-factory.ts';
import { exportRepository } from '../../apps/server/src/modules/export/repository.ts';
import { runExport } from '../../apps/server/src/modules/export/run.ts';

export type WorkerResult = {
  rssBeforeMb: number;
  rssPeakMb: number;
  byStep: Record<string, { rss: number; heap: number; external: number }>;
  fhirResources: number;
  tableRows: number;
  tablesS: number;
  fhirS: number;
  zipS: number;
  totalS: number;
  zipMb: number;
};

const mb = (b: number) => Math.round(b / 1024 / 1024);
const tenths = (ms: number) => Math.round(ms / 100) / 10;

async function main(job: { clinicId: string; exportId: string }): Promise<WorkerResult> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: `sqlite:${process.env.BENCH_EXPORT_DB}`,
    ENCRYPTION_KEY: process.env.BENCH_EXPORT_KEY,
    PUBLIC_BASE_URL: 'http://bench.test',
    LOG_LEVEL: 'silent',
    EXPORT_DIR: process.env.BENCH_EXPORT_DIR,
  });
  const { deps, database } = await createDeps(config);
  try {
    const repo = exportRepository(deps.db, deps.dialect);
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    let step = 'start';
    const byStep: WorkerResult['byStep'] = {};
    const sample = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.rss);
      const b = (byStep[step] ??= { rss: 0, heap: 0, external: 0 });
      b.rss = Math.max(b.rss, mb(m.rss));
      b.heap = Math.max(b.heap, mb(m.heapUsed));
      b.external = Math.max(b.external, mb(m.external + m.arrayBuffers));
    }, 100);
    const at: Record<string, number> = {};
    let watching = true;
    const t0 = performance.now();
    const watch = (async () => {
      while (watching) {
        const r = await repo.get(job.clinicId, job.exportId);
        const p = r?.phase;
        if (p && !(p in at)) {
          at[p] = performance.now();
          step = p;
          process.stderr.write(`[export] step ${p} at ${((at[p] - t0) / 1000).toFixed(1)} s\n`);
        }
        await new Promise((res) => setTimeout(res, 100));
      }
    })();
    await runExport(deps, job.clinicId, job.exportId);
    const t1 = performance.now();
    watching = false;
    await watch;
    clearInterval(sample);
    const done = (await repo.get(job.clinicId, job.exportId))!;
    if (done.status !== 'done') throw new Error(`export ended ${done.status}: ${done.error}`);
    const fhirAt = at.fhir ?? t0;
    const zipAt = at.zip ?? t1;
    return {
      rssBeforeMb: mb(rssBefore),
      rssPeakMb: mb(peak),
      byStep,
      fhirResources: done.fhir_written,
      tableRows: done.rows_written,
      tablesS: tenths(fhirAt - t0),
      fhirS: tenths(zipAt - fhirAt),
      zipS: tenths(t1 - zipAt),
      totalS: tenths(t1 - t0),
      zipMb: mb(done.size_bytes ?? 0),
    };
  } finally {
    await database.close();
  }
}

process.once('message', (job) => {
  main(job as { clinicId: string; exportId: string }).then(
    (r) => process.send!(r, () => process.exit(0)),
    (err: unknown) => {
      process.stderr.write(`[export] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
});
