// The history tab says in words what changed, from what to what, and who changed it.
import { describe, expect, it } from 'vitest';
import { describeHistory, type HistoryInput } from './history.ts';

const ctx = {
  timeZone: 'Asia/Taipei',
  doctorNames: new Map([
    ['D01', '陳建志'],
    ['D02', '林怡伶'],
  ]),
};
const entry = (over: Partial<HistoryInput>): HistoryInput => ({
  version: 2,
  source: 'his',
  actorLabel: '示範 HIS',
  oldStatus: 'booked',
  newStatus: 'booked',
  changedFields: [],
  changes: [],
  reason: null,
  ...over,
});

describe('describeHistory', () => {
  it('a patient confirming in LINE', () => {
    expect(
      describeHistory(
        entry({
          source: 'patient',
          actorLabel: '病患本人（LINE）',
          changedFields: ['reply'],
          changes: [{ field: 'reply', from: 'awaiting_reply', to: 'confirmed' }],
        }),
        ctx,
      ),
    ).toEqual(['回覆：尚未回覆 → 確認赴約（病患於 LINE 確認）']);
  });

  it('the HIS moving the visit, in the clinic’s time zone whatever offset the HIS wrote', () => {
    expect(
      describeHistory(
        entry({
          changedFields: ['startsAt', 'doctorId'],
          changes: [
            { field: 'startsAt', from: '2026-05-04T09:30:00+08:00', to: '2026-05-06T06:00:00Z' },
            { field: 'doctorId', from: 'D01', to: 'D02' },
          ],
        }),
        ctx,
      ),
    ).toEqual(['看診時間：5/4（一） 09:30 → 5/6（三） 14:00（HIS）', '醫師：陳建志 → 林怡伶（HIS）']);
  });

  it('a new appointment, a note, a status and a reminder that went out by SMS', () => {
    expect(
      describeHistory(
        entry({
          version: 1,
          oldStatus: null,
          changes: [
            { field: 'startsAt', from: null, to: '2026-05-04T09:30:00+08:00' },
            { field: 'doctorId', from: null, to: 'D01' },
            { field: 'visitType', from: null, to: '洗牙' },
            { field: 'note', from: null, to: null },
          ],
        }),
        ctx,
      ),
    ).toEqual(['建立預約：5/4（一） 09:30・陳建志・洗牙・已預約（HIS）']);
    expect(
      describeHistory(
        entry({ newStatus: 'checked_in', changes: [{ field: 'status', from: 'booked', to: 'checked_in' }] }),
        ctx,
      ),
    ).toEqual(['狀態：已預約 → 已報到（HIS）']);
    expect(describeHistory(entry({ changes: [{ field: 'note', from: null, to: '需先照X光' }] }), ctx)).toEqual([
      'HIS 備註：（無） → 「需先照X光」（HIS）',
    ]);
    expect(
      describeHistory(
        entry({
          source: 'system',
          actorLabel: '看診提醒',
          changes: [{ field: 'reply', from: 'not_sent', to: 'awaiting_reply' }],
          reason: '已送出「看診前 48 小時提醒」（簡訊）',
        }),
        ctx,
      ),
    ).toEqual(['回覆：尚未提醒 → 尚未回覆（看診提醒）・已送出「看診前 48 小時提醒」（簡訊）']);
  });

  it('the front desk, and a resend of the same content by the HIS', () => {
    expect(
      describeHistory(
        entry({
          source: 'staff',
          actorLabel: '陳怡君',
          newStatus: 'cancelled',
          changes: [{ field: 'status', from: 'booked', to: 'cancelled' }],
        }),
        ctx,
      ),
    ).toEqual(['狀態：已預約 → 已取消（櫃台 陳怡君）']);
    expect(describeHistory(entry({}), ctx)).toEqual(['HIS 重送相同內容，沒有變更（HIS）']);
  });

  it('entries kept before the values were: the status in words and the names of the fields', () => {
    expect(describeHistory(entry({ changes: null, source: 'patient', changedFields: ['reply'] }), ctx)).toEqual([
      '變更了回覆（病患於 LINE）',
    ]);
    expect(
      describeHistory(
        entry({ changes: null, newStatus: 'completed', changedFields: ['status', 'startsAt', 'note'] }),
        ctx,
      ),
    ).toEqual(['狀態：已預約 → 已看診（HIS）', '變更了看診時間、HIS 備註（HIS）']);
  });
});
