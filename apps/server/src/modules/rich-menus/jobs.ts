// The rich-menu jobs: one user's menu switch after binding or unbinding, and linking a newly
// published bound menu to every bound friend (registered in src/jobs.ts).
import { defineJob, PermanentJobError, type Job } from '../../platform/jobs.ts';
import type { Deps } from '../../platform/deps.ts';
import { describeLineError } from '../../platform/line.ts';
import { bindingService } from '../binding/service.ts';
import { lineService } from '../line/service.ts';
import { BULK_LINK_JOB, richMenuService, USER_MENU_JOB } from './service.ts';

/** LINE's refusals (4xx but 429) end the job; anything else is retried. */
function lineFailure(err: unknown): Error {
  const e = describeLineError(err);
  if (e.status !== null && e.status >= 400 && e.status < 500 && e.status !== 429)
    return new PermanentJobError(`${e.message}: ${e.lineMessage}`);
  return err instanceof Error ? err : new Error(String(err));
}

async function userMenuJob(job: Job<{ lineUserId: string; kind: 'bound' | 'unbound' }>, deps: Deps): Promise<void> {
  const clinicId = job.clinicId!;
  const client = await lineService(deps).clientFor(clinicId);
  const { lineUserId, kind } = job.payload;
  try {
    if (kind === 'bound') {
      const menuId = await richMenuService(deps).publishedId(clinicId, 'bound');
      if (!menuId) return; // no bound menu published: the default stays
      await client.richMenus.linkToUser(lineUserId, menuId);
    } else {
      await client.richMenus.unlinkFromUser(lineUserId);
    }
  } catch (err) {
    throw lineFailure(err);
  }
}

/** Links the bound menu to every bound friend (≤500 per call), then deletes the old menu. */
async function bulkLinkJob(job: Job<{ richMenuId: string; deletePrevious: string | null }>, deps: Deps): Promise<void> {
  const clinicId = job.clinicId!;
  if ((await richMenuService(deps).publishedId(clinicId, 'bound')) !== job.payload.richMenuId) return; // superseded
  const client = await lineService(deps).clientFor(clinicId);
  const ids = await bindingService(deps).reachableLineUsers(clinicId);
  try {
    for (let i = 0; i < ids.length; i += 500)
      await client.richMenus.linkToUsers(job.payload.richMenuId, ids.slice(i, i + 500));
    if (job.payload.deletePrevious && job.payload.deletePrevious !== job.payload.richMenuId)
      await client.richMenus.delete(job.payload.deletePrevious).catch(() => undefined);
  } catch (err) {
    throw lineFailure(err);
  }
}

export const richMenuJobs = [
  defineJob({ ...USER_MENU_JOB, handler: userMenuJob }),
  defineJob({ ...BULK_LINK_JOB, handler: bulkLinkJob }),
];
