// Normalises and validates a patient from the HIS. Every bad field is reported at once with a
// zh-TW message; nothing is stored when any field is bad.
import type { Crypto } from '../../platform/crypto.ts';
import { errors, type ErrorDetail } from '../../platform/errors.ts';
import {
  checkBirthDate,
  checkNationalId,
  checkPersonName,
  maskNationalId,
  normalizeTwPhone,
  type PhoneKind,
} from '../../platform/tw.ts';

export type PatientInput = {
  name: string;
  phone?: string | null;
  birthDate?: string | null;
  nationalId?: string | null;
  chartNo?: string | null;
  gender?: 'male' | 'female' | 'other' | 'unknown' | null;
};

/** Column values for the fields present in the input (absent = keep stored value, null = clear). */
export type PatientColumns = {
  name: string;
  chart_no?: string | null;
  gender?: string | null;
  birth_date?: string | null;
  phone_e164?: string | null;
  phone_is_mobile?: number;
  phone_hash?: string | null;
  national_id_enc?: string | null;
  national_id_hash?: string | null;
  national_id_masked?: string | null;
};

export function normalizePatient(
  input: PatientInput,
  today: string,
  crypto: Crypto,
): { columns: PatientColumns; phoneKind: PhoneKind | null } {
  const details: ErrorDetail[] = [];
  const cols: Partial<PatientColumns> = {};
  let phoneKind: PhoneKind | null = null;

  const name = checkPersonName(input.name);
  if (name.ok) cols.name = name.value;
  else details.push({ field: 'name', code: 'name', message: name.message });

  if (input.phone !== undefined) {
    const p = input.phone === null ? '' : input.phone.trim();
    if (p === '') Object.assign(cols, { phone_e164: null, phone_is_mobile: 0, phone_hash: null });
    else {
      const r = normalizeTwPhone(p);
      if (r.ok) {
        phoneKind = r.value.kind;
        Object.assign(cols, {
          phone_e164: r.value.e164,
          phone_is_mobile: r.value.kind === 'mobile' ? 1 : 0,
          phone_hash: crypto.lookupHash(r.value.e164),
        });
      } else details.push({ field: 'phone', code: 'phone', message: r.message });
    }
  }

  if (input.nationalId !== undefined) {
    const v = input.nationalId === null ? '' : input.nationalId.trim();
    if (v === '') Object.assign(cols, { national_id_enc: null, national_id_hash: null, national_id_masked: null });
    else {
      const r = checkNationalId(v);
      if (r.ok)
        Object.assign(cols, {
          national_id_enc: crypto.encrypt(r.value.id),
          national_id_hash: crypto.lookupHash(r.value.id),
          national_id_masked: maskNationalId(r.value.id),
        });
      else details.push({ field: 'nationalId', code: 'national_id', message: r.message });
    }
  }

  if (input.birthDate !== undefined) {
    const v = input.birthDate === null ? '' : input.birthDate.trim();
    if (v === '') cols.birth_date = null;
    else {
      const r = checkBirthDate(v, today);
      if (r.ok) cols.birth_date = r.value;
      else details.push({ field: 'birthDate', code: 'birth_date', message: r.message });
    }
  }

  if (input.chartNo !== undefined)
    cols.chart_no = input.chartNo === null || input.chartNo.trim() === '' ? null : input.chartNo.trim();
  if (input.gender !== undefined) cols.gender = input.gender;

  if (details.length) throw errors.validation(details, '病患資料有誤，請檢查標示的欄位；此筆資料未儲存');
  return { columns: cols as PatientColumns, phoneKind };
}
