// Playwright global setup: notes when the run starts; its teardown records, for each screenshot of
// the operator manual written during the run, the hash of the pages it shows
// (docs/manual/screenshots.json, scripts/manual-screenshots.ts) — so a run that rewrites
// docs/screenshots (CI, or a developer rerunning one spec) leaves the manifest consistent with them.
import { recordScreenshotsTaken } from '../scripts/manual-screenshots.ts';

export default function globalSetup(): () => void {
  const since = Date.now() - 1000;
  return () => {
    const updated = recordScreenshotsTaken(since);
    if (updated.length)
      process.stdout.write(`docs/manual/screenshots.json: ${updated.length} screenshot(s) recorded as fresh\n`);
  };
}
