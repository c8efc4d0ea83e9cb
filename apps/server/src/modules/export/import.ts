// Imports a clinic's export (the ZIP of run.ts) into this installation: the clinic moves here
// with its ids, which therefore must be new to this database (a fresh installation, or one the
// clinic never was on). Tables go in the registry's order (parents before children) inside one
// transaction: a failure leaves nothing half-imported. Personal data exported in clear is
// sealed again with this installation's key and its lookup hashes computed anew; serial ids
// are numbered by this database; tables marked notImported (their secrets were not exported)
// are skipped and say so in the result.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import type { Kysely } from 'kysely';
import yauzl from 'yauzl';
import { recordAudit, systemActor } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import type { DB } from '../../db/schema.ts';
import { clinicService } from '../clinics/service.ts';
import { exportRepository } from './repository.ts';
import { EXPORT_TABLES, RENUMBERED, exportedName } from './registry.ts';

const BATCH = 200;

type Zip = {
  entries: Map<string, yauzl.Entry>;
  read(name: string): Promise<Readable>;
  close(): void;
};

async function openZip(path: string): Promise<Zip> {
  const zip = await promisify<string, yauzl.Options, yauzl.ZipFile>(yauzl.open)(path, {
    lazyEntries: true,
    autoClose: false,
  });
  const entries = new Map<string, yauzl.Entry>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (e: yauzl.Entry) => {
      entries.set(e.fileName, e);
      zip.readEntry();
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  const open = promisify<yauzl.Entry, Readable>(zip.openReadStream.bind(zip));
  return {
    entries,
    read: (name) => {
      const e = entries.get(name);
      if (!e) throw new AppError('IMPORT_BAD_FILE', 422, `匯出檔缺少 ${name}`);
      return open(e);
    },
    close: () => zip.close(),
  };
}

async function readAll(s: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export type ImportResult = { clinicId: string; rows: Record<string, number>; skipped: Record<string, string> };

export async function importClinic(deps: Deps, zipPath: string): Promise<ImportResult> {
  const zip = await openZip(zipPath);
  try {
    const manifest = JSON.parse(await readAll(await zip.read('manifest.json'))) as {
      format?: string;
      version?: number;
      clinicId?: string;
      tables?: { table: string }[];
    };
    if (manifest.format !== 'careline-export' || manifest.version !== 1 || typeof manifest.clinicId !== 'string')
      throw new AppError('IMPORT_BAD_FILE', 422, '這不是 Careline 的資料匯出檔（manifest.json 不符）');
    const clinicId = manifest.clinicId;
    if (await clinicService(deps).find(clinicId))
      throw new AppError('IMPORT_CLINIC_EXISTS', 409, '這個診所已經在本系統中，不能再匯入一次');

    const repo = exportRepository(deps.db, deps.dialect);
    const exported = new Set((manifest.tables ?? []).map((x) => x.table));
    const rows: Record<string, number> = {};
    const skipped: Record<string, string> = {};
    // Read before the transaction: on SQLite the transaction holds the only connection.
    const shapes = new Map<string, Awaited<ReturnType<typeof repo.shape>>>();
    for (const t of EXPORT_TABLES) shapes.set(t.table, await repo.shape(t.table));
    const clinicRow = JSON.parse((await readAll(await zip.read('tables/clinics.jsonl'))).split('\n')[0]) as {
      sandbox_of?: string | null;
    };
    const parentKnown = !clinicRow.sandbox_of || !!(await clinicService(deps).find(clinicRow.sandbox_of));
    await deps.db.transaction().execute(async (trx) => {
      for (const t of EXPORT_TABLES) {
        if (t.notImported) {
          skipped[t.table] = t.notImported;
          continue;
        }
        // An export of an older version has no file for a table added since.
        if (!exported.has(t.table)) {
          skipped[t.table] = '匯出時還沒有這個資料表';
          continue;
        }
        const shape = shapes.get(t.table)!;
        const binary = new Set(shape.columns.filter((c) => c.binary).map((c) => c.name));
        const known = new Set(shape.columns.map((c) => c.name));
        const sealedAs = new Map((t.sealed ?? []).map((c) => [exportedName(t, c), c]));
        let batch: Record<string, unknown>[] = [];
        let n = 0;
        const lines = createInterface({ input: await zip.read(`tables/${t.table}.jsonl`), crlfDelay: Infinity });
        for await (const line of lines) {
          if (!line) continue;
          const src = JSON.parse(line) as Record<string, unknown>;
          const row: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(src)) {
            const col = sealedAs.get(k) ?? k;
            if (!known.has(col)) continue;
            if (sealedAs.has(k)) row[col] = typeof v === 'string' ? deps.crypto.encrypt(v) : null;
            else if (binary.has(col) && typeof v === 'string') row[col] = Buffer.from(v, 'base64');
            else row[col] = v;
          }
          for (const [hashCol, plainCol] of Object.entries(t.lookupHashes ?? {})) {
            const plain = src[exportedName(t, plainCol)];
            row[hashCol] = typeof plain === 'string' ? deps.crypto.lookupHash(plain) : null;
          }
          if (RENUMBERED.has(t.table)) delete row.id;
          // A sandbox moves without the real clinic it belonged to.
          if (t.table === 'clinics' && !parentKnown) row.sandbox_of = null;
          batch.push(row);
          if (batch.length >= BATCH) {
            await repo.insertRows(trx as Kysely<DB>, t.table, batch);
            n += batch.length;
            batch = [];
          }
        }
        await repo.insertRows(trx as Kysely<DB>, t.table, batch);
        n += batch.length;
        rows[t.table] = n;
        if (shape.serial && n && !RENUMBERED.has(t.table))
          await repo.bumpSerial(trx as Kysely<DB>, t.table, shape.serial);
      }
    });
    await recordAudit(deps.db, deps.clock, {
      clinicId,
      actor: systemActor,
      action: 'export.imported',
      entityType: 'clinic',
      entityId: clinicId,
      detail: { rows: Object.values(rows).reduce((a, b) => a + b, 0), skipped: Object.keys(skipped) },
    });
    return { clinicId, rows, skipped };
  } finally {
    zip.close();
  }
}
