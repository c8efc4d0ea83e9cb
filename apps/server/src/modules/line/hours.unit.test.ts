import { describe, expect, it } from 'vitest';
import { describeHours, failedAnswerReply, handOffReply, isOpen, nextOpening } from './hours.ts';

const weekdays = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, open: '09:00', close: '18:00' }));
const split = [1, 2, 3, 4, 5, 6].flatMap((d) => [
  { weekday: d, open: '14:00', close: '17:30' },
  { weekday: d, open: '09:00', close: '12:00' },
]);

describe('business hours in words', () => {
  it('groups consecutive days with the same hours, Monday first', () => {
    expect(describeHours(weekdays)).toBe('週一至週五 9:00–18:00');
    expect(describeHours(split)).toBe('週一至週六 9:00–12:00、14:00–17:30');
    expect(
      describeHours([
        ...weekdays,
        { weekday: 6, open: '09:00', close: '12:00' },
        { weekday: 0, open: '09:00', close: '12:00' },
      ]),
    ).toBe('週一至週五 9:00–18:00；週六、日 9:00–12:00');
    expect(describeHours([{ weekday: 3, open: '08:30', close: '12:00' }])).toBe('週三 8:30–12:00');
  });

  it('open or not in the clinic time zone, whatever the server time zone', () => {
    // Friday 2026-12-04 10:00 in Taipei is 02:00 UTC
    expect(isOpen(weekdays, 'Asia/Taipei', new Date('2026-12-04T02:00:00Z'))).toBe(true);
    expect(isOpen(weekdays, 'Asia/Taipei', new Date('2026-12-04T10:30:00Z'))).toBe(false); // 18:30
    expect(isOpen(weekdays, 'Asia/Taipei', new Date('2026-12-05T02:00:00Z'))).toBe(false); // Saturday
  });
});

describe('when a person will answer', () => {
  const clinic = { businessHours: split, timeZone: 'Asia/Taipei', phone: '02-2700-1234' };
  it('names the next opening: later today, tomorrow, or a weekday', () => {
    // Friday 2026-12-04 12:30 in Taipei → today 14:00
    expect(nextOpening(split, 'Asia/Taipei', new Date('2026-12-04T04:30:00Z'))).toBe('今天 14:00');
    // Friday 20:00 → Saturday 9:00
    expect(nextOpening(split, 'Asia/Taipei', new Date('2026-12-04T12:00:00Z'))).toBe('明天（週六）9:00');
    // Saturday 18:00 → Monday 9:00 (closed on Sunday)
    expect(nextOpening(split, 'Asia/Taipei', new Date('2026-12-05T10:00:00Z'))).toBe('週一 9:00');
    expect(nextOpening([], 'Asia/Taipei', new Date('2026-12-05T05:00:00Z'))).toBeNull();
  });

  it('the hand-off reply promises a person, by business hours', () => {
    expect(handOffReply(clinic, new Date('2026-12-04T02:00:00Z'))).toBe(
      '好的，已為您轉接櫃台人員，櫃台人員將盡快回覆您，請稍候。如有急事請來電 02-2700-1234。',
    );
    expect(handOffReply(clinic, new Date('2026-12-04T12:00:00Z'))).toBe(
      '好的，已為您轉接櫃台人員。目前非服務時間（週一至週六 9:00–12:00、14:00–17:30），' +
        '櫃台人員將於明天（週六）9:00 上班後回覆您。如有急事請來電 02-2700-1234。',
    );
    expect(failedAnswerReply({ ...clinic, phone: '' }, new Date('2026-12-04T02:00:00Z'))).toBe(
      '已收到您的訊息，這個問題需要由櫃台人員回覆。櫃台人員將盡快回覆您。',
    );
  });
});
