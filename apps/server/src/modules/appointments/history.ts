// An appointment's history in words: each entry says what changed, from what to what, and who
// or what changed it — 「看診時間：5/4（一）09:30 → 5/6（三）14:00（HIS）」, 「回覆：尚未回覆 → 確認赴約
// （病患於 LINE 確認）」. Pure: the caller passes the clinic's time zone and the doctors' names.
import { localParts, shortDate } from '../../platform/time.ts';
import { labelOf } from '../status/lights.ts';

export type Change = { field: string; from: unknown; to: unknown };

export type HistoryInput = {
  version: number | null;
  source: string;
  actorLabel: string;
  oldStatus: string | null;
  newStatus: string;
  changedFields: string[];
  /** Null on entries written before the values were kept: only the field names are known. */
  changes: Change[] | null;
  reason: string | null;
};

export type HistoryContext = { timeZone: string; doctorNames: Map<string, string> };

const FIELD_LABELS: Record<string, string> = {
  startsAt: '看診時間',
  doctorId: '醫師',
  patientId: '病患',
  visitType: '門診類別',
  durationMinutes: '預計時間',
  status: '狀態',
  note: 'HIS 備註',
  treatmentCodes: '處置代碼',
  reply: '回覆',
};

const NONE = '（無）';

// A patient's answer in a sentence reads better as what the patient asked for.
const REPLY_WORDS: Record<string, string> = {
  not_sent: '尚未提醒',
  awaiting_reply: '尚未回覆',
  confirmed: '確認赴約',
  cancel_requested: '要求取消',
  reschedule_requested: '要求改期',
};

function when(value: unknown, timeZone: string): string {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) return NONE;
  const l = localParts(new Date(value), timeZone);
  return `${shortDate(l.date)} ${l.time}`;
}

function valueText(field: string, value: unknown, ctx: HistoryContext): string {
  if (value === null || value === undefined || value === '') return NONE;
  switch (field) {
    case 'startsAt':
      return when(value, ctx.timeZone);
    case 'doctorId':
      return ctx.doctorNames.get(String(value)) ?? String(value);
    case 'durationMinutes':
      return `${Number(value)} 分鐘`;
    case 'status':
      return labelOf('status', String(value)) ?? String(value);
    case 'reply':
      return REPLY_WORDS[String(value)] ?? String(value);
    case 'note':
      return `「${String(value)}」`;
    case 'treatmentCodes':
      return Array.isArray(value) ? value.map(String).join('、') || NONE : String(value);
    default:
      return String(value);
  }
}

/** Who or what made the change, as the front desk says it; `to` refines a patient's answer. */
export function sourceText(source: string, actorLabel: string, change?: Change): string {
  switch (source) {
    case 'his':
      return 'HIS';
    case 'patient': {
      if (change?.field === 'reply') {
        const verb: Record<string, string> = {
          confirmed: '確認',
          cancel_requested: '申請',
          reschedule_requested: '申請',
          awaiting_reply: '撤回申請',
        };
        const v = verb[String(change.to)];
        if (v) return `病患於 LINE ${v}`;
      }
      return '病患於 LINE';
    }
    case 'staff':
      return `櫃台 ${actorLabel}`;
    default:
      return actorLabel && actorLabel !== 'system' ? actorLabel : '系統';
  }
}

/** The lines of one history entry, each a complete sentence a person can read. */
export function describeHistory(h: HistoryInput, ctx: HistoryContext): string[] {
  const by = (c?: Change) => `（${sourceText(h.source, h.actorLabel, c)}）`;
  const why = h.reason ? `・${h.reason}` : '';
  if (h.oldStatus === null) {
    const v = new Map((h.changes ?? []).map((c) => [c.field, c.to]));
    const parts = [
      v.has('startsAt') ? when(v.get('startsAt'), ctx.timeZone) : null,
      v.has('doctorId') ? valueText('doctorId', v.get('doctorId'), ctx) : null,
      v.get('visitType') ? String(v.get('visitType')) : null,
    ].filter((x): x is string => x !== null);
    const status = labelOf('status', h.newStatus) ?? h.newStatus;
    return [`建立預約：${[...parts, status].join('・')}${by()}`];
  }
  if (h.changes) {
    const lines = h.changes.map((c) => {
      const field = FIELD_LABELS[c.field] ?? c.field;
      return `${field}：${valueText(c.field, c.from, ctx)} → ${valueText(c.field, c.to, ctx)}${by(c)}`;
    });
    if (!lines.length) return [`HIS 重送相同內容，沒有變更${by()}`];
    lines[lines.length - 1] += why;
    return lines;
  }
  // Entries written before the values were kept: the status change and the names of the fields.
  const lines: string[] = [];
  if (h.oldStatus !== h.newStatus)
    lines.push(`狀態：${valueText('status', h.oldStatus, ctx)} → ${valueText('status', h.newStatus, ctx)}${by()}`);
  const others = h.changedFields.filter((f) => f !== 'status').map((f) => FIELD_LABELS[f] ?? f);
  if (others.length) lines.push(`變更了${others.join('、')}${by()}`);
  if (!lines.length) lines.push(`沒有變更${by()}`);
  lines[lines.length - 1] += why;
  return lines;
}
