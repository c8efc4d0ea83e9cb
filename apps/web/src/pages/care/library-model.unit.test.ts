import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api.ts';
import { fieldErrors, fitWithin, toBody, toForm, emptyForm } from './library-model.ts';

describe('library model', () => {
  it('sends an emptied link as null, trimmed tags once, and the status from the switch', () => {
    const body = toBody(
      { ...emptyForm(), title: ' 拔牙 ', tags: [' 術後', '術後', ''], linkUrl: ' ', published: true },
      null,
    );
    expect(body).toEqual({
      title: '拔牙',
      category: '',
      tags: ['術後'],
      body: '',
      linkUrl: null,
      coverId: null,
      status: 'published',
    });
  });

  it('round-trips an article through the form', () => {
    const f = toForm({
      id: 'a',
      slug: null,
      title: 't',
      category: 'c',
      tags: ['x'],
      body: 'b',
      excerpt: 'b',
      linkUrl: null,
      cover: null,
      status: 'draft',
      publicUrl: 'u',
      publishedAt: null,
      createdAt: '',
      updatedAt: '',
    });
    expect(toBody(f, 'cov')).toMatchObject({ linkUrl: null, coverId: 'cov', status: 'draft' });
  });

  it("puts the server's field errors on the form", () => {
    const err = new ApiError(422, 'VALIDATION_FAILED', '資料格式不正確', [
      { field: 'title', code: 'required', message: '請填寫標題' },
      { field: 'coverId', code: 'unknown', message: '找不到封面' },
    ]);
    expect(fieldErrors(err)).toEqual([{ name: ['title'], errors: ['請填寫標題'] }]);
  });

  it('shrinks a cover to fit 1024 on its longer side, keeping the ratio', () => {
    expect(fitWithin(800, 520)).toEqual({ width: 800, height: 520, scaled: false });
    expect(fitWithin(4032, 3024)).toEqual({ width: 1024, height: 768, scaled: true });
    expect(fitWithin(1000, 3000)).toEqual({ width: 341, height: 1024, scaled: true });
  });
});
