import { describe, expect, it } from 'vitest';
import { defaultMenuImage, imageInfo } from './image.ts';
import { TEMPLATES, validateMenu } from './service.ts';
import { dateLabel } from '../answers/service.ts';

describe('rich menu images', () => {
  it('reads PNG and JPEG dimensions from their headers', () => {
    const png = defaultMenuImage(2500, 843, [
      { x: 0, y: 0, width: 1250, height: 843 },
      { x: 1250, y: 0, width: 1250, height: 843 },
    ]);
    expect(imageInfo(png)).toEqual({ type: 'image/png', width: 2500, height: 843 });
    expect(png.length).toBeLessThan(1024 * 1024);
    // a minimal JPEG: SOI, APP0, SOF0 (height 1686, width 2500)
    const jpeg = Buffer.from([
      0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x06, 0x96, 0x09, 0xc4, 0x03, 0, 0,
      0, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
    expect(imageInfo(jpeg)).toEqual({ type: 'image/jpeg', width: 2500, height: 1686 });
    expect(imageInfo(Buffer.from('GIF89a'))).toBeNull();
  });

  it('templates satisfy LINE’s rules', () => {
    for (const t of TEMPLATES)
      expect(validateMenu({ name: t.name.slice(0, 300), chatBarText: '選單', size: t.size, areas: t.areas })).toEqual(
        [],
      );
  });
});

describe('appointment date labels', () => {
  it('formats in the clinic time zone with the weekday', () => {
    const now = new Date('2026-11-25T00:00:00Z');
    expect(dateLabel('2026-11-27T06:30:00Z', 'Asia/Taipei', now)).toBe('11月27日（五）14:30');
    expect(dateLabel('2026-12-31T16:30:00Z', 'Asia/Taipei', now)).toBe('2027年1月1日（五）00:30');
  });
});
