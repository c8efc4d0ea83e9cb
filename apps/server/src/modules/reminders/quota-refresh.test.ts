// When a clinic's reminders fall due, every lane of the dispatcher reaches the quota check at
// once: the clinic's counts are fetched once, not once per lane (with a thousand clinics due at
// 08:00 the lanes otherwise spent their time asking LINE for the same quota).
import { afterAll, describe, expect, it } from 'vitest';
import { fakeLine } from '../../testing/fakes.ts';
import { createTestApp, createTestClinic, type TestApp } from '../../testing/helpers.ts';
import { quotaTracker } from './quota.ts';
import { loadSettings } from './service.ts';

let t: TestApp;
afterAll(() => t?.close());

describe('quotaTracker', () => {
  it('asks LINE for a clinic’s quota once when 64 lanes check at the same moment', async () => {
    const line = fakeLine();
    t = await createTestApp({ line });
    const clinic = await createTestClinic(t);
    const settings = await loadSettings(t.deps.db, clinic.clinicId);
    const tracker = quotaTracker(t.deps);
    const answers = await Promise.all(
      Array.from({ length: 64 }, () =>
        tracker.check(clinic.clinicId, { settings, clinic: { timeZone: 'Asia/Taipei' } }, true),
      ),
    );
    expect(answers.every((a) => a.ok)).toBe(true);
    expect(line.calls.filter((c) => c.clinicId === clinic.clinicId && c.method === 'quota')).toHaveLength(1);
  });
});
