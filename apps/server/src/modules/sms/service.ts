// SMS for the clinic: per-clinic settings overriding the environment's default provider, the
// send log (`sms_messages`, phone masked, no text stored), sends as `sms.send` jobs (the row's
// idempotency key is Mitake's `clientid`, so a retried job is not sent twice), and delivery
// reports. Reminders reuse `queueSms` for their SMS fallback.
import type { Kysely, Transaction } from 'kysely';
import { Type, type Static } from 'typebox';
import type { Config } from '../../config.ts';
import type { DB } from '../../db/schema.ts';
import type { Crypto } from '../../platform/crypto.ts';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import { newId } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError } from '../../platform/errors.ts';
import { defineJob, enqueueJob, PermanentJobError, type Job } from '../../platform/jobs.ts';
import {
  countSmsSegments,
  DEFAULT_BASE_URLS,
  maskPhone,
  SmsError,
  type SmsAccount,
  type SmsAccountLookup,
  type SmsProviderName,
} from '../../platform/sms.ts';
import { smsRepository, type SettingsRow } from './repository.ts';
import type { SmsSettingsBody } from './schemas.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** One send; `to` and `text` are encrypted (see queueSms). */
export const SMS_JOB = defineJob({
  type: 'sms.send',
  payload: Type.Object({ smsId: Type.String(), to: Type.String(), text: Type.String() }),
  defaults: { priority: 'interactive', maxAttempts: 6 },
  handler: sendSmsJob,
});
export type SmsPurpose = 'otp' | 'reminder' | 'recall' | 'broadcast';

export type SmsSettingsInput = Static<typeof SmsSettingsBody>;

const settingsOf = (db: Db, clinicId: string) => smsRepository(db).settings(clinicId);

function accountOf(s: SettingsRow | undefined, c: Config, crypto: Crypto): SmsAccount {
  if (!s || s.provider === 'default')
    return { provider: c.smsProvider, baseUrl: c.smsBaseUrl, username: c.smsUsername, password: c.smsPassword };
  const provider = s.provider as SmsProviderName;
  const baseUrl =
    s.base_url || (provider === 'mitake' || provider === 'every8d' ? DEFAULT_BASE_URLS[provider] : c.smsBaseUrl);
  return {
    provider,
    baseUrl,
    username: s.username,
    password: s.password_enc ? crypto.decrypt(s.password_enc) : '',
  };
}

/** The account a clinic sends with: its own settings, or the environment's default. */
export async function smsAccountOf(db: Db, deps: Deps, clinicId: string): Promise<SmsAccount> {
  return accountOf(await settingsOf(db, clinicId), deps.config, deps.crypto);
}

/**
 * How the SMS gateway (deps.sms) reads a clinic's account: any change of the settings row is a
 * new version (the environment's default is fixed for the process), and the password is
 * decrypted only when a provider is built.
 */
export function smsAccountLookup(db: Kysely<DB>, config: Config, crypto: Crypto): SmsAccountLookup {
  return async (clinicId) => {
    const s = await settingsOf(db, clinicId);
    const version =
      !s || s.provider === 'default'
        ? 'default'
        : JSON.stringify([s.updated_at, s.provider, s.username, s.base_url, s.password_enc]);
    return { version, account: () => accountOf(s, config, crypto) };
  };
}

/**
 * Writes the log row and the `sms.send` job (inside the caller's transaction). The text and
 * number travel encrypted in the job payload: an OTP never sits in the database in clear.
 */
export async function queueSms(
  trx: Db,
  deps: Deps,
  input: { clinicId: string; to: string; text: string; purpose: SmsPurpose; relatedType?: string; relatedId?: string },
): Promise<{ id: string; segments: number; provider: SmsProviderName }> {
  const acct = await smsAccountOf(trx, deps, input.clinicId);
  if (acct.provider === 'none')
    throw new AppError('SMS_NOT_CONFIGURED', 503, '診所尚未設定簡訊服務，暫時無法傳送簡訊，請直接聯絡診所');
  const seg = countSmsSegments(input.text);
  const id = newId();
  const now = deps.clock.now().toISOString();
  await smsRepository(trx).insertMessage({
    id,
    clinic_id: input.clinicId,
    to_masked: maskPhone(input.to),
    to_hash: deps.crypto.lookupHash(input.to),
    purpose: input.purpose,
    provider: acct.provider,
    chars: input.text.length,
    encoding: seg.encoding,
    segments: seg.segments,
    cost: 0,
    status: 'queued',
    idempotency_key: newId(),
    provider_message_id: null,
    error: null,
    delivery_status: null,
    delivered_at: null,
    related_type: input.relatedType ?? null,
    related_id: input.relatedId ?? null,
    created_at: now,
    updated_at: now,
  });
  await enqueueJob(
    trx,
    deps.clock,
    SMS_JOB,
    { smsId: id, to: deps.crypto.encrypt(input.to), text: deps.crypto.encrypt(input.text) },
    { clinicId: input.clinicId, idempotencyKey: `sms:${id}` },
  );
  return { id, segments: seg.segments, provider: acct.provider };
}

const reportSig = (deps: Deps, smsId: string) => deps.crypto.hmacHex('sms-report', smsId).slice(0, 32);

