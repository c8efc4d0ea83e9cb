import { describe, expect, it } from 'vitest';
import { pnpRecipient } from '../../platform/line.ts';
import { deliveryIdOfTag, deliveryTagOf, pnpReminderMessage } from './pnp.ts';
import { BUILT_IN_TEMPLATES, SAMPLE_VARS } from './templates.ts';

describe('LINE notification messages', () => {
  it('hashes the E.164 number as LINE documents (SHA-256, lowercase hex); a hash passes through', () => {
    expect(pnpRecipient('+818000001234')).toBe('d41e0ad70dddfeb68f149ad6fc61574b9c5780ab7bcb2fba5517771ffbb2409c');
    const h = pnpRecipient('+886912345678');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(pnpRecipient(h)).toBe(h);
    // Only E.164: a national number would hash to a different text and never match.
    expect(() => pnpRecipient('0912345678')).toThrow();
    expect(() => pnpRecipient('+886 912 345 678')).toThrow();
  });

  it('derives a 16–100 character delivery tag from the row and reads it back; other tags are not ours', () => {
    const id = '0190f3c2-7a1b-7c3d-8e4f-5a6b7c8d9e0f';
    const tag = deliveryTagOf(id);
    expect(tag.length).toBeGreaterThanOrEqual(16);
    expect(tag.length).toBeLessThanOrEqual(100);
    expect(deliveryIdOfTag(tag)).toBe(id);
    expect(deliveryIdOfTag('careline-reminder-x')).toBeNull();
    expect(deliveryIdOfTag(id)).toBeNull();
    // The hashed number (LINE's data without a tag) is not a tag of ours.
    expect(deliveryIdOfTag(pnpRecipient('+886912345678'))).toBeNull();
  });

  it('sends the reminder without postbacks or images, with the clinic to call and the map', () => {
    const t = { ...BUILT_IN_TEMPLATES[0].body, logoUrl: 'https://example.com/logo.png' };
    const m = pnpReminderMessage(t, SAMPLE_VARS);
    const s = JSON.stringify(m);
    expect(m.type).toBe('flex');
    expect(s).not.toContain('postback');
    expect(s).not.toContain('"type":"image"');
    expect(s).toContain('"uri":"tel:0223113731"');
    expect(s).toContain('https://www.google.com/maps/search/');
    expect(s).toContain('如需取消或改期，請致電診所。');
  });
});
