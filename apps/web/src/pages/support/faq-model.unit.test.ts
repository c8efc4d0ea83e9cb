// The FAQ editor's values become the API body (trimmed, blank wordings dropped), and the API's
// field errors land on the editor's fields.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api.ts';
import { answerBubble, fieldErrors, toFaqBody, toFormValues } from './faq-model.ts';

describe('faq-model', () => {
  it('builds the body and round-trips an FAQ without repeating its title as a wording', () => {
    const body = toFaqBody({
      title: ' 停車 ',
      category: ' 診所資訊',
      wordings: ['哪裡可以停車 ', '', '  '],
      text: '附近有停車場',
      buttons: [{ label: '地圖', action: 'uri', value: ' https://maps.example.tw ' }],
      enabled: true,
    });
    expect(body).toEqual({
      title: '停車',
      category: '診所資訊',
      wordings: ['哪裡可以停車'],
      answer: { text: '附近有停車場', buttons: [{ label: '地圖', action: 'uri', value: 'https://maps.example.tw' }] },
      enabled: true,
    });
    const faq = {
      id: 'F1',
      title: '停車',
      category: '',
      wordings: ['停車', '哪裡可以停車'],
      answer: body.answer,
      enabled: false,
      hits: 0,
      lastHitAt: null,
      helpful: 0,
      notHelpful: 0,
      updatedAt: '2026-12-06T00:00:00Z',
    };
    expect(toFormValues(faq).wordings).toEqual(['哪裡可以停車']);
    expect((answerBubble(body.answer).footer as { contents: unknown[] }).contents).toHaveLength(1);
  });

  it('puts field errors on the wording, the answer and a button', () => {
    const err = new ApiError(422, 'VALIDATION_FAILED', '資料格式不正確', [
      { field: 'wordings.1', code: 'duplicate', message: '問法重複了' },
      { field: 'answer.text', code: 'required', message: '請填寫回答內容' },
      { field: 'answer.buttons.0.value', code: 'format', message: '網址格式' },
      { field: 'wordings', code: 'minItems', message: '至少需要一種問法' },
    ]);
    expect(fieldErrors(err)).toEqual([
      { name: ['wordings', 1], errors: ['問法重複了'] },
      { name: ['text'], errors: ['請填寫回答內容'] },
      { name: ['buttons', 0, 'value'], errors: ['網址格式'] },
    ]);
    expect(fieldErrors(new Error('x'))).toEqual([]);
  });
});
