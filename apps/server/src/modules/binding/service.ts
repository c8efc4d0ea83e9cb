// Patient binding: a LINE user proves a phone number with a 6-digit SMS code and is
// linked to every patient of this clinic with that number (家庭共用). Codes are stored as
// keyed hashes, one active code per phone; attempts, lockouts and rate limits live in the
// database so they hold across restarts and processes. Every light change goes through
// changeStatus (which also notifies the HIS).
import { randomInt, timingSafeEqual } from 'node:crypto';
import type { messagingApi } from '@line/bot-sdk';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { wakeWorkers } from '../../platform/jobs.ts';
import { blockedFor, hit, resetLimit } from '../../platform/rate-limit.ts';
import { maskPhone } from '../../platform/sms.ts';
import { normalizeTwPhone } from '../../platform/tw.ts';
import { clinicService } from '../clinics/service.ts';
import { liffUrl, type EventContext } from '../line/events.ts';
import { queuePush } from '../line/push.ts';
import { lineService } from '../line/service.ts';
import { patientService, type PatientSummary } from '../patients/service.ts';
import { queueUserMenu } from '../rich-menus/service.ts';
import { queueSms } from '../sms/service.ts';
import { changeStatus } from '../status/service.ts';
import { bindingRepository } from './repository.ts';

export const OTP_TTL_SECONDS = 300;
export const OTP_RESEND_SECONDS = 60;
export const OTP_MAX_ATTEMPTS = 5;
export const OTP_LOCK_MS = 15 * 60_000;
export const OTP_LIMITS = {
  phone: { limit: 5, windowMs: 3_600_000 },
  user: { limit: 10, windowMs: 3_600_000 },
  ip: { limit: 30, windowMs: 3_600_000 },
};

export const PRIVACY_NOTICE_VERSION = '2026-11-01';

export function privacyNotice(clinicName: string) {
  return {
    version: PRIVACY_NOTICE_VERSION,
    title: '個人資料蒐集、處理及利用告知',
    text: [
      `${clinicName}（以下稱本診所）依個人資料保護法第 8 條告知您：`,
      '一、蒐集目的：醫療服務、預約管理與看診提醒、聯繫服務（法定特定目的代號 001、090、157）。',
      '二、個人資料類別：您的 LINE 使用者識別碼、顯示名稱、手機號碼，以及本診所既有病歷中的姓名與預約紀錄。',
      '三、利用期間、地區、對象及方式：於您與本診所的醫療關係存續期間，在中華民國境內，由本診所及受託的資訊服務廠商以 LINE 訊息、簡訊傳送預約提醒與查詢結果。',
      '四、您可隨時查詢、閱覽、請求更正、停止利用或刪除您的個人資料，也可隨時在「我的預約」頁面或向櫃台解除綁定。',
      '五、您可自由選擇是否提供；不綁定不影響您在本診所就醫，但將無法透過 LINE 查詢預約與接收提醒。',
      '同一手機號碼登記的家人（家庭共用）會一併綁定，您將可查詢他們的預約，請確認您有權代為查詢。',
    ].join('\n'),
  };
}

export type LiffUser = {
  clinicId: string;
  channelId: string;
  lineUserId: string;
  displayName: string;
  pictureUrl: string | null;
};

const otpHash = (deps: Deps, clinicId: string, e164: string, code: string) =>
  deps.crypto.lookupHash(`otp:v1:${clinicId}:${e164}:${code}`);
const lockKey = (clinicId: string, phoneHash: string) => `otp-lock:${clinicId}:${phoneHash}`;
const patientActor = (u: { lineUserId: string; displayName?: string }): Actor => ({
  type: 'patient',
  id: u.lineUserId,
  label: `病患本人（LINE ${u.displayName || u.lineUserId.slice(0, 8)}）`,
});

