// Runs scripts/kill-test-reminders.ts (10,000 due reminders, a worker child SIGKILLed at
// random points five times, restarted) and checks its verdict: every reminder received by the
// emulator exactly once. Takes about 40 s.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

it('kill test: 10k reminders, five SIGKILLs, every reminder delivered exactly once', () => {
  const root = join(import.meta.dirname, '../../../../..');
  const r = spawnSync(
    process.execPath,
    [join(root, 'scripts/kill-test-reminders.ts'), '--reminders', '10000', '--kills', '5'],
    { cwd: root, encoding: 'utf8', timeout: 170_000 },
  );
  const line = r.stdout.trim().split('\n').pop() ?? '';
  expect(r.status, `${r.stderr}\n${r.stdout}`).toBe(0);
  const v = JSON.parse(line);
  expect(v).toMatchObject({ ok: true, received: 10000, duplicates: 0, lost: 0, states: { sent: 10000 } });
}, 180_000);
