// The 提醒規則 page's document helpers: a rule keeps only the keys of its kind, skip weekdays
// are stored sorted, and the server's field errors are found under a rule or override.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api.ts';
import { cleanRule, errorsUnder, fieldErrorsOf, newRuleId, stripped, whenLabel, type Rule } from './rules-model.ts';

const rule: Rule = {
  id: 'before-48h',
  kind: 'hours_before',
  name: '看診前 48 小時提醒',
  enabled: true,
  hours: 48,
  days: 3,
  at: '10:00',
  mode: 'at',
  essential: true,
  shift: true,
  skipWeekdays: [6, 0],
  visitTypes: [],
  templateId: 'default',
};

describe('rules model', () => {
  it('keeps only the keys a kind uses and sorts skip weekdays', () => {
    expect(cleanRule(rule)).toEqual({
      id: 'before-48h',
      kind: 'hours_before',
      name: '看診前 48 小時提醒',
      enabled: true,
      hours: 48,
      essential: true,
      shift: true,
      skipWeekdays: [0, 6],
      templateId: 'default',
    });
    const days = cleanRule({ ...rule, kind: 'days_before', skipWeekdays: [] });
    expect(days).toMatchObject({ days: 3, at: '10:00' });
    expect('hours' in days || 'skipWeekdays' in days || 'mode' in days).toBe(false);
    expect(cleanRule({ ...rule, kind: 'booking', mode: 'immediate' })).not.toHaveProperty('at');
    expect(whenLabel(rule)).toBe('看診前 48 小時');
  });

  it('finds free rule ids and drops read-only explanations', () => {
    expect(newRuleId('hours_before', ['hours-2'])).toBe('hours-3');
    const s = stripped({
      rules: [{ ...rule, explanation: 'x' }],
      overrides: [],
      quietHours: { enabled: true, start: '21:00', end: '08:00' },
      shiftAt: '09:00',
      mergeWindowMinutes: 60,
      smsFallback: true,
      monthlyCap: null,
      preparations: {},
    });
    expect(s.rules[0]).not.toHaveProperty('explanation');
    // The notes are edited on the 訊息範本 page; the rules save leaves them as stored.
    expect(s).not.toHaveProperty('preparations');
  });

  it('groups the server’s field errors by path', () => {
    const errs = fieldErrorsOf(
      new ApiError(422, 'VALIDATION_FAILED', '提醒規則有誤，未儲存', [
        { field: 'rules.1.hours', message: 'a' },
        { field: 'rules.10.id', message: 'b' },
        { field: 'overrides.0', message: 'c' },
      ]),
    );
    expect(errorsUnder(errs, 'rules.1')).toEqual(['a']);
    expect(errorsUnder(errs, 'overrides.0')).toEqual(['c']);
    expect(fieldErrorsOf(new Error('x'))).toEqual({});
  });
});