function checkMobile(phone: string): string {
  const r = normalizeTwPhone(phone);
  if (!r.ok)
    throw new AppError('INVALID_PHONE', 422, r.message, [{ field: 'phone', code: 'phone', message: r.message }]);
  if (r.value.kind !== 'mobile') {
    const message = '市話無法接收簡訊驗證碼，請輸入您在診所登記的手機號碼（09 開頭 10 碼）';
    throw new AppError('NOT_A_MOBILE', 422, message, [{ field: 'phone', code: 'not_mobile', message }]);
  }
  return r.value.e164;
}

/** Birth date, then name: the family in the order the LIFF pages list it. */
const byAge = (a: PatientSummary, b: PatientSummary) =>
  (a.birthDate ?? '9999').localeCompare(b.birthDate ?? '9999') || a.name.localeCompare(b.name);

/** Patients of one LINE user at one clinic (never across clinics), with the masked phone they proved. */
export async function boundPatients(deps: Deps, clinicId: string, lineUserId: string) {
  const bindings = await bindingRepository(deps.db).ofLineUser(clinicId, lineUserId);
  const ps = await patientService(deps).summaries(
    clinicId,
    bindings.map((b) => b.patient_id),
  );
  const masked = new Map(bindings.map((b) => [b.patient_id, b.phone_masked]));
  return ps.sort(byAge).map((p) => ({ ...p, phoneMasked: masked.get(p.id) ?? '' }));
}

const toMember = (p: { id: string; name: string; birthDate: string | null }) => ({
  id: p.id,
  name: p.name,
  birthYear: p.birthDate ? Number(p.birthDate.slice(0, 4)) : null,
});

