// `npm run demo`: the whole product on the embedded database with a seeded demo clinic.
// Creates the data directory, builds the back office if needed, migrates, seeds (idempotent),
// starts the LINE emulator, the API and the worker, prints URLs and logins. Ctrl-C stops all.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../apps/server/src/config.ts';
import { createDeps } from '../apps/server/src/deps-factory.ts';
import {
  DEMO_CLINIC_ID,
  DEMO_CLINIC_NAME,
  DEMO_HIS_KEY,
  DEMO_LIFF_ID,
  DEMO_LOGINS,
  DEMO_PASSWORD,
  connectDemoLine,
  seedDemo,
} from '../apps/server/src/db/seed/demo.ts';
import { devEncryptionKey, startServer, WEB_DIST } from '../apps/server/src/server.ts';
import { seedDemoBooking } from '../apps/server/src/modules/booking/demo.ts';
import { seedDemoActivity, seedDemoReports } from '../apps/server/src/modules/reports/demo.ts';
import { fillDemoClinic, fillDemoQueue } from './fake-his.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const env = { ...process.env };
if (env.NODE_ENV === 'production') {
  process.stderr.write('demo: refuses to run with NODE_ENV=production (it seeds demo logins)\n');
  process.exit(1);
}
const dataDir = resolve(env.CARELINE_DATA_DIR ?? './data');
if (env.CARELINE_FRESH === '1') rmSync(dataDir, { recursive: true, force: true });
env.CARELINE_DATA_DIR = dataDir;
env.DATABASE_URL ??= `sqlite:${resolve(dataDir, 'careline.db')}`;
const emulatorPort = Number(env.EMULATOR_PORT ?? 4000);
// The demo clinic's size (CARELINE_DEMO_PATIENTS, CARELINE_DEMO_HISTORY_DAYS override it).
const DEMO_PATIENTS = Number(env.CARELINE_DEMO_PATIENTS ?? 5_000);
const DEMO_HISTORY_DAYS = Number(env.CARELINE_DEMO_HISTORY_DAYS ?? 365);
env.LINE_API_BASE_URL ??= `http://localhost:${emulatorPort}`;
env.LOG_LEVEL ??= 'warn';

