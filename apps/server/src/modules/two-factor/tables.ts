// Two-factor login's tables (owned by this module).
export interface StaffTwoFactorTable {
  user_id: string;
  clinic_id: string | null;
  /** The TOTP secret (base32), sealed with ENCRYPTION_KEY (platform/crypto.ts). */
  secret_enc: string;
  /** null while the set-up waits for the first correct code. */
  enabled_at: string | null;
  /** The last 30-second step a code was accepted for: a code is never accepted twice. */
  last_step: number;
  created_at: string;
  updated_at: string;
}

export interface StaffRecoveryCodesTable {
  id: string;
  user_id: string;
  clinic_id: string | null;
  /** Keyed hash (crypto.lookupHash) of the normalised code; the code itself is shown once. */
  code_hash: string;
  used_at: string | null;
  created_at: string;
}

export interface LoginChallengesTable {
  /** SHA-256 of the challenge token handed to the browser between password and code. */
  id: string;
  user_id: string;
  clinic_id: string | null;
  /** verify: the user has two-factor login; enrol: they must set it up before going in. */
  purpose: string;
  /** enrol only: the new secret offered in this login, sealed. */
  secret_enc: string | null;
  attempts: number;
  expires_at: string;
  created_at: string;
}

export interface ClinicSecuritySettingsTable {
  clinic_id: string;
  require_two_factor: number;
  updated_by: string;
  updated_at: string;
}

export interface TwoFactorTables {
  staff_two_factor: StaffTwoFactorTable;
  staff_recovery_codes: StaffRecoveryCodesTable;
  login_challenges: LoginChallengesTable;
  clinic_security_settings: ClinicSecuritySettingsTable;
}
