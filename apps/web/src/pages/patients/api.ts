// Types and small helpers of the patient-list API (/api/patients, /api/tags, /api/segments,
// /api/recall-rules, /api/recalls).
import { useEffect, useState } from 'react';

export type TagRef = { id: string; name: string; color: string; source: string };
export type PatientItem = {
  id: string;
  hisId: string;
  name: string;
  chartNo: string | null;
  phoneMasked: string | null;
  birthDate: string | null;
  gender: string | null;
  source: string;
  line: { code: string; label: string; friends: { lineUserId: string; displayName: string; state: string }[] };
  lastVisitAt: string | null;
  nextVisitAt: string | null;
  tags: TagRef[];
};
export type PatientPage = { items: PatientItem[]; total: number; totalCapped: boolean; page: number; pageSize: number };
export type PatientDetail = PatientItem & {
  nationalIdMasked: string | null;
  phoneType: string | null;
  notes: string;
  noShowCount: number;
  mergedInto: string | null;
  hisOwnedFields: string[];
  createdAt: string;
  updatedAt: string;
  family: { id: string; name: string; chartNo: string | null; birthDate: string | null }[];
  appointments: {
    id: string;
    hisId: string;
    startsAt: string;
    visitType: string | null;
    status: string;
    statusLabel: string;
    doctorName: string;
  }[];
  messages: { id: number; lineUserId: string; direction: string; kind: string; text: string; createdAt: string }[];
  audit: { id: number; actor: string; action: string; detail: unknown; createdAt: string }[];
  merges: {
    id: string;
    survivorId: string;
    mergedId: string;
    createdAt: string;
    undoUntil: string;
    undoneAt: string | null;
  }[];
};
export type Tag = {
  id: string;
  name: string;
  color: string;
  kind: 'manual' | 'auto';
  rule: Record<string, unknown> | null;
  recomputedAt: string | null;
  count: number;
};
export type PatientFilter = {
  q?: string;
  name?: string;
  phone?: string;
  chartNo?: string;
  nationalId?: string;
  birthDate?: string;
  ageMin?: number;
  ageMax?: number;
  gender?: string;
  tagIds?: string[];
  lineStatus?: string[];
  lastVisitDaysAgo?: number;
  lastVisitBefore?: string;
  hasNextVisit?: boolean;
  visitType?: string;
  treatmentCode?: string;
  noShowMin?: number;
};
export type Segment = { id: string; name: string; conditions: PatientFilter; updatedAt: string; count?: number };
export type Transfer = {
  id: string;
  kind: string;
  format: string;
  filename: string;
  status: string;
  total: number;
  processed: number;
  imported: number;
  failed: number;
  progress: number;
  errors: { row: number; field: string; message: string }[];
  valid?: number;
  unknownHeaders?: string[];
  sample?: { row: number; name: string; phone: string; chartNo: string; birthDate: string; ok: boolean }[];
};
export type MergeSide = {
  id: string;
  hisId: string;
  name: string;
  chartNo: string | null;
  gender: string | null;
  birthDate: string | null;
  phoneMasked: string | null;
  nationalIdMasked: string | null;
  source: string;
  appointments: number;
  lineBound: number;
};
export type RecallRule = {
  id: string;
  name: string;
  kind: string;
  visitType: string | null;
  intervalDays: number;
  message: string;
  button: string;
  enabled: boolean;
};
export type RecallItem = {
  id: string;
  patientId: string;
  patientName: string;
  chartNo: string | null;
  phoneMasked: string | null;
  lineStatus: string;
  ruleName: string;
  basisVisitAt: string;
  dueDate: string;
  status: string;
  statusLabel: string;
  channel: string | null;
  outcome: string | null;
  outcomeBy: string | null;
  note: string;
};

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
export function filterQuery(f: PatientFilter): Record<string, string | number | boolean | undefined> {
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

export function useDebounced<T>(value: T, ms = 250): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}
