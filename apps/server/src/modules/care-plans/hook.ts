// A patient's taps on a care step's quick replies (postback data `care=…`, wired in jobs.ts):
// a check-in answer routes (fine → thanks; worrying → a follow-up task; "please call me" → a
// high-priority one), 「不用再傳」 ends the enrolment. Idempotent per event: the answer is kept
// once, the follow-up task is opened once per step (key care:<send id>) and the reply is sent
// once per event (respond). Only the LINE user the step went to can answer it.
import { recordAudit, systemActor } from '../../platform/audit.ts';
import { clinicService } from '../clinics/service.ts';
import { openFollowUp } from '../follow-ups/service.ts';
import { respond, type EventContext } from '../line/events.ts';
import { whenText, type CheckInRoute, type PlanStep } from './model.ts';
import { carePlanRepository } from './repository.ts';
import { endEnrolment } from './service.ts';

const REPLIES: Record<CheckInRoute, string> = {
  fine: '謝謝您的回覆，祝您早日康復！如有任何不適，請立即回診或來電 {phone}。',
  worrying:
    '謝謝您告訴我們，已請診所人員查看，會盡快與您聯絡。如有大量出血、劇烈疼痛或發燒，請立即回診或來電 {phone}。',
  call: '已通知診所，會盡快打電話給您。若情況緊急，請直接來電 {phone} 或立即回診。',
};

export async function onCarePostback(ctx: EventContext, data: string): Promise<boolean> {
  const p = new URLSearchParams(data);
  const kind = p.get('care');
  if (kind !== 'a' && kind !== 'stop') return false;
  const { deps, clinicId } = ctx;
  const repo = carePlanRepository(deps.db);
  const send = await repo.send(clinicId, p.get('s') ?? '');
  if (!send || send.line_user_id !== ctx.lineUserId) return true;
  const en = await repo.enrolment(clinicId, send.enrolment_id);
  if (!en) return true;
  const clinic = await clinicService(deps).get(clinicId);
  const fill = (t: string) => t.replaceAll('{phone}', clinic.phone || '診所');
  if (kind === 'stop') {
    await endEnrolment(deps, clinicId, en, 'patient_stop', { type: 'patient', id: ctx.lineUserId, label: '病患' });
    await respond(
      ctx,
      [
        {
          type: 'text',
          text: fill(`好的，之後不會再傳送「${en.plan_name}」的照護訊息。如有任何不適，請隨時來電 {phone}。`),
        },
      ],
      'care',
    );
    return true;
  }
  const step = (JSON.parse(en.steps) as PlanStep[])[send.step_index];
  const option = step?.checkIn?.options[Number(p.get('o'))];
  if (!option) return true;
  const at = deps.clock.now().toISOString();
  const first = await repo.answer(clinicId, send.id, option.label, option.route, at);
  if (!first && send.answer !== option.label) {
    await respond(
      ctx,
      [{ type: 'text', text: fill(`已收到您先前的回覆「${send.answer}」。如需協助，請直接來電 {phone}。`) }],
      'care',
    );
    return true;
  }
  if (option.route !== 'fine') {
    const id = await openFollowUp(deps, clinicId, {
      patientId: en.patient_id,
      appointmentId: en.appointment_id,
      lineUserId: ctx.lineUserId,
      source: 'care_checkin',
      priority: option.route === 'call' ? 'high' : 'normal',
      title: `${en.plan_name}（${whenText(step.when)}）：${option.label}`,
      answer: option.label,
      refId: send.id,
      idempotencyKey: `care:${send.id}`,
    });
    await repo.setFollowUp(clinicId, send.id, id);
  }
  if (first)
    await recordAudit(deps.db, deps.clock, {
      clinicId,
      actor: systemActor,
      action: 'care.answered',
      entityType: 'patient',
      entityId: en.patient_id,
      detail: { enrolmentId: en.id, step: send.step_index + 1, answer: option.label, route: option.route },
    });
  await respond(ctx, [{ type: 'text', text: fill(REPLIES[option.route]) }], 'care');
  return true;
}