export function bindingService(deps: Deps) {
  const db = deps.db;
  const repo = bindingRepository(db);
  const patients = patientService(deps);
  const now = () => deps.clock.now();
  const clinicOf = (clinicId: string) => clinicService(deps).get(clinicId);

  async function limit(key: string, w: { limit: number; windowMs: number }, message: string) {
    const r = await hit(db, deps.clock, key, w);
    if (!r.allowed) throw errors.tooMany('OTP_RATE_LIMITED', message, r.retryAfterSeconds);
  }

  async function checkLock(clinicId: string, phoneHash: string) {
    const s = await blockedFor(db, deps.clock, lockKey(clinicId, phoneHash));
    if (s > 0)
      throw errors.tooMany(
        'OTP_LOCKED',
        `驗證碼錯誤次數過多，這支手機號碼已暫停驗證，請 ${Math.ceil(s / 60)} 分鐘後再試`,
        s,
      );
  }

  return {
    async me(u: LiffUser) {
      const clinic = await clinicOf(u.clinicId);
      const ps = await boundPatients(deps, u.clinicId, u.lineUserId);
      return {
        lineUser: { userId: u.lineUserId, displayName: u.displayName, pictureUrl: u.pictureUrl },
        bound: ps.length > 0,
        phoneMasked: ps[0]?.phoneMasked ?? null,
        patients: ps.map(toMember),
        privacyNotice: privacyNotice(clinic.name),
      };
    },

    async requestOtp(u: LiffUser, input: { phone: string; consent: boolean }, ip: string) {
      if (input.consent !== true)
        throw new AppError('CONSENT_REQUIRED', 422, '請先閱讀並同意個人資料蒐集告知，才能進行綁定', [
          { field: 'consent', code: 'consent', message: '請勾選同意' },
        ]);
      const e164 = checkMobile(input.phone);
      const phoneHash = deps.crypto.lookupHash(e164);
      await checkLock(u.clinicId, phoneHash);
      await limit(`otp-ip:${ip}`, OTP_LIMITS.ip, '這個網路發送驗證碼的次數過多，請稍後再試');
      await limit(`otp-user:${u.clinicId}:${u.lineUserId}`, OTP_LIMITS.user, '您索取驗證碼的次數過多，請一小時後再試');
      const clinic = await clinicOf(u.clinicId);
      if ((await patients.withMobileHash(u.clinicId, phoneHash)).length === 0) {
        const contact = clinic.phone ? `請致電 ${clinic.phone} 由櫃台協助登記手機號碼` : '請洽診所櫃台協助登記手機號碼';
        throw new AppError(
          'PHONE_NOT_FOUND',
          404,
          `${clinic.name}查無這支手機號碼的病歷資料。${contact}，或確認輸入的是看診時留下的號碼。`,
          [
            {
              field: 'phone',
              code: 'not_found',
              message: '查無此手機號碼的病歷',
              clinicName: clinic.name,
              clinicPhone: clinic.phone,
              clinicAddress: clinic.address,
            },
          ],
        );
      }
      const existing = await repo.otp(u.clinicId, phoneHash);
      if (existing && !existing.consumed_at) {
        const wait = Math.ceil(
          (new Date(existing.created_at).getTime() + OTP_RESEND_SECONDS * 1000 - now().getTime()) / 1000,
        );
        if (wait > 0) throw errors.tooMany('OTP_RESEND_TOO_SOON', `驗證碼已寄出，請 ${wait} 秒後再重新索取`, wait);
      }
      await limit(
        `otp-phone:${u.clinicId}:${phoneHash}`,
        OTP_LIMITS.phone,
        '這支手機號碼索取驗證碼的次數過多，請一小時後再試',
      );
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const at = now();
      const row = {
        line_user_id: u.lineUserId,
        code_hash: otpHash(deps, u.clinicId, e164, code),
        attempts: 0,
        created_at: at.toISOString(),
        expires_at: new Date(at.getTime() + OTP_TTL_SECONDS * 1000).toISOString(),
        consumed_at: null,
      };
      const text = `【${clinic.name}】您的綁定驗證碼為 ${code}，5 分鐘內有效。請勿將驗證碼告訴他人。`;
      await db.transaction().execute(async (trx) => {
        await bindingRepository(trx).putOtp({ clinic_id: u.clinicId, phone_hash: phoneHash, ...row });
        await queueSms(trx, deps, {
          clinicId: u.clinicId,
          to: e164,
          text,
          purpose: 'otp',
          relatedType: 'line_user',
          relatedId: u.lineUserId,
        });
        await recordAudit(trx, deps.clock, {
          clinicId: u.clinicId,
          actor: patientActor(u),
          action: 'binding.otp_sent',
          entityType: 'phone',
          entityId: maskPhone(e164),
          ip,
        });
      });
      return { sentTo: maskPhone(e164), expiresInSeconds: OTP_TTL_SECONDS, resendAfterSeconds: OTP_RESEND_SECONDS };
    },

    async verifyOtp(u: LiffUser, input: { phone: string; code: string }, ip: string) {
      const e164 = checkMobile(input.phone);
      const phoneHash = deps.crypto.lookupHash(e164);
      await checkLock(u.clinicId, phoneHash);
      const row = await repo.otp(u.clinicId, phoneHash);
      if (!row || row.line_user_id !== u.lineUserId)
        throw new AppError('OTP_NOT_REQUESTED', 400, '請先按「傳送驗證碼」，並輸入寄到這支手機的驗證碼');
      if (row.consumed_at) throw new AppError('OTP_ALREADY_USED', 400, '這組驗證碼已經使用過了，請重新索取新的驗證碼');
      if (row.expires_at <= now().toISOString())
        throw new AppError('OTP_EXPIRED', 410, '驗證碼已過期（有效 5 分鐘），請重新索取');
      // Count the attempt first (atomically), then compare: parallel guesses cannot exceed the limit.
      const counted = await repo.countAttempt(u.clinicId, phoneHash, row.code_hash, OTP_MAX_ATTEMPTS);
      if (counted === null) {
        await hit(db, deps.clock, lockKey(u.clinicId, phoneHash), {
          limit: 0,
          windowMs: OTP_LOCK_MS,
          blockMs: OTP_LOCK_MS,
        });
        throw errors.tooMany(
          'OTP_LOCKED',
          '驗證碼錯誤次數過多，這支手機號碼已暫停驗證，請 15 分鐘後再試',
          OTP_LOCK_MS / 1000,
        );
      }
      const expected = Buffer.from(row.code_hash);
      const given = Buffer.from(otpHash(deps, u.clinicId, e164, String(input.code).trim()));
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
        const attemptsLeft = OTP_MAX_ATTEMPTS - Number(counted);
        await recordAudit(db, deps.clock, {
          clinicId: u.clinicId,
          actor: patientActor(u),
          action: 'binding.otp_failed',
          entityType: 'phone',
          entityId: maskPhone(e164),
          ip,
          detail: { attemptsLeft },
        });
        if (attemptsLeft <= 0) {
          await repo.expireOtp(u.clinicId, phoneHash, now().toISOString());
          await hit(db, deps.clock, lockKey(u.clinicId, phoneHash), {
            limit: 0,
            windowMs: OTP_LOCK_MS,
            blockMs: OTP_LOCK_MS,
          });
          throw errors.tooMany(
            'OTP_LOCKED',
            '驗證碼錯誤次數過多，這支手機號碼已暫停驗證，請 15 分鐘後再試',
            OTP_LOCK_MS / 1000,
          );
        }
        throw new AppError(
          'OTP_INVALID',
          400,
          `驗證碼不正確，還可以再試 ${attemptsLeft} 次`,
          [{ field: 'code', code: 'otp_invalid', message: '驗證碼不正確', attemptsLeft }],
          { attemptsLeft },
        );
      }
      const clinic = await clinicOf(u.clinicId);
      const family = (await patients.withMobileHash(u.clinicId, phoneHash)).sort(byAge);
      const bound = await db.transaction().execute(async (trx) => {
        const tx = bindingRepository(trx);
        if (!(await tx.consumeOtp(u.clinicId, phoneHash, row.code_hash, now().toISOString())))
          throw new AppError('OTP_ALREADY_USED', 400, '這組驗證碼已經使用過了，請重新索取新的驗證碼');
        const at = now().toISOString();
        for (const p of family) {
          await tx.bind({
            clinic_id: u.clinicId,
            line_user_id: u.lineUserId,
            patient_id: p.id,
            phone_hash: phoneHash,
            phone_masked: maskPhone(e164),
            created_at: at,
          });
          await changeStatus(trx, deps, {
            clinicId: u.clinicId,
            subject: 'patient',
            subjectId: p.id,
            light: 'line',
            to: 'bound',
            source: 'patient',
            actor: patientActor(u),
            reason: 'LINE 綁定完成（手機簡訊驗證）',
          });
        }
        await tx.addConsent({
          clinic_id: u.clinicId,
          line_user_id: u.lineUserId,
          phone_hash: phoneHash,
          notice_version: PRIVACY_NOTICE_VERSION,
          ip,
          created_at: at,
        });
        await recordAudit(trx, deps.clock, {
          clinicId: u.clinicId,
          actor: patientActor(u),
          action: 'binding.bound',
          entityType: 'line_user',
          entityId: u.lineUserId,
          ip,
          detail: {
            phone: maskPhone(e164),
            patients: family.map((p) => p.id),
            consentVersion: PRIVACY_NOTICE_VERSION,
          },
        });
        await queueUserMenu(trx, deps, u.clinicId, u.lineUserId, 'bound');
        const names = family.map((p) => p.name).join('、');
        const messages: messagingApi.Message[] = [
          {
            type: 'text',
            text: `綁定完成！您已與${clinic.name}的就診資料連結（${names}）。\n之後會在這裡收到看診提醒，也可以從選單查詢預約。`,
          },
        ];
        await queuePush(trx, deps, u.clinicId, { to: u.lineUserId, messages, source: 'binding' });
        return family;
      });
      wakeWorkers(); // the menu switch and the confirmation go out now, not at the worker's next poll
      await resetLimit(db, `otp-phone:${u.clinicId}:${phoneHash}`);
      const all = await boundPatients(deps, u.clinicId, u.lineUserId);
      return { bound: true, patients: all.length ? all.map(toMember) : bound.map(toMember) };
    },

    /** The patient unbinds themself from the LIFF page. */
    async unbindSelf(u: LiffUser, ip: string) {
      const ps = await boundPatients(deps, u.clinicId, u.lineUserId);
      await db.transaction().execute(async (trx) => {
        await bindingRepository(trx).unbindLineUser(u.clinicId, u.lineUserId);
        for (const p of ps)
          await settleLight(trx, deps, u.clinicId, p.id, patientActor(u), 'patient', '病患自行解除 LINE 綁定');
        await queueUserMenu(trx, deps, u.clinicId, u.lineUserId, 'unbound');
        await recordAudit(trx, deps.clock, {
          clinicId: u.clinicId,
          actor: patientActor(u),
          action: 'binding.unbound',
          entityType: 'line_user',
          entityId: u.lineUserId,
          ip,
          detail: { patients: ps.map((p) => p.id) },
        });
      });
      wakeWorkers();
      return { bound: false };
    },

    /** Whether this LINE user may see and answer for this patient. */
    isBound: (clinicId: string, lineUserId: string, patientId: string) => repo.isBound(clinicId, lineUserId, patientId),

    /** The family of one LINE user: bound patients by birth date, then name. */
    familyOf: (clinicId: string, lineUserId: string) => boundPatients(deps, clinicId, lineUserId),

    /** Every bound LINE user that has not blocked the clinic (who gets the bound menu). */
    async reachableLineUsers(clinicId: string): Promise<string[]> {
      const users = await repo.allLineUsers(clinicId);
      const states = await lineService(deps).friendStates(clinicId, users);
      return users.filter((u) => states.get(u) !== 'blocked');
    },

    /**
     * The LINE users among these that are bound to several patients of the clinic (a family),
     * each with its patients: one query for any number of users.
     */
    async familiesOf(clinicId: string, lineUserIds: string[]): Promise<Map<string, string[]>> {
      const byUser = new Map<string, string[]>();
      for (const r of await repo.patientsOfLineUsers(clinicId, lineUserIds)) {
        const l = byUser.get(r.line_user_id);
        if (l) l.push(r.patient_id);
        else byUser.set(r.line_user_id, [r.patient_id]);
      }
      for (const [u, ps] of byUser) if (ps.length < 2) byUser.delete(u);
      return byUser;
    },

    /**
     * The LINE users bound to each of these patients, newest binding first, with their friend
     * state (`unknown` without a friend record): two queries for any number of patients.
     */
    async lineUsersOfPatients(
      clinicId: string,
      patientIds: string[],
    ): Promise<Map<string, { lineUserId: string; boundAt: string; friendState: string }[]>> {
      const rows = await repo.ofPatients(clinicId, patientIds);
      const states = await lineService(deps).friendStates(
        clinicId,
        rows.map((r) => r.line_user_id),
      );
      const out = new Map<string, { lineUserId: string; boundAt: string; friendState: string }[]>();
      for (const r of rows) {
        const item = { lineUserId: r.line_user_id, boundAt: r.created_at, friendState: states.get(r.line_user_id)! };
        const l = out.get(r.patient_id);
        if (l) l.push(item);
        else out.set(r.patient_id, [item]);
      }
      return out;
    },

    /** Staff unbinds every LINE user from one patient. */
    async unbindPatient(clinicId: string, patientId: string, actor: Actor, ip: string) {
      const [p] = await patients.summaries(clinicId, [patientId]);
      if (!p) throw errors.notFound('病患');
      const users = await repo.ofPatients(clinicId, [patientId]);
      await db.transaction().execute(async (trx) => {
        const tx = bindingRepository(trx);
        await tx.unbindPatient(clinicId, patientId);
        await changeStatus(trx, deps, {
          clinicId,
          subject: 'patient',
          subjectId: patientId,
          light: 'line',
          to: 'unbound',
          source: 'staff',
          actor,
          reason: '櫃台解除 LINE 綁定',
        });
        for (const { line_user_id } of users) {
          if ((await tx.ofLineUser(clinicId, line_user_id)).length === 0)
            await queueUserMenu(trx, deps, clinicId, line_user_id, 'unbound');
        }
        await recordAudit(trx, deps.clock, {
          clinicId,
          actor,
          action: 'binding.unbound_by_staff',
          entityType: 'patient',
          entityId: patientId,
          ip,
          detail: { lineUsers: users.length },
        });
      });
      wakeWorkers();
      return { patientId, unboundLineUsers: users.length };
    },
  };
}

