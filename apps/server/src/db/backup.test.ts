// Backup and restore, measured: a backup taken while the HIS keeps writing holds exactly the
// writes committed before some moment inside the backup (none torn, none from after it);
// restoring it and starting the server gives the data back. The figures (backup time, restore
// time, time until the server answers again) are printed for docs/operations.md.
// Runs on SQLite (a file) and on PostgreSQL when TEST_DATABASE_URL is set.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestClinic, uniq, type TestApp } from '../testing/helpers.ts';
import { BackupError, backupDatabase, pruneBackups, restoreDatabase } from './backup.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const PG = process.env.TEST_DATABASE_URL;
const dir = mkdtempSync(join(tmpdir(), 'careline-backup-'));
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

const withDb = (base: string, name: string) => {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
};

async function emptyPgDatabase(): Promise<string> {
  const name = `careline_restore_${uniq()}`;
  const admin = new pg.Client({ connectionString: PG });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  cleanups.push(async () => {
    const a = new pg.Client({ connectionString: PG });
    await a.connect();
    await a.query(`drop database if exists ${name} with (force)`);
    await a.end();
  });
  return withDb(PG!, name);
}

const appt = (i: number) => ({
  patientId: `P${i % 200}`,
  doctorId: 'D1',
  startsAt: `2026-12-${String(1 + (i % 28)).padStart(2, '0')}T${String(9 + (i % 8)).padStart(2, '0')}:00:00+08:00`,
  status: 'booked',
  version: 1,
});

