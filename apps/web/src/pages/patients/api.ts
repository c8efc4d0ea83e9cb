// Types (from the OpenAPI document) and small helpers of the patient-list API (/api/patients,
// /api/tags, /api/segments, /api/recall-rules, /api/recalls).
import { useEffect, useState } from 'react';
import type { ApiBody, ApiQuery, ApiResponse, Schema } from '../../api.ts';

export type PatientItem = Schema<'PatientListItem'>;
export type PatientDetail = Schema<'PatientDetail'>;
/** A patient search: the list's filters, a segment's conditions and an export's filter. */
export type PatientFilter = ApiBody<'/api/segments/preview', 'post'>['conditions'];
export type Transfer = Schema<'PatientTransfer'>;
/** An import's first answer: the transfer and what the file holds. */
export type ImportPreview = ApiResponse<'/api/patients/imports', 'post'>;
export type MergeSide = ApiResponse<'/api/patients/merge-compare'>['a'];
export type RecallRule = ApiResponse<'/api/recall-rules'>['items'][number];

export const LINE_COLORS: Record<string, string> = { bound: 'green', unbound: 'default', blocked: 'red' };
export const LINE_OPTIONS = [
  { value: 'bound', label: 'LINE 已綁定' },
  { value: 'unbound', label: 'LINE 未綁定' },
  { value: 'blocked', label: '被封鎖' },
];
export const GENDER_LABEL: Record<string, string> = { male: '男', female: '女', other: '其他', unknown: '不明' };
export const SOURCE_LABEL: Record<string, string> = { his: 'HIS', manual: '後台新增', import: '匯入' };
export const REASON_LABEL: Record<string, string> = {
  national_id: '身分證字號相同',
  chart_no: '病歷號相同',
  phone_name: '電話相同且姓名相近',
};

/** The filter as query-string values for GET /api/patients. */
export function filterQuery(f: PatientFilter): ApiQuery<'/api/patients'> {
  const { tagIds, lineStatus, ...rest } = f;
  return {
    ...rest,
    tagIds: tagIds?.length ? tagIds.join(',') : undefined,
    lineStatus: lineStatus?.length ? lineStatus.join(',') : undefined,
  };
}

/** Strips empty values (a segment's conditions are stored as given). */
export function cleanFilter(f: PatientFilter): PatientFilter {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length)) continue;
    out[k] = v;
  }
  return out as PatientFilter;
}

/** A form's text as the API takes it: trimmed, and null (none) when empty. */
export const textOrNull = (v: string | null | undefined): string | null => v?.trim() || null;

export function useDebounced<T>(value: T, ms = 250): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}