/** The `sms.send` job: one provider call with the row's idempotency key. */
async function sendSmsJob(job: Job<{ smsId: string; to: string; text: string }>, deps: Deps): Promise<void> {
  const clinicId = job.clinicId!;
  const repo = smsRepository(deps.db);
  const row = await repo.message(clinicId, job.payload.smsId);
  if (!row) throw new PermanentJobError('sms row not found');
  if (row.status === 'sent' || row.status === 'delivered' || row.status === 'failed') return;
  const provider = await deps.sms.forClinic(clinicId);
  const now = () => deps.clock.now().toISOString();
  try {
    const r = await provider.send({
      to: deps.crypto.decrypt(job.payload.to),
      text: deps.crypto.decrypt(job.payload.text),
      idempotencyKey: row.idempotency_key,
      reportUrl: `${deps.config.publicBaseUrl}/sms/report/${row.id}?sig=${reportSig(deps, row.id)}`,
    });
    await repo.updateMessage(clinicId, row.id, {
      status: 'sent',
      provider: provider.name,
      provider_message_id: r.providerMessageId,
      segments: r.segments,
      cost: r.cost,
      error: null,
      updated_at: now(),
    });
  } catch (err) {
    const permanent = err instanceof SmsError && err.permanent;
    const last = permanent || job.attempts >= job.maxAttempts;
    await repo.updateMessage(clinicId, row.id, {
      status: last ? 'failed' : 'retrying',
      error: err instanceof Error ? err.message.slice(0, 500) : String(err),
      updated_at: now(),
    });
    if (permanent) throw new PermanentJobError(err instanceof Error ? err.message : String(err));
    throw err;
  }
}

export function smsService(deps: Deps) {
  const db = deps.db;
  const repo = smsRepository(db);
  return {
    async getSettings(clinicId: string) {
      const s = await repo.settings(clinicId);
      const acct = await smsAccountOf(db, deps, clinicId);
      return {
        provider: (s?.provider ?? 'default') as SmsSettingsInput['provider'],
        effectiveProvider: acct.provider,
        defaultProvider: deps.config.smsProvider,
        username: s && s.provider !== 'default' ? s.username : '',
        passwordSet: Boolean(s?.password_enc),
        baseUrl: s?.base_url ?? null,
        reminderFallback: s?.reminder_fallback === 1,
        updatedAt: s?.updated_at ?? null,
      };
    },

    async saveSettings(clinicId: string, input: SmsSettingsInput, actor: Actor, ip: string) {
      const now = deps.clock.now().toISOString();
      const existing = await repo.settings(clinicId);
      const needsAccount = input.provider === 'mitake' || input.provider === 'every8d';
      const username = input.username ?? existing?.username ?? '';
      const passwordEnc = input.password ? deps.crypto.encrypt(input.password) : (existing?.password_enc ?? null);
      if (needsAccount && (!username || !passwordEnc)) {
        throw new AppError('VALIDATION_FAILED', 422, '使用三竹或 Every8d 時須填寫簡訊帳號與密碼', [
          ...(!username ? [{ field: 'username', code: 'required', message: '此欄位為必填' }] : []),
          ...(!passwordEnc ? [{ field: 'password', code: 'required', message: '此欄位為必填' }] : []),
        ]);
      }
      const row = {
        provider: input.provider,
        username,
        password_enc: passwordEnc,
        base_url: input.baseUrl ?? null,
        reminder_fallback: input.reminderFallback ? 1 : 0,
        updated_at: now,
      };
      if (existing) await repo.updateSettings(clinicId, row);
      else await repo.insertSettings({ clinic_id: clinicId, ...row });
      await recordAudit(db, deps.clock, {
        clinicId,
        actor,
        action: 'sms.settings_saved',
        entityType: 'sms_settings',
        entityId: clinicId,
        ip,
        detail: {
          provider: input.provider,
          passwordChanged: Boolean(input.password),
          reminderFallback: input.reminderFallback,
        },
      });
      return this.getSettings(clinicId);
    },

    async listMessages(clinicId: string, limit: number) {
      const rows = await repo.latest(clinicId, limit);
      return rows.map((r) => ({
        id: r.id,
        to: r.to_masked,
        purpose: r.purpose,
        provider: r.provider,
        encoding: r.encoding,
        chars: Number(r.chars),
        segments: Number(r.segments),
        cost: Number(r.cost),
        status: r.status,
        providerMessageId: r.provider_message_id,
        error: r.error,
        deliveryStatus: r.delivery_status,
        deliveredAt: r.delivered_at,
        createdAt: r.created_at,
      }));
    },

    /** Whether reminders may fall back to SMS, and the provider the clinic chose ('default' when none). */
    async fallbackSettings(clinicId: string) {
      const s = await repo.settings(clinicId);
      return { reminderFallback: s?.reminder_fallback === 1, provider: s?.provider ?? 'default' };
    },

    /** The log rows of these ids, or about these related entities (e.g. reminder deliveries). */
    find: (clinicId: string, by: { ids?: string[]; relatedType?: string; relatedIds?: string[] }) =>
      repo.find(clinicId, by),

    /** Messages, parts and cost of one purpose since an instant (the month's reminder SMS, say). */
    usage: (clinicId: string, purpose: SmsPurpose, since: string) => repo.usage(clinicId, purpose, since),

    /** Mitake's delivery report (GET with msgid, statuscode 4 delivered / 5–9 failed). */
    async deliveryReport(smsId: string, sig: string, q: Record<string, string>) {
      if (sig !== reportSig(deps, smsId)) return false;
      const code = q.statuscode ?? '';
      const status = code === '4' ? 'delivered' : /^[5-9]$/.test(code) ? 'undelivered' : null;
      if (!status) return true;
      await repo.applyReport(smsId, q.msgid ?? '', {
        delivery_status: `${status}:${q.statusstr ?? code}`.slice(0, 60),
        delivered_at: status === 'delivered' ? deps.clock.now().toISOString() : null,
        status: status === 'delivered' ? 'delivered' : 'failed',
        updated_at: deps.clock.now().toISOString(),
      });
      return true;
    },
  };
}
