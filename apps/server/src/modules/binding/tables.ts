// Kysely table types of patient binding: codes, bindings and consents (migration 0020_binding.ts).
import type { Generated } from 'kysely';

export interface OtpCodesTable {
  clinic_id: string;
  phone_hash: string;
  line_user_id: string;
  code_hash: string;
  attempts: number;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
}

export interface LineBindingsTable {
  clinic_id: string;
  line_user_id: string;
  patient_id: string;
  phone_hash: string;
  phone_masked: string;
  created_at: string;
}

export interface BindingConsentsTable {
  id: Generated<number>;
  clinic_id: string;
  line_user_id: string;
  phone_hash: string;
  notice_version: string;
  ip: string;
  created_at: string;
}

/** A patient offered to a bound LINE user who proved the same phone (offered → accepted | declined). */
export interface FamilyOffersTable {
  id: string;
  clinic_id: string;
  patient_id: string;
  line_user_id: string;
  status: string;
  offered_at: string;
  answered_at: string | null;
}

export interface BindingTables {
  family_offers: FamilyOffersTable;
  otp_codes: OtpCodesTable;
  line_bindings: LineBindingsTable;
  binding_consents: BindingConsentsTable;
}
