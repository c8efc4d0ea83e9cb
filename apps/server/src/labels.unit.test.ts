import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobDefinitions } from './jobs.ts';
import {
  ACTION_GROUP_LABELS,
  AUDIT_ACTION_LABELS,
  DETAIL_FIELD_LABELS,
  describeDetail,
  entityIdLabel,
  ENTITY_TYPE_LABELS,
  JOB_STATUS_LABELS,
  JOB_TYPE_LABELS,
} from './labels.ts';

const SRC = import.meta.dirname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'testing' || name === 'migrations' ? [] : sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

/** The argument text of every recordAudit(…) call in the server's code, with where it is. */
function auditCalls(): { where: string; text: string }[] {
  const calls: { where: string; text: string }[] = [];
  for (const file of sources(SRC)) {
    const code = readFileSync(file, 'utf8');
    for (const m of code.matchAll(/\brecordAudit\(/g)) {
      let depth = 0;
      let end = m.index + m[0].length - 1;
      for (; end < code.length; end++) {
        if (code[end] === '(') depth++;
        else if (code[end] === ')' && --depth === 0) break;
      }
      const line = code.slice(0, m.index).split('\n').length;
      calls.push({ where: `${relative(SRC, file)}:${line}`, text: code.slice(m.index, end + 1) });
    }
  }
  return calls.filter((c) => !c.text.startsWith('recordAudit(db: '));
}

/** Codes written in a property of the calls: string literals, and template literals as patterns. */
function codesOf(property: string): { where: string; code: string | RegExp }[] {
  const out: { where: string; code: string | RegExp }[] = [];
  for (const c of auditCalls()) {
    const m = new RegExp(`\\b${property}:\\s*([^\\n]+)`).exec(c.text);
    if (!m) continue;
    // Up to the next property of the same object literal (a one-line call has several).
    const value = m[1].split(/,\s*[A-Za-z_]\w*\s*:/)[0];
    for (const s of value.matchAll(/'([a-z_.]+)'/g)) out.push({ where: c.where, code: s[1] });
    for (const t of value.matchAll(/`([^`]+)`/g))
      out.push({
        where: c.where,
        code: new RegExp(`^${t[1].replace(/\./g, '\\.').replace(/\$\{[^}]*\}/g, '[a-z_]+')}$`),
      });
  }
  return out;
}

const missing = (found: { where: string; code: string | RegExp }[], labels: Record<string, string>) =>
  found
    .filter(({ code }) =>
      typeof code === 'string' ? !(code in labels) : !Object.keys(labels).some((k) => code.test(k)),
    )
    .map(({ where, code }) => `${where}: ${String(code)}`);

describe('labels', () => {
  it('finds the audit calls of the code (the scan itself works)', () => {
    const actions = codesOf('action');
    expect(actions.length).toBeGreaterThan(50);
    expect(actions.some((a) => a.code === 'staff.invited')).toBe(true);
    expect(actions.some((a) => a.code instanceof RegExp && a.code.test('appointment.answer_confirm'))).toBe(true);
  });

  it('every audit action written by the code has a zh-TW label (add it to labels.ts)', () => {
    expect(missing(codesOf('action'), AUDIT_ACTION_LABELS)).toEqual([]);
  });

  it('every family of actions (the part before the dot) has a zh-TW label for the filter', () => {
    const groups = new Set(Object.keys(AUDIT_ACTION_LABELS).map((a) => a.split('.')[0]));
    expect([...groups].filter((g) => !(g in ACTION_GROUP_LABELS))).toEqual([]);
  });

  it('every entity type written by the code has a zh-TW label (add it to labels.ts)', () => {
    expect(missing(codesOf('entityType'), ENTITY_TYPE_LABELS)).toEqual([]);
  });

  it('every field of a literal audit detail has a zh-TW label (add it to labels.ts)', () => {
    const unlabelled: string[] = [];
    const seen = new Set<string>();
    for (const c of auditCalls()) {
      const m = /\bdetail:\s*\{/.exec(c.text);
      if (!m) continue;
      // The top-level keys of the object literal: `key:` and shorthand `key,` / `key }`.
      let depth = 0;
      let body = '';
      for (const ch of c.text.slice(m.index + m[0].length - 1)) {
        if (ch === '{' || ch === '[' || ch === '(') depth++;
        if (ch === '}' || ch === ']' || ch === ')') depth--;
        if (depth === 0) break;
        if (depth === 1) body += ch;
      }
      for (const k of body.matchAll(/(?:^|[{,]\s*)(\.\.\.)?([A-Za-z_$][\w$]*)(?=\s*[:,}]|\s*$)/g)) {
        if (k[1]) continue; // a spread: its keys are not known here
        seen.add(k[2]);
        if (!['before', 'change', 'from', 'to'].includes(k[2]) && !(k[2] in DETAIL_FIELD_LABELS))
          unlabelled.push(`${c.where}: ${k[2]}`);
      }
    }
    expect(seen.size).toBeGreaterThan(30);
    expect(unlabelled).toEqual([]);
  });

  it('every job type of the worker registry and every job status has a zh-TW label', () => {
    const types = jobDefinitions().map((d) => d.type);
    expect(types.length).toBeGreaterThan(5);
    expect(types.filter((t) => !(t in JOB_TYPE_LABELS))).toEqual([]);
    expect(Object.keys(JOB_STATUS_LABELS).sort()).toEqual(['dead', 'done', 'pending', 'running']);
  });

  it('labels are zh-TW text, never the code itself', () => {
    for (const map of [
      AUDIT_ACTION_LABELS,
      ACTION_GROUP_LABELS,
      ENTITY_TYPE_LABELS,
      JOB_TYPE_LABELS,
      DETAIL_FIELD_LABELS,
    ])
      for (const [code, label] of Object.entries(map)) {
        expect(label, code).not.toBe(code);
        expect(label, code).toMatch(/[\u4e00-\u9fff]/);
      }
  });
});

describe('entityIdLabel', () => {
  it('names a rich menu by its kind, and leaves other ids as they are', () => {
    expect(entityIdLabel('rich_menu', 'bound')).toBe('已綁定者的選單');
    expect(entityIdLabel('patient', '0196a1b2')).toBe('0196a1b2');
    expect(entityIdLabel('patient', null)).toBe(null);
  });
});

describe('describeDetail', () => {
  it('turns a before/change pair into one line per changed field, codes as words', () => {
    expect(
      describeDetail('staff.updated', {
        before: { name: '陳怡君', role: 'front_desk', status: 'active' },
        change: { role: 'admin', status: 'disabled' },
      }),
    ).toEqual([
      { label: '角色', value: '櫃台人員 → 管理者' },
      { label: '狀態', value: '啟用中 → 已停用' },
    ]);
  });

  it("calls a person's name 姓名 and anything else's 名稱", () => {
    expect(describeDetail('staff.updated', { change: { name: '陳怡君' } }, 'staff_user')).toEqual([
      { label: '姓名', value: '陳怡君' },
    ]);
    expect(describeDetail('patient.updated', { fields: ['name'] }, 'patient')).toEqual([
      { label: '修改的欄位', value: '姓名' },
    ]);
    expect(describeDetail('tag.created', { name: '植牙' }, 'tag')).toEqual([{ label: '名稱', value: '植牙' }]);
  });

  it("reads an answer's reply light change and its source", () => {
    expect(
      describeDetail('appointment.answer_confirm', { source: 'patient', from: 'awaiting_reply', to: 'confirmed' }),
    ).toEqual([
      { label: '回覆', value: '尚未回覆 → 確認赴約' },
      { label: '來源', value: '病患（LINE）' },
    ]);
  });

  it('shows appointment statuses, booleans, numbers, field lists and empty values in words', () => {
    expect(
      describeDetail('appointment.updated', {
        version: 3,
        status: 'booked',
        sandbox: false,
        fields: ['name', 'phone'],
        note: null,
        items: 1200,
      }),
    ).toEqual([
      { label: '版本', value: '3' },
      { label: '狀態', value: '已預約' },
      { label: '沙盒', value: '否' },
      { label: '修改的欄位', value: '名稱、電話' },
      { label: '備註', value: '（無）' },
      { label: '筆數', value: '1,200' },
    ]);
  });

  it('counts long id lists and spells out nested filters', () => {
    const ids = ['0196a1b2-0000-7000-8000-000000000001', '0196a1b2-0000-7000-8000-000000000002'];
    expect(describeDetail('binding.bound', { patients: ids })).toEqual([{ label: '病患', value: '2 筆' }]);
    expect(describeDetail('patient.list', { filter: { q: '小明', line: 'bound' } })).toEqual([
      { label: '篩選條件', value: '關鍵字：小明，LINE 狀態：LINE綁定' },
    ]);
  });

  it('gives nothing for an empty or broken detail', () => {
    expect(describeDetail('auth.login', {})).toEqual([]);
    expect(describeDetail('auth.login', null)).toEqual([]);
  });
});
