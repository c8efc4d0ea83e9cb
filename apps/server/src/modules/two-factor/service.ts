// Two-factor login: TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps, one step of clock
// drift either way) with any authenticator app, ten one-time recovery codes, the half-done
// login between password and code, and the clinic's "everyone must use it" policy. Platform
// operators always need it. Secrets are sealed with ENCRYPTION_KEY (platform/crypto.ts); a
// code's step is remembered so the same code never opens a second login.
import { randomInt } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import { recordAudit, type Actor } from '../../platform/audit.ts';
import type { Role } from '../../platform/auth.ts';
import { newId, randomToken, sha256Hex } from '../../platform/crypto.ts';
import type { Deps } from '../../platform/deps.ts';
import { AppError, errors } from '../../platform/errors.ts';
import { blockedFor, hit, resetLimit } from '../../platform/rate-limit.ts';
import { twoFactorRepository, type TwoFactorRow } from './repository.ts';

export const ISSUER = 'Careline';
const PERIOD_S = 30;
const CHALLENGE_TTL_MS = 5 * 60_000;
/** Wrong codes one half-done login may try before the password must be entered again. */
const CHALLENGE_ATTEMPTS = 5;
/** Wrong codes per account before it is locked for 15 minutes, across logins (as for passwords). */
const FAIL_WINDOW = { limit: 4, windowMs: 15 * 60_000, blockMs: 15 * 60_000 };
const RECOVERY_CODES = 10;
// Without 0/o, 1/l/i: read off paper and typed by hand. 10 characters ≈ 50 bits each; stored
// as keyed hashes, so a stolen database alone cannot test guesses.
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

export type LoginUser = { id: string; clinicId: string | null; role: Role | string; email: string };
export type Requirement = 'none' | 'verify' | 'enrol';

const INVALID_CODE = () =>
  new AppError('INVALID_CODE', 401, '驗證碼不正確或已使用過，請輸入驗證 App 上目前顯示的 6 位數字');
const CHALLENGE_INVALID = () =>
  new AppError('CHALLENGE_EXPIRED', 401, '登入驗證已逾時或嘗試太多次，請重新輸入密碼登入');

function totp(secret: string, label: string) {
  return new OTPAuth.TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_S,
    secret: OTPAuth.Secret.fromBase32(secret),
  });
}

/** A new random secret (160 bits, the size RFC 4226 recommends), in base32. */
export const newSecret = (): string => new OTPAuth.Secret({ size: 20 }).base32;

/** The otpauth:// URI authenticator apps read from the QR code. */
export const otpauthUri = (secret: string, email: string): string => totp(secret, email).toString();

/** Recovery codes are typed with or without the dash, in any case. */
const normaliseRecovery = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

function newRecoveryCode(): string {
  let s = '';
  for (let i = 0; i < 10; i++) s += RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)];
  return `${s.slice(0, 5)}-${s.slice(5)}`;
}