describe(`backup and restore (${PG ? 'PostgreSQL' : 'SQLite'})`, () => {
  it(
    'backs up while the HIS writes, restores, and the server answers with the data of the backup',
    {
      timeout: 400_000,
    },
    async () => {
      const env: Record<string, string> = PG ? {} : { DATABASE_URL: `sqlite:${join(dir, 'careline.db')}` };
      let t: TestApp | null = await createTestApp({ env });
      const url = t.deps.config.databaseUrl;
      const clinic = await createTestClinic(t);
      const his = clinic.his(await clinic.apiKey());
      expect((await his.put('/his/v1/doctors/D1', { name: '陳建志' })).statusCode).toBe(201);
      for (let p = 0; p < 200; p++)
        expect((await his.put(`/his/v1/patients/P${p}`, { name: `病患${p}` })).statusCode).toBe(201);
      const BASE = 20_000;
      for (let b = 0; b < BASE; b += 1000) {
        const items = Array.from({ length: 1000 }, (_, k) => ({ ...appt(b + k), appointmentId: `B${b + k}` }));
        expect((await his.post('/his/v1/appointments/batch', { items })).statusCode).toBe(200);
      }

      // The HIS keeps writing, one appointment at a time, through the whole backup.
      const writes: { id: string; sentAt: number; doneAt: number }[] = [];
      let writing = true;
      const writer = (async () => {
        for (let i = 0; writing; i++) {
          const sentAt = performance.now();
          const r = await his.put(`/his/v1/appointments/W${i}`, appt(i));
          if (r.statusCode !== 201) throw new Error(`write W${i}: ${r.statusCode} ${r.body}`);
          writes.push({ id: `W${i}`, sentAt, doneAt: performance.now() });
          await new Promise((res) => setImmediate(res));
        }
      })();
      await new Promise((r) => setTimeout(r, 300));
      const b0 = performance.now();
      const m = await backupDatabase(url, join(dir, 'backups'));
      const b1 = performance.now();
      await new Promise((r) => setTimeout(r, 300));
      writing = false;
      await writer;
      const during = writes.filter((w) => w.sentAt >= b0 && w.doneAt <= b1).length;
      expect(m).toMatchObject({ format: 'careline-backup/1', dialect: PG ? 'postgres' : 'sqlite' });
      expect(m.bytes).toBeGreaterThan(0);
      // online: the HIS's writes went on while the copy was taken
      expect(during).toBeGreaterThan(0);

      if (!PG) {
        // the running server holds the file: restoring under it is refused
        await expect(restoreDatabase(url, join(dir, 'backups', m.file))).rejects.toThrow(/in use/);
      }
      // "the disaster": the server goes away; writes after the backup are what a restore loses
      await t.close();
      t = null;

      const target = PG ? await emptyPgDatabase() : url;
      const r0 = performance.now();
      const { durationMs: restoreMs } = await restoreDatabase(target, join(dir, 'backups', m.file));
      const s0 = performance.now();
      const back = await createTestApp({ env: { DATABASE_URL: target } });
      cleanups.push(() => back.close());
      const hisBack = back.app;
      const res = await hisBack.inject({ method: 'GET', url: '/healthz' });
      expect(res.statusCode).toBe(200);
      const serveMs = performance.now() - s0;
      const rtoMs = performance.now() - r0;

      // every base appointment is back; the HIS's writes are a prefix: all committed before the
      // backup started, none sent after it finished, no gap
      const rows = await back.deps.db
        .selectFrom('appointments')
        .select('his_id')
        .where('clinic_id', '=', clinic.clinicId)
        .execute();
      const ids = new Set(rows.map((r) => r.his_id));
      expect(rows.filter((r) => r.his_id.startsWith('B')).length).toBe(BASE);
      const kept = writes.map((w) => ids.has(w.id));
      const n = kept.filter(Boolean).length;
      expect(kept.slice(0, n).every(Boolean)).toBe(true);
      expect(kept.slice(n).some(Boolean)).toBe(false);
      expect(writes.filter((w) => w.doneAt < b0).every((w) => ids.has(w.id))).toBe(true);
      expect(writes.filter((w) => w.sentAt > b1).some((w) => ids.has(w.id))).toBe(false);

      const figures = {
        dialect: m.dialect,
        appointments: BASE + n,
        backupBytes: m.bytes,
        backupMs: Math.round(b1 - b0),
        writesDuringBackup: during,
        restoreMs,
        serveAfterRestoreMs: Math.round(serveMs),
        rtoMs: Math.round(rtoMs),
        lostWritesAfterBackup: writes.length - n,
      };
      process.stderr.write(`backup figures: ${JSON.stringify(figures)}\n`);
    },
  );

  it('refuses a damaged backup before touching the database; keeps the newest N', { timeout: 200_000 }, async () => {
    const url = PG ? await emptyPgDatabase() : `sqlite:${join(dir, `other-${uniq()}.db`)}`;
    const t = await createTestApp({ env: { DATABASE_URL: url } });
    const out = join(dir, `keep-${uniq()}`);
    const m = await backupDatabase(url, out);
    await t.close();
    const file = join(out, m.file);
    const bytes = readFileSync(file);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    writeFileSync(file, bytes);
    const before = PG ? null : statSync(url.slice('sqlite:'.length)).mtimeMs;
    await expect(restoreDatabase(url, file)).rejects.toThrow(BackupError);
    await expect(restoreDatabase(url, file)).rejects.toThrow(/does not match its manifest/);
    if (!PG) expect(statSync(url.slice('sqlite:'.length)).mtimeMs).toBe(before);
    for (const s of ['20260101T000000Z', '20260102T000000Z', '20260103T000000Z'])
      writeFileSync(join(out, `careline-${s}.db`), '');
    // with the real backup taken above, four: the two oldest go
    expect(pruneBackups(out, 2)).toEqual(['careline-20260101T000000Z.db', 'careline-20260102T000000Z.db']);
  });

  it(
    '`npm run backup` prints its manifest; `npm run restore` without a file says what it needs',
    {
      timeout: 200_000,
    },
    async () => {
      const url = PG ? await emptyPgDatabase() : `sqlite:${join(dir, `cli-${uniq()}.db`)}`;
      const t = await createTestApp({ env: { DATABASE_URL: url } });
      await t.close();
      const env = { ...process.env, DATABASE_URL: url };
      const out = join(dir, `cli-${uniq()}`);
      const b = spawnSync(process.execPath, ['scripts/backup.ts', 'backup', '--out', out, '--keep', '3'], {
        cwd: ROOT,
        env,
        encoding: 'utf8',
      });
      expect(b.stderr).toBe('');
      expect(b.status).toBe(0);
      const m = JSON.parse(b.stdout.trim().split('\n').at(-1)!) as { file: string; sha256: string };
      expect(m.sha256).toMatch(/^[0-9a-f]{64}$/);
      const r = spawnSync(process.execPath, ['scripts/backup.ts', 'restore'], { cwd: ROOT, env, encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/name the backup file/);
      const ok = spawnSync(process.execPath, ['scripts/backup.ts', 'restore', join(out, m.file)], {
        cwd: ROOT,
        env,
        encoding: 'utf8',
      });
      expect(ok.stderr).toBe('');
      expect(JSON.parse(ok.stdout)).toMatchObject({ durationMs: expect.any(Number) });
    },
  );
});
