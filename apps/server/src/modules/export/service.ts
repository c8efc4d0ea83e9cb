// The clinic's full data export: an admin starts one (a row first, then a bulk job), watches
// its progress, asks for a download link that is signed for the asking admin and lives
// LINK_TTL_MS, and downloads the ZIP (audited). The file goes after EXPORT_RETENTION_MS.
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createHmac } from 'node:crypto';
import { Type } from 'typebox';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId, safeEqual } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { enqueueJob, jobType } from '../../platform/jobs.ts';
import { exportRepository, type ExportRow } from './repository.ts';
import { EXCLUDED, EXPORT_TABLES } from './registry.ts';
import { exportPaths } from './run.ts';

export const LINK_TTL_MS = 5 * 60_000;

export const EXPORT_RUN = jobType({
  type: 'export.run',
  payload: Type.Object({ exportId: Type.String() }),
  defaults: { priority: 'bulk', maxAttempts: 2 },
});
export const EXPORT_PURGE = jobType({
  type: 'export.purge',
  payload: Type.Object({ exportId: Type.String() }),
  defaults: { priority: 'bulk' },
});

/** What the export leaves out, in words for the page (and the same as the README in the ZIP). */
export function exclusions() {
  return {
    tables: Object.entries(EXCLUDED).map(([table, reason]) => ({ table, reason })),
    columns: EXPORT_TABLES.flatMap((t) =>
      Object.entries(t.omit ?? {}).map(([column, reason]) => ({ table: t.table, column, reason })),
    ),
  };
}

function toView(r: ExportRow) {
  return {
    id: r.id,
    status: r.status as 'queued' | 'running' | 'done' | 'failed' | 'expired',
    phase: r.phase as 'tables' | 'fhir' | 'zip' | null,
    tablesTotal: r.tables_total,
    tablesDone: r.tables_done,
    rowsWritten: r.rows_written,
    fhirWritten: r.fhir_written,
    current: r.current,
    fileName: r.file_name,
    sizeBytes: r.size_bytes,
    error: r.error,
    requestedBy: r.requested_by,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    expiresAt: r.expires_at,
  };
}

export function exportService(deps: Deps) {
  const repo = exportRepository(deps.db, deps.dialect);
  const get = async (clinicId: string, id: string) => {
    const r = await repo.get(clinicId, id);
    if (!r) throw errors.notFound('匯出');
    return r;
  };
  // The link's key is derived from ENCRYPTION_KEY: no secret of its own to keep.
  const linkKey = deps.crypto.lookupHash('careline:export-link:v1');
  const sign = (clinicId: string, id: string, userId: string, expires: number) =>
    createHmac('sha256', linkKey).update(`${clinicId}\n${id}\n${userId}\n${expires}`).digest('base64url');

  return {
    async list(clinicId: string) {
      return { exports: (await repo.list(clinicId, 20)).map(toView), ...exclusions() };
    },

    async get(clinicId: string, id: string) {
      return toView(await get(clinicId, id));
    },

    async start(clinicId: string, actor: Actor, ip: string) {
      const running = await repo.active(clinicId);
      if (running) throw errors.conflict('EXPORT_RUNNING', '已有一份匯出正在進行，請等它完成', { id: running.id });
      const id = newId();
      const now = deps.clock.now().toISOString();
      await repo.insert({
        id,
        clinic_id: clinicId,
        status: 'queued',
        phase: null,
        tables_total: EXPORT_TABLES.length,
        tables_done: 0,
        rows_written: 0,
        fhir_written: 0,
        current: null,
        file_name: null,
        size_bytes: null,
        error: null,
        requested_by: actor.label,
        requested_by_id: actor.id,
        created_at: now,
        started_at: null,
        finished_at: null,
        expires_at: null,
        updated_at: now,
      });
      await enqueueJob(deps.db, deps.clock, EXPORT_RUN, { exportId: id }, { clinicId, idempotencyKey: `export:${id}` });
      await recordAudit(deps.db, deps.clock, {
        clinicId,
        actor,
        action: 'export.started',
        entityType: 'data_export',
        entityId: id,
        ip,
      });
      return toView(await get(clinicId, id));
    },

    /** A download link for this admin, valid LINK_TTL_MS. */
    async link(clinicId: string, id: string, userId: string) {
      const r = await get(clinicId, id);
      if (r.status === 'expired')
        throw new AppError('EXPORT_EXPIRED', 410, '匯出檔已超過保存期限，為保護個資已刪除，請重新匯出');
      if (r.status !== 'done') throw errors.conflict('EXPORT_NOT_READY', '匯出尚未完成，請稍候');
      const expires = deps.clock.now().getTime() + LINK_TTL_MS;
      const sig = sign(clinicId, id, userId, expires);
      return {
        url: `/api/exports/${id}/download?expires=${expires}&sig=${sig}`,
        expiresAt: new Date(expires).toISOString(),
      };
    },

    /** The ZIP as a stream, when the link is this admin's and still valid (audited). */
    async download(
      clinicId: string,
      id: string,
      q: { expires: number; sig: string },
      actor: Actor & { type: 'staff' },
      ip: string,
    ) {
      const r = await get(clinicId, id);
      const good = safeEqual(q.sig, sign(clinicId, id, actor.id, q.expires));
      if (!good) throw errors.forbidden('下載連結無效，請回到「資料匯出」頁面重新下載');
      if (q.expires < deps.clock.now().getTime())
        throw new AppError('LINK_EXPIRED', 410, '下載連結已過期（5 分鐘內有效），請回到「資料匯出」頁面重新下載');
      if (r.status === 'expired')
        throw new AppError('EXPORT_EXPIRED', 410, '匯出檔已超過保存期限，為保護個資已刪除，請重新匯出');
      if (r.status !== 'done') throw errors.conflict('EXPORT_NOT_READY', '匯出尚未完成，請稍候');
      await recordAudit(deps.db, deps.clock, {
        clinicId,
        actor,
        action: 'export.downloaded',
        entityType: 'data_export',
        entityId: id,
        detail: { rows: r.rows_written, fhir: r.fhir_written, bytes: r.size_bytes },
        ip,
      });
      const file = exportPaths(deps.config.exportDir, clinicId, id).zip;
      return { fileName: r.file_name ?? `${id}.zip`, size: r.size_bytes ?? 0, stream: createReadStream(file) };
    },
  };
}

/** Schedules the deletion of a finished export's file at its expiry. */
export async function schedulePurge(deps: Deps, clinicId: string, exportId: string, at: Date): Promise<void> {
  await enqueueJob(
    deps.db,
    deps.clock,
    EXPORT_PURGE,
    { exportId },
    { clinicId, runAt: at, idempotencyKey: `export-purge:${exportId}` },
  );
}

/** Deletes the file of an export past its expiry (the row stays as the record: status expired). */
export async function runPurge(deps: Deps, clinicId: string, exportId: string): Promise<void> {
  const repo = exportRepository(deps.db, deps.dialect);
  const r = await repo.get(clinicId, exportId);
  if (!r || r.status !== 'done') return;
  await rm(exportPaths(deps.config.exportDir, clinicId, exportId).zip, { force: true });
  await repo.update(clinicId, exportId, { status: 'expired', updated_at: deps.clock.now().toISOString() });
}
