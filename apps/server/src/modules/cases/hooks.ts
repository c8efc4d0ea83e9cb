// The LINE side of cases: a text with complaint intent opens a case at once (replying with its
// number, the time limits in words and a button to the LIFF form) and hands the conversation to
// a person in the inbox (待回覆, reason complaint), the closing question's
// answers, and the inbox's afterStaffReply hook (a reply there counts on the patient's case).
import type { messagingApi } from '@line/bot-sdk';
import type { Actor } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { liffUrl, respond, type EventContext } from '../line/events.ts';
import { handToPerson } from '../line/inbox.ts';
import { lineService } from '../line/service.ts';
import { caseService, limitsInWords, SATISFACTION, type Satisfaction } from './service.ts';

const INTENT = /(客訴|申訴|投訴|抱怨)/;
// 「不是要客訴」「沒有要抱怨」 are not complaints.
const NEGATED = /(不是|沒有|沒|不)(要|想)?(客訴|申訴|投訴|抱怨)/;

/** Whether a LINE text asks to complain (「客訴」「我要客訴」「我想申訴」「要投訴」「抱怨一下」). */
export const isComplaintText = (text: string) => INTENT.test(text) && !NEGATED.test(text);

const actorOfLine = (name: string, lineUserId: string): Actor => ({
  type: 'patient',
  id: lineUserId,
  label: `病患本人（LINE ${name || lineUserId.slice(0, 8)}）`,
});

/** The messages that confirm a case opened from LINE: its number, the limits, the form button. */
export async function openedMessages(
  deps: Deps,
  clinicId: string,
  c: { id: string; number: string },
): Promise<messagingApi.Message[]> {
  const svc = caseService(deps);
  const [settings, channel] = await Promise.all([svc.settings(clinicId), lineService(deps).channelOrThrow(clinicId)]);
  return [
    {
      type: 'text',
      text:
        `已收到您的意見，很抱歉讓您有不好的感受。\n案件編號：${c.number}\n` +
        `${limitsInWords(settings)}。處理進度會在這裡通知您。`,
    },
    {
      type: 'template',
      altText: `補充說明與照片（案件 ${c.number}）`,
      template: {
        type: 'buttons',
        title: '補充說明與照片',
        text: '可補充事情經過、上傳照片，並告訴我們方便聯絡的方式與時間',
        actions: [{ type: 'uri', label: '填寫補充表單', uri: liffUrl(deps, channel, `/complaint?case=${c.id}`) }],
      },
    },
  ];
}

/** The answer to a further complaint message while a case is open: its number and the form button. */
async function stillOpenMessages(
  deps: Deps,
  clinicId: string,
  c: { id: string; number: string; status: string },
): Promise<messagingApi.Message[]> {
  const [, form] = await openedMessages(deps, clinicId, c);
  return [
    {
      type: 'text',
      text:
        `您反映的意見（案件編號 ${c.number}）正在處理中${c.status === 'new' ? '' : '，專人已經受理'}。` +
        '我們已把這則訊息加入案件，會盡快與您聯繫。',
    },
    form,
  ];
}

/** onText hook: opens a complaint case from the message (once per LINE event) and replies. */
export async function openComplaintFromText(ctx: EventContext, text: string): Promise<boolean> {
  if (!isComplaintText(text)) return false;
  const { deps, clinicId, lineUserId } = ctx;
  const friend = await ctx.line.friend(clinicId, lineUserId);
  const ref = `line:${typeof ctx.event.webhookEventId === 'string' ? ctx.event.webhookEventId : ''}`;
  const svc = caseService(deps);
  const actor = actorOfLine(friend?.display_name ?? '', lineUserId);
  // A patient who already has an open case: the message joins it instead of opening another.
  const open = await svc.openCaseOf(clinicId, lineUserId);
  if (open?.source_ref === ref) return true; // this event opened it: a retried job
  if (open) {
    const added = await svc.addPatientMessage(open, text, ref, actor);
    await handToPerson(deps, clinicId, lineUserId, { reason: 'complaint', note: `案件 ${open.number}` });
    if (added) await respond(ctx, await stillOpenMessages(deps, clinicId, open), 'case');
    return true;
  }
  const { row, created } = await svc.open(
    clinicId,
    {
      kind: 'complaint',
      category: 'other',
      severity: 'normal',
      source: 'line',
      sourceRef: ref.length > 5 ? ref : null,
      lineUserId,
      contactName: friend?.display_name ?? '',
      contactMethod: 'line',
      text,
    },
    actor,
    '',
  );
  await handToPerson(deps, clinicId, lineUserId, { reason: 'complaint', note: `案件 ${row.number}` });
  // Confirmed only by the try that opened the case: a retried event finds its case and sends
  // nothing more (its first try replied, or pushed when the token was gone), so at most once.
  if (created) await respond(ctx, await openedMessages(deps, clinicId, row), 'case');
  return true;
}

/** onPostback hook: the closing question's answer (`case:rate:<caseId>:<value>`). */
export async function onCasePostback(ctx: EventContext, data: string): Promise<boolean> {
  const m = /^case:rate:([^:]+):(satisfied|neutral|unsatisfied)$/.exec(data);
  if (!m) return false;
  const value = m[2] as Satisfaction;
  const r = await caseService(ctx.deps).rate(ctx.clinicId, m[1], ctx.lineUserId, value);
  const text = r.ok
    ? value === 'unsatisfied'
      ? `謝謝您的回饋，很抱歉這次沒有讓您滿意。案件 ${r.row.number} 已重新開啟，我們會再請專人與您聯繫。`
      : `謝謝您的回饋（${SATISFACTION[value]}），祝您健康平安！`
    : r.reason === 'answered'
      ? '您已經回覆過這個問題了，謝謝您！'
      : r.reason === 'reopened'
        ? '這個案件仍在處理中，處理完成後會再請您評分。'
        : '找不到這個案件，請直接留言告訴我們，謝謝。';
  await respond(ctx, [{ type: 'text', text }], 'case');
  return true;
}

/** The inbox's afterStaffReply hook. */
export async function caseAfterStaffReply(deps: Deps, clinicId: string, lineUserId: string, actor: Actor) {
  await caseService(deps).staffRepliedOnLine(clinicId, lineUserId, actor);
}
