// A family member added after binding. Binding links a LINE user to every patient with the
// phone it proved; a patient the HIS adds later with that phone is offered to that user once
// (「新增家人：陳小明，要一起查詢嗎？」 加入 / 不用) and bound on 加入. The front desk can also
// link such a patient to a LINE user who proved the same phone, from the patient page.
import type { messagingApi } from '@line/bot-sdk';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { defineJob, type Job } from '../../platform/jobs.ts';
import type { EventContext } from '../line/events.ts';
import { queuePush } from '../line/push.ts';
import { lineService } from '../line/service.ts';
import { patientService, type PatientSummary } from '../patients/service.ts';
import { changeStatus } from '../status/service.ts';
import { FAMILY_OFFER_JOB } from './family-offer-job.ts';
import { bindingRepository } from './repository.ts';

const POSTBACK = /^fam:(y|n):([0-9a-f-]{36})$/;

/** Binds one more patient to a LINE user who proved the patient's phone; lights follow. */
async function bindMember(deps: Deps, clinicId: string, lineUserId: string, p: PatientSummary, actor: Actor) {
  const repo = bindingRepository(deps.db);
  const proof = (await repo.ofLineUser(clinicId, lineUserId)).find((x) => x.phone_hash === p.mobileHash);
  if (!proof || !p.mobileHash)
    throw new AppError('NOT_SAME_PHONE', 409, '這個 LINE 帳號沒有驗證過此病患的手機號碼，請病患自行綁定');
  await deps.db.transaction().execute(async (trx) => {
    await bindingRepository(trx).bind({
      clinic_id: clinicId,
      line_user_id: lineUserId,
      patient_id: p.id,
      phone_hash: p.mobileHash!,
      phone_masked: proof.phone_masked,
      created_at: deps.clock.now().toISOString(),
    });
    await changeStatus(trx, deps, {
      clinicId,
      subject: 'patient',
      subjectId: p.id,
      light: 'line',
      to: 'bound',
      source: actor.type === 'patient' ? 'patient' : 'staff',
      actor,
      reason: actor.type === 'patient' ? '病患同意加入家人（LINE）' : '櫃台連結同手機的 LINE 帳號',
    });
    await recordAudit(trx, deps.clock, {
      clinicId,
      actor,
      action: 'binding.family_added',
      entityType: 'patient',
      entityId: p.id,
      detail: { lineUserId },
    });
  });
}

/** Offers the patient to every reachable LINE user who bound with its phone and is not bound to it. */
async function familyOfferJob(job: Job<{ patientId: string }>, deps: Deps): Promise<void> {
  const clinicId = job.clinicId!;
  const [p] = await patientService(deps).summaries(clinicId, [job.payload.patientId]);
  if (!p?.mobileHash) return;
  const repo = bindingRepository(deps.db);
  const bindings = await repo.ofPhoneHash(clinicId, p.mobileHash);
  const already = new Set(bindings.filter((x) => x.patient_id === p.id).map((x) => x.line_user_id));
  const users = [...new Set(bindings.map((x) => x.line_user_id))].filter((u) => !already.has(u));
  if (!users.length) return;
  const states = await lineService(deps).friendStates(clinicId, users);
  for (const u of users) {
    if (states.get(u) === 'blocked') continue;
    const id = newId();
    const at = deps.clock.now().toISOString();
    await deps.db.transaction().execute(async (trx) => {
      const fresh = await bindingRepository(trx).addOffer({
        id,
        clinic_id: clinicId,
        patient_id: p.id,
        line_user_id: u,
        status: 'offered',
        offered_at: at,
        answered_at: null,
      });
      if (!fresh) return; // offered before: never twice
      const text = `新增家人：${p.name}，要一起查詢嗎？`;
      const message: messagingApi.TemplateMessage = {
        type: 'template',
        altText: text,
        template: {
          type: 'buttons',
          text: `${text}\n加入後可在「我的預約」查詢${p.name}的預約，也會收到看診提醒。`.slice(0, 160),
          actions: [
            { type: 'postback', label: '加入', data: `fam:y:${id}`, displayText: '加入' },
            { type: 'postback', label: '不用', data: `fam:n:${id}`, displayText: '不用' },
          ],
        },
      };
      await queuePush(trx, deps, clinicId, {
        to: u,
        messages: [message],
        source: 'binding.family_offer',
        relatedType: 'patient',
        relatedId: p.id,
      });
    });
  }
}

