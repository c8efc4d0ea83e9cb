// The LINE side of satisfaction surveys: the star taps (postback `sv=<surveyId>:<stars>`) and a
// text right after low stars, taken as the answer to 「想讓我們知道哪裡可以更好嗎？」.
import type { EventContext } from '../line/events.ts';
import { respond } from '../line/events.ts';
import { satisfactionService } from './service.ts';

const POSTBACK = /^sv=([0-9a-f-]{8,64}):([1-5])$/;
/** Short thanks or refusals are not an answer to 「哪裡可以更好」. */
const NOT_A_COMMENT = /^(謝謝|感謝|謝啦|好的?|ok|okay|沒有|沒事|不用了?|no|嗯+|👍|🙏)[!！。.～~ ]*$/i;

const eventRef = (ctx: EventContext) =>
  `line:${typeof ctx.event.webhookEventId === 'string' ? ctx.event.webhookEventId : ctx.at}`;

/** onPostback hook: a star tap. Counted once; a second tap and an expired survey get a kind reply. */
export async function onSurveyPostback(ctx: EventContext, data: string): Promise<boolean> {
  const m = POSTBACK.exec(data);
  if (!m) return false;
  const svc = satisfactionService(ctx.deps);
  const r = await svc.answer(ctx.clinicId, m[1], ctx.lineUserId, Number(m[2]), eventRef(ctx));
  await respond(ctx, await svc.answerMessages(ctx.clinicId, r), 'survey');
  return true;
}

/** onText hook: within an hour of 3 stars or fewer, the patient's text is their comment (opens a case). */
export async function surveyCommentFromText(ctx: EventContext, text: string): Promise<boolean> {
  if (NOT_A_COMMENT.test(text.trim())) return false;
  const svc = satisfactionService(ctx.deps);
  const sv = await svc.textComment(ctx.clinicId, ctx.lineUserId, text, eventRef(ctx));
  if (!sv) return false;
  await respond(
    ctx,
    [
      {
        type: 'text',
        text:
          `謝謝您告訴我們，您的意見已轉給專人${sv.case_number ? `（案件編號 ${sv.case_number}）` : ''}，` +
          '我們會盡快與您聯繫。',
      },
    ],
    'survey',
  );
  return true;
}