/**
 * The `line` light a patient should show from its bindings: `bound` when any bound LINE user
 * can be reached (a friend, or no friend record yet), `blocked` when every bound user blocked
 * the clinic, `unbound` when nobody is bound.
 */
export async function lineLightOf(
  deps: Deps,
  clinicId: string,
  patientId: string,
): Promise<'bound' | 'blocked' | 'unbound'> {
  const users = (await bindingRepository(deps.db).ofPatients(clinicId, [patientId])).map((b) => b.line_user_id);
  if (users.length === 0) return 'unbound';
  const states = await lineService(deps).friendStates(clinicId, users);
  return [...states.values()].some((s) => s !== 'blocked') ? 'bound' : 'blocked';
}

/** After bindings changed: recompute the patient's light from who is still bound. */
async function settleLight(
  trx: Deps['db'],
  deps: Deps,
  clinicId: string,
  patientId: string,
  actor: Actor,
  source: 'patient' | 'staff',
  reason: string,
) {
  await changeStatus(trx, deps, {
    clinicId,
    subject: 'patient',
    subjectId: patientId,
    light: 'line',
    to: await lineLightOf({ ...deps, db: trx }, clinicId, patientId),
    source,
    actor,
    reason,
  });
}

// ---- hooks for the LINE event job (modules/line/events.ts)