export const familyOfferJobDefinition = defineJob({ ...FAMILY_OFFER_JOB, handler: familyOfferJob });

/** The 加入 / 不用 postback of a family offer; other postbacks are not ours. */
export async function onFamilyPostback(ctx: EventContext, data: string): Promise<boolean> {
  const m = POSTBACK.exec(data);
  if (!m) return false;
  const { deps, clinicId, lineUserId } = ctx;
  const repo = bindingRepository(deps.db);
  const say = async (text: string) => {
    const messages: messagingApi.Message[] = [{ type: 'text', text }];
    if (ctx.replyToken && (await ctx.line.reply(clinicId, lineUserId, ctx.replyToken, messages, 'binding.family')).ok)
      return;
    await queuePush(deps.db, deps, clinicId, { to: lineUserId, messages, source: 'binding.family' });
  };
  const offer = await repo.offer(clinicId, m[2]);
  if (!offer || offer.line_user_id !== lineUserId) {
    await say('找不到這個邀請，如需協助請洽診所櫃台。');
    return true;
  }
  const [p] = await patientService(deps).summaries(clinicId, [offer.patient_id]);
  const name = p?.name ?? '這位家人';
  if (offer.status !== 'offered') {
    await say(`這個邀請已經回覆過了（${offer.status === 'accepted' ? `已加入${name}` : `不加入${name}`}）。`);
    return true;
  }
  const accept = m[1] === 'y';
  if (!(await repo.answerOffer(clinicId, offer.id, accept ? 'accepted' : 'declined', deps.clock.now().toISOString()))) {
    await say('這個邀請已經回覆過了。');
    return true;
  }
  if (!accept || !p) {
    await say(`好的，不會加入${name}。如之後需要，可以請櫃台協助。`);
    return true;
  }
  const actor: Actor = { type: 'patient', id: lineUserId, label: 'LINE 使用者（同意加入家人）' };
  try {
    await bindMember(deps, clinicId, lineUserId, p, actor);
  } catch (err) {
    if (err instanceof AppError) {
      await say(`無法加入${name}：${err.message}`);
      return true;
    }
    throw err;
  }
  await say(`已加入家人：${name}。之後可在「我的預約」查詢${name}的預約，也會在這裡收到看診提醒。`);
  return true;
}

/** The patient page's LINE section: who is bound, and which LINE users proved the same phone. */
export async function lineLinksOf(deps: Deps, clinicId: string, patientId: string) {
  const patients = patientService(deps);
  const [p] = await patients.summaries(clinicId, [patientId]);
  if (!p) throw errors.notFound('病患');
  const repo = bindingRepository(deps.db);
  const bound = await repo.ofPatients(clinicId, [patientId]);
  const boundIds = new Set(bound.map((x) => x.line_user_id));
  const sameMobile = p.mobileHash ? await repo.ofPhoneHash(clinicId, p.mobileHash) : [];
  const candidateIds = [...new Set(sameMobile.map((x) => x.line_user_id))].filter((u) => !boundIds.has(u));
  const line = lineService(deps);
  const nameOf = async (u: string) => (await line.friend(clinicId, u))?.display_name ?? '';
  const familyNames = async (u: string) => {
    const ids = (await repo.ofLineUser(clinicId, u)).map((x) => x.patient_id);
    const ps = await patients.summaries(clinicId, ids);
    return ps
      .sort((a, b) => (a.birthDate ?? '9999').localeCompare(b.birthDate ?? '9999') || a.name.localeCompare(b.name))
      .map((x) => x.name);
  };
  return {
    bound: await Promise.all(
      [...boundIds].map(async (u) => ({ lineUserId: u, displayName: await nameOf(u), family: await familyNames(u) })),
    ),
    candidates: await Promise.all(
      candidateIds.map(async (u) => ({ lineUserId: u, displayName: await nameOf(u), family: await familyNames(u) })),
    ),
  };
}

/** The front desk links the patient to a LINE user who proved the same phone. */
export async function linkByStaff(deps: Deps, clinicId: string, patientId: string, lineUserId: string, actor: Actor) {
  const [p] = await patientService(deps).summaries(clinicId, [patientId]);
  if (!p) throw errors.notFound('病患');
  await bindMember(deps, clinicId, lineUserId, p, actor);
  return lineLinksOf(deps, clinicId, patientId);
}
