// The demo clinic's survey history (npm run demo): surveys are switched on with a sample Place ID
// and about 45 days of past visits get answered surveys (mostly 4–5 stars, some comments, a few
// low scores), so 滿意度總覽 shows a populated dashboard. Drawn deterministically from the
// completed visits the fake HIS wrote; written once (nothing when the clinic has surveys).
import { systemActor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { completedVisitsBetween } from '../appointments/for-satisfaction.repository.ts';
import { satisfactionRepository } from './repository.ts';
import { DEFAULT_SETTINGS, satisfactionService } from './service.ts';

/** A Place ID of Google's shape for the demo (not a real place). */
export const DEMO_PLACE_ID = 'ChIJDemoCareline0Taipei0001';

const GOOD = [
  '醫師解說很清楚，謝謝！',
  '櫃台人員很親切，環境也很乾淨。',
  '準時看診，不用等，很方便。',
  '洗牙很細心，一點都不痛。',
  '小朋友第一次看牙就不害怕了，感謝醫師。',
  '預約提醒很貼心。',
];
const LOW = [
  '候診等了快一個小時，希望可以準時一點。',
  '費用說明不夠清楚，結帳時才知道要自費。',
  '醫師講得有點快，術後注意事項沒聽懂。',
  '停車不方便，希望能提供附近停車資訊。',
];

/**
 * `bindings`: the demo's LINE bindings (reports/demo.ts seedDemoActivity) — a survey goes only to a
 * patient bound before the visit, to that LINE user, over `days` days; without them a share of the
 * last 45 days' visits is drawn.
 */
export async function seedDemoSurveys(
  deps: Deps,
  clinicId: string,
  o: { bindings?: { patientId: string; lineUserId: string; at: string }[]; days?: number } = {},
): Promise<number> {
  const repo = satisfactionRepository(deps.db);
  if ((await repo.sentIn(clinicId, { from: '0000', to: '9999' }, 1)).length) return 0;
  await satisfactionService(deps).saveSettings(
    clinicId,
    { ...DEFAULT_SETTINGS, enabled: true, placeId: DEMO_PLACE_ID },
    systemActor,
    '127.0.0.1',
  );
  const now = deps.clock.now().getTime();
  const visits = await completedVisitsBetween(
    deps.db,
    clinicId,
    new Date(now - (o.days ?? 45) * 86_400_000).toISOString(),
    new Date(now - 86_400_000).toISOString(),
    5000,
  );
  let seed = 7;
  const rnd = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  // About nine in ten answers are 4–5 stars (the front desk's target is 90 %).
  const starsOf = (r: number) => (r < 0.62 ? 5 : r < 0.92 ? 4 : r < 0.96 ? 3 : r < 0.985 ? 2 : 1);
  const boundOf = new Map((o.bindings ?? []).map((b) => [b.patientId, b]));
  const asked = new Map<string, number>();
  let written = 0;
  for (const v of visits) {
    const b = boundOf.get(v.patient_id);
    if (o.bindings ? !b || b.at > v.starts_at || rnd() > 0.85 : rnd() > 0.4) continue; // bound on LINE and selected
    const visitAt = Date.parse(v.starts_at);
    const last = asked.get(v.patient_id);
    if (last && visitAt - last < 30 * 86_400_000) continue; // at most once per 30 days
    asked.set(v.patient_id, visitAt);
    const sentAt = new Date(visitAt + (2 * 60 + Math.floor(rnd() * 60)) * 60_000);
    const answered = rnd() < 0.64;
    const stars = answered ? starsOf(rnd()) : null;
    const answeredAt = answered ? new Date(sentAt.getTime() + Math.floor(rnd() * 180 + 2) * 60_000) : null;
    const comment =
      stars === null
        ? null
        : stars <= 3
          ? LOW[Math.floor(rnd() * LOW.length)]
          : rnd() < 0.3
            ? GOOD[written % GOOD.length]
            : null;
    const id = newId();
    await repo.insertOnce({
      id,
      clinic_id: clinicId,
      appointment_id: v.id,
      patient_id: v.patient_id,
      doctor_id: v.doctor_id,
      visit_type: v.visit_type,
      visit_at: v.starts_at,
      line_user_id: b?.lineUserId ?? null,
      status: answered ? 'answered' : 'sent',
      skip_reason: null,
      send_at: sentAt.toISOString(),
      sent_at: sentAt.toISOString(),
      expires_at: new Date(sentAt.getTime() + 7 * 86_400_000).toISOString(),
      stars,
      answered_at: answeredAt?.toISOString() ?? null,
      answer_ref: answered ? `demo:${id}` : null,
      comment,
      commented_at: comment ? answeredAt!.toISOString() : null,
      comment_via: comment ? (rnd() < 0.5 ? 'liff' : 'line') : null,
      review_offered: answered ? 1 : 0,
      case_id: null,
      case_number: null,
      created_at: v.starts_at,
      updated_at: (answeredAt ?? sentAt).toISOString(),
    });
    await repo.insertAsk({
      id: newId(),
      clinic_id: clinicId,
      patient_id: v.patient_id,
      asked_at: sentAt.toISOString(),
      source: 'survey',
      ref_id: id,
    });
    written++;
  }
  return written;
}