/** Block → the user's patients show `blocked`; unblock (follow again) → `bound` again. */
export async function onFriendState(
  ctx: EventContext,
  state: 'friend' | 'blocked',
  _previous: string | null,
): Promise<void> {
  const { deps, clinicId, lineUserId } = ctx;
  const ps = await boundPatients(deps, clinicId, lineUserId);
  if (ps.length === 0) return;
  const actor: Actor = { type: 'patient', id: lineUserId, label: 'LINE 平台（好友狀態）' };
  await deps.db.transaction().execute(async (trx) => {
    for (const p of ps) {
      // Another family member's LINE may still be a friend: the light follows every bound user.
      const reason = state === 'blocked' ? '病患封鎖了診所的 LINE 官方帳號' : '病患解除封鎖，重新加入好友';
      await changeStatus(trx, deps, {
        clinicId,
        subject: 'patient',
        subjectId: p.id,
        light: 'line',
        to: await lineLightOf({ ...deps, db: trx }, clinicId, p.id),
        source: 'patient',
        actor,
        reason,
      });
    }
    if (state === 'friend') await queueUserMenu(trx, deps, clinicId, lineUserId, 'bound');
  });
}

/** A returning, already bound friend is welcomed back instead of being asked to bind. */
export async function greeting(ctx: EventContext): Promise<messagingApi.Message[] | null> {
  const ps = await boundPatients(ctx.deps, ctx.clinicId, ctx.lineUserId);
  if (ps.length === 0) return null;
  const clinic = await clinicService(ctx.deps).get(ctx.clinicId);
  const ch = await ctx.line.channelOrThrow(ctx.clinicId);
  return [
    {
      type: 'text',
      text: `歡迎回來！${clinic.name}已為您保留綁定資料（${ps.map((p) => p.name).join('、')}），看診提醒會繼續在這裡通知您。`,
    },
    {
      type: 'template',
      altText: '查詢我的預約',
      template: {
        type: 'buttons',
        text: '可以隨時查詢您與家人的預約',
        actions: [{ type: 'uri', label: '我的預約', uri: liffUrl(ctx.deps, ch, '/appointments') }],
      },
    },
  ];
}