if (!existsSync(resolve(WEB_DIST, 'index.html')) && existsSync(resolve(root, 'apps/web/vite.config.ts'))) {
  process.stdout.write('building the back office (first start only)…\n');
  const r = spawnSync('npx', ['vite', 'build', '--config', 'apps/web/vite.config.ts', '--logLevel', 'warn'], {
    stdio: 'inherit',
    cwd: root,
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
env.WEB_DIST_DIR ??= WEB_DIST;

let config;
try {
  config = loadConfig(env, { encryptionKey: devEncryptionKey(env) });
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`demo: configuration error: ${err.message}\n`);
    process.exit(78);
  }
  throw err;
}

const { deps, database } = await createDeps(config);
const seeded = await seedDemo(deps);
await database.close();

const stops: (() => Promise<void>)[] = [];
let emulatorUrl: string | null = null;
const emulatorEntry = resolve(root, 'apps/line-emulator/src/index.ts');
if (existsSync(emulatorEntry)) {
  const { startEmulator, demoChannel } = await import(emulatorEntry);
  const emu = await startEmulator({
    port: emulatorPort,
    host: env.HOST ?? '0.0.0.0',
    channels: [
      {
        ...demoChannel(`${config.publicBaseUrl}/line/webhook/1000000001`),
        displayName: DEMO_CLINIC_NAME,
        liffApps: [{ liffId: DEMO_LIFF_ID, url: `http://localhost:${config.port}/liff/1000000001/` }],
      },
    ],
  });
  emulatorUrl = emu.url;
  stops.push(() => emu.close());
}
const server = await startServer(config, 'all');
stops.unshift(() => server.stop());
if (emulatorUrl) {
  const menus = await createDeps(config, { migrate: false });
  const menuError = await connectDemoLine(menus.deps);
  await menus.database.close();
  if (menuError) process.stderr.write(`demo: LINE emulator not fully connected: ${menuError}\n`);
}

const base = `http://localhost:${config.port}`;
if (seeded.created || env.CARELINE_DEMO_FILL === '1') {
  // The fake HIS fills the new demo clinic through the HIS API like a mid-sized dental clinic:
  // 5 doctors, 5,000 patients, the next 14 days and the past year of visits (~12,000).
  try {
    const f = await fillDemoClinic({
      baseUrl: `http://127.0.0.1:${config.port}`,
      apiKey: DEMO_HIS_KEY,
      seed: 1,
      days: 14,
      patients: DEMO_PATIENTS,
      historyDays: DEMO_HISTORY_DAYS,
    });
    process.stdout.write(
      `fake HIS: ${f.doctors} doctors, ${f.patients} patients, ${f.appointments} appointments` +
        `${f.failed ? ` (${f.failed} failed: ${f.errors[0]})` : ''}\n`,
    );
  } catch (err) {
    process.stderr.write(
      `demo: fake HIS could not fill the demo clinic: ${err instanceof Error ? err.message : String(err)}\n`,
    );
  }
  // 看診進度: today's queue of one doctor, as the HIS at the counter sends it (check-ins, a call).
  try {
    const q = await fillDemoQueue({
      baseUrl: `http://127.0.0.1:${config.port}`,
      apiKey: DEMO_HIS_KEY,
      seed: 1,
      patients: DEMO_PATIENTS,
    });
    if (q.doctorId) process.stdout.write(`queue: ${q.doctorId} ${q.session}, ${q.checkIns} checked in\n`);
  } catch (err) {
    process.stderr.write(`demo: queue not seeded: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  const sv = await createDeps(config, { migrate: false });
  try {
    // 線上預約: two doctors open for booking in LIFF.
    const open = await seedDemoBooking(sv.deps, DEMO_CLINIC_ID);
    if (open) process.stdout.write(`online booking: ${open} doctors open\n`);
    // 報表 and 滿意度: the Careline side of the past (synthetic: LINE bindings, reminders and the
    // replies, the inbox, satisfaction surveys; reports/demo.ts).
    const t0 = Date.now();
    const a = await seedDemoActivity(sv.deps, DEMO_CLINIC_ID);
    process.stdout.write(
      `Careline history: ${a.bindings} LINE bindings, ${a.deliveries} reminders (${a.line} LINE, ${a.pnp} ` +
        `notification, ${a.sms} SMS), ${a.questions} questions, ${a.surveys} surveys, ${a.complaints} complaints ` +
        `(${((Date.now() - t0) / 1000).toFixed(1)} s)\n`,
    );
  } catch (err) {
    process.stderr.write(
      `demo: surveys, booking or history not seeded: ${err instanceof Error ? err.message : String(err)}\n`,
    );
  } finally {
    await sv.database.close();
  }
}
// 報表: the roll-ups of the demo clinic's history, built now (then hourly by the worker).
{
  const rp = await createDeps(config, { migrate: false });
  try {
    const r = await seedDemoReports(rp.deps, DEMO_CLINIC_ID);
    process.stdout.write(`reports: roll-ups built ${r.from}…${r.to}\n`);
  } catch (err) {
    process.stderr.write(`demo: report roll-ups not built: ${err instanceof Error ? err.message : String(err)}\n`);
  } finally {
    await rp.database.close();
  }
}
process.stdout.write(`
  Careline demo is running (${seeded.created ? 'new demo clinic seeded' : 'existing data kept'}; data in ${dataDir})

  後台 back office     ${base}
  API 文件 docs         ${base}/docs
  LINE 模擬器 emulator  ${emulatorUrl ? `http://localhost:${emulatorPort}` : '(not available)'}

  logins (password ${DEMO_PASSWORD}):
${DEMO_LOGINS.map((u) => `    ${u.email.padEnd(28)} ${u.role}`).join('\n')}
  HIS API key: ${DEMO_HIS_KEY}

  Ctrl-C stops everything.
`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  for (const s of stops) await s().catch(() => {});
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