export function twoFactorService(deps: Deps) {
  const repo = twoFactorRepository(deps.db);
  const now = () => deps.clock.now();
  const recoveryHash = (userId: string, code: string) =>
    deps.crypto.lookupHash(`recovery:${userId}:${normaliseRecovery(code)}`);

  /** The step a 6-digit code is valid for (± one step), or null. */
  function stepOf(secret: string, code: string): number | null {
    const t = now().getTime();
    const delta = totp(secret, '').validate({ token: code, timestamp: t, window: 1 });
    return delta === null ? null : Math.floor(t / 1000 / PERIOD_S) + delta;
  }

  const isTotpCode = (code: string) => /^\d{6}$/.test(code.replace(/\s/g, ''));

  async function required(user: Pick<LoginUser, 'clinicId' | 'role'>): Promise<boolean> {
    if (user.role === 'platform_operator') return true;
    return user.clinicId ? repo.requireTwoFactor(user.clinicId) : false;
  }

  async function issueRecoveryCodes(userId: string, clinicId: string | null): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
    await repo.replaceRecoveryCodes(
      userId,
      clinicId,
      codes.map((c) => ({ id: newId(), code_hash: recoveryHash(userId, c) })),
      now().toISOString(),
    );
    return codes;
  }

  /**
   * Checks a code for a user with two-factor login on: a TOTP code of a step after the last one
   * used, or an unused recovery code (then used up). Counts wrong codes against the account.
   */
  async function checkEnabled(
    row: TwoFactorRow,
    code: string,
    audit: { actor: Actor; ip: string },
  ): Promise<'totp' | 'recovery'> {
    const failKey = `2fa:fail:${row.user_id}`;
    let method: 'totp' | 'recovery' | null = null;
    if (isTotpCode(code)) {
      const step = stepOf(deps.crypto.decrypt(row.secret_enc), code.replace(/\s/g, ''));
      if (step !== null && (await repo.advanceStep(row.user_id, step, null, now().toISOString()))) method = 'totp';
    } else if (
      code.length <= 40 &&
      (await repo.useRecoveryCode(row.user_id, recoveryHash(row.user_id, code), now().toISOString()))
    ) {
      method = 'recovery';
    }
    if (!method) {
      const f = await hit(deps.db, deps.clock, failKey, FAIL_WINDOW);
      await recordAudit(deps.db, deps.clock, {
        clinicId: row.clinic_id,
        actor: audit.actor,
        action: 'auth.two_factor_failed',
        entityType: 'staff_user',
        entityId: row.user_id,
        ip: audit.ip,
      });
      if (!f.allowed)
        throw errors.tooMany('TWO_FACTOR_LOCKED', '驗證碼錯誤次數過多，請 15 分鐘後再試', f.retryAfterSeconds);
      throw INVALID_CODE();
    }
    await resetLimit(deps.db, failKey);
    if (method === 'recovery')
      await recordAudit(deps.db, deps.clock, {
        clinicId: row.clinic_id,
        actor: audit.actor,
        action: 'auth.recovery_code_used',
        entityType: 'staff_user',
        entityId: row.user_id,
        detail: { left: await repo.recoveryCodesLeft(row.user_id) },
        ip: audit.ip,
      });
    return method;
  }

  async function enabledRow(userId: string): Promise<TwoFactorRow | null> {
    const row = await repo.find(userId);
    return row?.enabled_at ? row : null;
  }

  async function blocked(userId: string) {
    const s = await blockedFor(deps.db, deps.clock, `2fa:fail:${userId}`);
    if (s > 0) throw errors.tooMany('TWO_FACTOR_LOCKED', `驗證碼錯誤次數過多，請 ${Math.ceil(s / 60)} 分鐘後再試`, s);
  }

  async function settings(clinicId: string) {
    const s = await repo.settings(clinicId);
    return { requireTwoFactor: s?.require_two_factor === 1, updatedAt: s?.updated_at ?? null };
  }

  return {
    required,
    settings,

    /** What a login needs after the right password. */
    async loginRequirement(user: LoginUser): Promise<Requirement> {
      if (await enabledRow(user.id)) return 'verify';
      return (await required(user)) ? 'enrol' : 'none';
    },

    /** Starts the second step of a login: a short-lived token (and, to enrol, a new secret to show). */
    async startChallenge(user: LoginUser, purpose: 'verify' | 'enrol') {
      const token = randomToken();
      const t = now();
      const secret = purpose === 'enrol' ? newSecret() : null;
      await repo.deleteStaleChallenges(user.id, t.toISOString());
      await repo.createChallenge({
        id: sha256Hex(token),
        user_id: user.id,
        clinic_id: user.clinicId,
        purpose,
        secret_enc: secret ? deps.crypto.encrypt(secret) : null,
        attempts: 0,
        expires_at: new Date(t.getTime() + CHALLENGE_TTL_MS).toISOString(),
        created_at: t.toISOString(),
      });
      return {
        step: purpose,
        challenge: token,
        expiresAt: new Date(t.getTime() + CHALLENGE_TTL_MS).toISOString(),
        setup: secret ? { secret, otpauthUri: otpauthUri(secret, user.email) } : null,
      };
    },

    /**
     * Finishes the second step: returns the user to start a session for (and, after enrolling,
     * the new recovery codes). A wrong code counts; five on one challenge end it.
     */
    async completeChallenge(token: string, code: string, ip: string, actorFor: (userId: string) => Promise<Actor>) {
      const id = sha256Hex(token);
      const ch = await repo.findChallenge(id);
      if (!ch || ch.expires_at <= now().toISOString() || ch.attempts >= CHALLENGE_ATTEMPTS) {
        if (ch) await repo.deleteChallenge(id);
        throw CHALLENGE_INVALID();
      }
      const actor = await actorFor(ch.user_id);
      await blocked(ch.user_id);
      const wrong = async (e: AppError) => {
        if ((await repo.countAttempt(id)) >= CHALLENGE_ATTEMPTS) await repo.deleteChallenge(id);
        throw e;
      };
      if (ch.purpose === 'enrol') {
        const secret = deps.crypto.decrypt(ch.secret_enc!);
        const step = isTotpCode(code) ? stepOf(secret, code.replace(/\s/g, '')) : null;
        if (step === null) {
          const f = await hit(deps.db, deps.clock, `2fa:fail:${ch.user_id}`, FAIL_WINDOW);
          if (!f.allowed) {
            await repo.deleteChallenge(id);
            throw errors.tooMany('TWO_FACTOR_LOCKED', '驗證碼錯誤次數過多，請 15 分鐘後再試', f.retryAfterSeconds);
          }
          return wrong(INVALID_CODE());
        }
        const at = now().toISOString();
        await repo.putPending({
          user_id: ch.user_id,
          clinic_id: ch.clinic_id,
          secret_enc: deps.crypto.encrypt(secret),
          enabled_at: at,
          last_step: step,
          created_at: at,
          updated_at: at,
        });
        const recoveryCodes = await issueRecoveryCodes(ch.user_id, ch.clinic_id);
        await repo.deleteChallenge(id);
        await recordAudit(deps.db, deps.clock, {
          clinicId: ch.clinic_id,
          actor,
          action: 'account.two_factor_enabled',
          entityType: 'staff_user',
          entityId: ch.user_id,
          detail: { atLogin: true },
          ip,
        });
        return { userId: ch.user_id, method: 'totp' as const, recoveryCodes };
      }
      const row = await enabledRow(ch.user_id);
      if (!row) {
        await repo.deleteChallenge(id);
        throw CHALLENGE_INVALID();
      }
      let method: 'totp' | 'recovery';
      try {
        method = await checkEnabled(row, code, { actor, ip });
      } catch (e) {
        if (e instanceof AppError && e.code === 'INVALID_CODE') return wrong(e);
        await repo.deleteChallenge(id);
        throw e;
      }
      await repo.deleteChallenge(id);
      return { userId: ch.user_id, method, recoveryCodes: null };
    },

    /** The signed-in user's two-factor state. */
    async status(user: LoginUser) {
      const row = await repo.find(user.id);
      return {
        enabled: !!row?.enabled_at,
        enabledAt: row?.enabled_at ?? null,
        recoveryCodesLeft: row?.enabled_at ? await repo.recoveryCodesLeft(user.id) : 0,
        required: await required(user),
      };
    },

    /** A new secret to scan; replaces an unfinished set-up. Refused while two-factor login is on. */
    async beginSetup(user: LoginUser) {
      if (await enabledRow(user.id))
        throw errors.conflict('TWO_FACTOR_ALREADY_ON', '已啟用兩步驟驗證；要換手機請先停用再重新設定');
      const secret = newSecret();
      const at = now().toISOString();
      await repo.putPending({
        user_id: user.id,
        clinic_id: user.clinicId,
        secret_enc: deps.crypto.encrypt(secret),
        enabled_at: null,
        last_step: 0,
        created_at: at,
        updated_at: at,
      });
      return { secret, otpauthUri: otpauthUri(secret, user.email) };
    },

    /** Turns two-factor login on with the first code from the app; returns the recovery codes. */
    async confirmSetup(user: LoginUser, code: string, actor: Actor, ip: string) {
      const row = await repo.find(user.id);
      if (!row) throw errors.conflict('TWO_FACTOR_NOT_STARTED', '請先按「開始設定」取得 QR code');
      if (row.enabled_at) throw errors.conflict('TWO_FACTOR_ALREADY_ON', '已啟用兩步驟驗證');
      await blocked(user.id);
      const step = isTotpCode(code) ? stepOf(deps.crypto.decrypt(row.secret_enc), code.replace(/\s/g, '')) : null;
      if (step === null) {
        const f = await hit(deps.db, deps.clock, `2fa:fail:${user.id}`, FAIL_WINDOW);
        if (!f.allowed)
          throw errors.tooMany('TWO_FACTOR_LOCKED', '驗證碼錯誤次數過多，請 15 分鐘後再試', f.retryAfterSeconds);
        throw INVALID_CODE();
      }
      const at = now().toISOString();
      await repo.advanceStep(user.id, step, at, at);
      const recoveryCodes = await issueRecoveryCodes(user.id, user.clinicId);
      await recordAudit(deps.db, deps.clock, {
        clinicId: user.clinicId,
        actor,
        action: 'account.two_factor_enabled',
        entityType: 'staff_user',
        entityId: user.id,
        ip,
      });
      return { recoveryCodes };
    },

    /** Ten new recovery codes (the old ones stop working), after a current code. */
    async regenerateRecoveryCodes(user: LoginUser, code: string, actor: Actor, ip: string) {
      const row = await enabledRow(user.id);
      if (!row) throw errors.conflict('TWO_FACTOR_OFF', '尚未啟用兩步驟驗證');
      await blocked(user.id);
      await checkEnabled(row, code, { actor, ip });
      const recoveryCodes = await issueRecoveryCodes(user.id, user.clinicId);
      await recordAudit(deps.db, deps.clock, {
        clinicId: user.clinicId,
        actor,
        action: 'account.recovery_codes_regenerated',
        entityType: 'staff_user',
        entityId: user.id,
        ip,
      });
      return { recoveryCodes };
    },

    /** Turns two-factor login off after a current code; refused when the clinic requires it. */
    async disable(user: LoginUser, code: string, actor: Actor, ip: string) {
      const row = await enabledRow(user.id);
      if (!row) throw errors.conflict('TWO_FACTOR_OFF', '尚未啟用兩步驟驗證');
      if (await required(user))
        throw errors.conflict('TWO_FACTOR_REQUIRED', '診所要求所有人員使用兩步驟驗證，無法停用');
      await blocked(user.id);
      await checkEnabled(row, code, { actor, ip });
      await repo.remove(user.id);
      await recordAudit(deps.db, deps.clock, {
        clinicId: user.clinicId,
        actor,
        action: 'account.two_factor_disabled',
        entityType: 'staff_user',
        entityId: user.id,
        ip,
      });
    },

    /**
     * An admin clears a staff member's two-factor login (lost phone and codes): they set it up
     * again at their next login when the clinic requires it. The caller checks the clinic.
     */
    async reset(clinicId: string, userId: string, actor: Actor, ip: string) {
      await repo.remove(userId);
      await resetLimit(deps.db, `2fa:fail:${userId}`);
      await recordAudit(deps.db, deps.clock, {
        clinicId,
        actor,
        action: 'staff.two_factor_reset',
        entityType: 'staff_user',
        entityId: userId,
        ip,
      });
    },

    enabledIn: (clinicId: string) => repo.enabledIn(clinicId),

    async saveSettings(clinicId: string, input: { requireTwoFactor: boolean }, actor: Actor, ip: string) {
      const before = await repo.requireTwoFactor(clinicId);
      await repo.saveSettings(clinicId, input.requireTwoFactor, actor.label, now().toISOString());
      if (before !== input.requireTwoFactor)
        await recordAudit(deps.db, deps.clock, {
          clinicId,
          actor,
          action: 'security.settings_updated',
          entityType: 'clinic',
          entityId: clinicId,
          detail: { change: { requireTwoFactor: input.requireTwoFactor } },
          ip,
        });
      return settings(clinicId);
    },

    /** Seeds a known secret (demo logins only: docs/contracts.md "Demo logins"). */
    async seedSecret(user: LoginUser, secret: string) {
      if (await enabledRow(user.id)) return;
      const at = now().toISOString();
      await repo.putPending({
        user_id: user.id,
        clinic_id: user.clinicId,
        secret_enc: deps.crypto.encrypt(secret),
        enabled_at: at,
        last_step: 0,
        created_at: at,
        updated_at: at,
      });
    },
  };
}
