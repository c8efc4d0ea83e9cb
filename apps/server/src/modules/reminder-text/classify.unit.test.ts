import { describe, expect, it } from 'vitest';
import { classify, CONFIDENT, type Intent } from './classify.ts';

const cases: [string, Intent][] = [
  // confirm
  ['好', 'confirm'],
  ['好的', 'confirm'],
  ['好！', 'confirm'],
  ['OK', 'confirm'],
  ['ok～', 'confirm'],
  ['ＯＫ', 'confirm'],
  ['👍', 'confirm'],
  ['👍🏻', 'confirm'],
  ['好的，謝謝', 'confirm'],
  ['收到 謝謝', 'confirm'],
  ['會準時到', 'confirm'],
  ['我會準時到', 'confirm'],
  ['沒問題，我會去', 'confirm'],
  ['嗯嗯', 'confirm'],
  // cancel
  ['要取消', 'cancel'],
  ['我要取消', 'cancel'],
  ['不去了', 'cancel'],
  ['那天不行', 'cancel'],
  ['不能去', 'cancel'],
  ['我不能去了', 'cancel'],
  ['明天沒辦法去', 'cancel'],
  ['可以取消嗎？', 'cancel'],
  ['臨時有事去不了', 'cancel'],
  ['不會到', 'cancel'],
  // reschedule
  ['可以改下午嗎？', 'reschedule'],
  ['改到下週', 'reschedule'],
  ['換個時間', 'reschedule'],
  ['可以改期嗎', 'reschedule'],
  ['那天不行，可以改到星期五嗎？', 'reschedule'],
  ['想延後一週', 'reschedule'],
  ['我想改晚上', 'reschedule'],
  // running late
  ['我會晚 10 分鐘', 'running_late'],
  ['塞車會晚到', 'running_late'],
  ['會遲到一下', 'running_late'],
  ['晚十五分鐘到', 'running_late'],
  ['我會晚上到', 'question'], // not late: evening; asks nothing either → handled below
  // question
  ['需要帶健保卡嗎？', 'question'],
  ['請問停車位在哪裡', 'question'],
  ['看診要多久', 'question'],
  // other
  ['牙齒好痛', 'other'],
  ['', 'other'],
];

describe('classify a free-text answer to a reminder', () => {
  for (const [text, intent] of cases.filter(([t]) => t !== '我會晚上到')) {
    it(`${JSON.stringify(text)} → ${intent}`, () => {
      expect(classify(text).intent).toBe(intent);
    });
  }

  it('「我會晚上到」 is not running late (晚上 is the evening)', () => {
    expect(classify('我會晚上到').intent).not.toBe('running_late');
  });

  it('keeps the negation: 「不用取消」「不要取消，我會去」 are not a cancel', () => {
    expect(classify('不用取消').intent).not.toBe('cancel');
    expect(classify('不要取消，我會去').intent).not.toBe('cancel');
    expect(classify('沒有要取消').intent).not.toBe('cancel');
    // not confident enough to act on without a person
    expect(classify('不用取消').confidence).toBeLessThan(CONFIDENT);
  });

  it('「不用改期」 is not a reschedule', () => {
    expect(classify('不用改期了').intent).not.toBe('reschedule');
  });

  it('confident on the plain answers, not on the rest', () => {
    for (const t of ['好', 'OK', '👍', '要取消', '不去了', '可以改下午嗎？', '改到下週'])
      expect(classify(t).confidence, t).toBeGreaterThanOrEqual(CONFIDENT);
    for (const t of ['牙齒好痛', '需要帶健保卡嗎？'])
      expect(
        ['confirm', 'cancel', 'reschedule'].includes(classify(t).intent) && classify(t).confidence >= CONFIDENT,
      ).toBe(false);
  });

  it('a long message is never confident enough to act on', () => {
    const long = `我要取消，因為${'家裡臨時有很多事情要處理，'.repeat(6)}`;
    const c = classify(long);
    expect(c.intent).toBe('cancel');
    expect(c.confidence).toBeLessThan(CONFIDENT);
  });

  it('reads the minutes of running late', () => {
    expect(classify('我會晚 10 分鐘').minutes).toBe(10);
    expect(classify('晚十五分鐘到').minutes).toBe(15);
    expect(classify('大概晚半小時').minutes).toBe(30);
    expect(classify('塞車會晚到').minutes).toBeUndefined();
  });

  it('does not act on 「好」 inside another sentence', () => {
    expect(classify('好痛喔').intent).toBe('other');
  });
});
