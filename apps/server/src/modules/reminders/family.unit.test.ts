import type { messagingApi } from '@line/bot-sdk';
import { describe, expect, it } from 'vitest';
import { familyAltText, familyMessages } from './family.ts';
import { SAMPLE_VARS, renderReminder, BUILT_IN_TEMPLATES } from './templates.ts';

const tokens = { confirm: 'rm1.a.c.x.s', cancel: 'rm1.a.x.x.s', reschedule: 'rm1.a.r.x.s' };
const bubble = (patientName: string, preparation = '') =>
  renderReminder(BUILT_IN_TEMPLATES[0].body, { ...SAMPLE_VARS, patientName, preparation }, tokens);

describe('combined family reminders: message', () => {
  it('names the count, then each member with the visit in the clinic time zone', () => {
    expect(
      familyAltText(
        '晴光牙醫',
        [
          { patientName: '陳小明', startsAt: '2026-03-13T01:00:00.000Z' },
          { patientName: '陳小華', startsAt: '2026-03-13T01:30:00.000Z' },
        ],
        'Asia/Taipei',
      ),
    ).toBe('【晴光牙醫】2 位家人的看診提醒：陳小明 3/13 09:00、陳小華 3/13 09:30');
  });

  it('keeps the notification text within 400 characters', () => {
    const visits = Array.from({ length: 12 }, () => ({
      patientName: '王'.repeat(40),
      startsAt: '2026-03-13T01:00:00Z',
    }));
    const t = familyAltText('康'.repeat(40), visits, 'Asia/Taipei');
    expect([...t]).toHaveLength(400);
    expect(t.startsWith(`【${'康'.repeat(40)}】12 位家人的看診提醒：`)).toBe(true);
    expect(t.endsWith('…')).toBe(true);
  });

  it('one carousel of the bubbles; split only past LINE’s 50 KB', () => {
    const two = familyMessages([bubble('陳小明'), bubble('陳小華')], 'alt');
    expect(two).toHaveLength(1);
    const c = two[0].contents as messagingApi.FlexCarousel;
    expect(c.type).toBe('carousel');
    expect(c.contents).toHaveLength(2);
    expect(JSON.stringify(c.contents[0].header)).toContain('"text":"1/2"');
    expect(JSON.stringify(c.contents[1].header)).toContain('"text":"2/2"');
    expect(two[0].altText).toBe('alt');
    // Twelve bubbles with very long texts: over 50 KB in one carousel.
    const big = familyMessages(
      Array.from({ length: 12 }, (_, i) => bubble(`病患${i}`, '準'.repeat(1500))),
      'alt',
    );
    expect(big.length).toBeGreaterThan(1);
    for (const m of big) expect(Buffer.byteLength(JSON.stringify(m.contents))).toBeLessThanOrEqual(50_000);
    expect(big.flatMap((m) => (m.contents as messagingApi.FlexCarousel).contents)).toHaveLength(12);
  });
});
