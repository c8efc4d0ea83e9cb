// The operator manual's screenshots and the pages they show (docs/manual/screenshots.json).
//
// A chapter shows screenshots that the Playwright suite takes (docs/screenshots/*.png). A screenshot
// is stale when the page it shows changed after it was taken; file times cannot tell (a fresh git
// clone gives every file the same time), so the manifest keeps, per screenshot, the spec that takes
// it, the page source files it shows, and a hash of those files' text as they were when it was
// taken. The e2e run writes the hash (e2e/screenshot-manifest.ts, after every run: each screenshot
// written during the run gets the hash of its pages now); the unit test recomputes it
// (apps/web/src/help/manual.unit.test.ts → manualScreenshotProblems()).
//
//   npx node scripts/manual-screenshots.ts            lists the problems (exit 1 when any)
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const MANIFEST = path.join(ROOT, 'docs/manual/screenshots.json');
const MANUAL = path.join(ROOT, 'docs/manual');

export type ShotEntry = {
  /** The Playwright spec that writes the screenshot (e2e/….spec.ts). */
  spec: string;
  /** The source files of what the screenshot shows (repository paths). */
  pages: string[];
  /** sha256 of those files when the screenshot was last taken (pagesHash). */
  sha256: string;
};
export type Manifest = Record<string, ShotEntry>;

export const readManifest = (file = MANIFEST): Manifest =>
  existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Manifest) : {};

export function writeManifest(m: Manifest, file = MANIFEST): void {
  const sorted = Object.fromEntries(
    Object.keys(m)
      .sort()
      .map((k) => [k, m[k]]),
  );
  writeFileSync(file, `${JSON.stringify(sorted, null, 2)}\n`);
}

/** sha256 over the pages' paths and text (line endings normalised, so a Windows checkout agrees). */
export function pagesHash(pages: string[], root = ROOT): string {
  const h = createHash('sha256');
  for (const p of [...pages].sort()) {
    h.update(p).update('\0');
    h.update(readFileSync(path.join(root, p), 'utf8').replace(/\r\n/g, '\n')).update('\0');
  }
  return h.digest('hex');
}

/** The screenshots each chapter of the manual shows: [chapter file, screenshot file name]. */
export function manualReferences(dir = MANUAL): [string, string][] {
  return readdirSync(dir)
    .filter((f) => /^\d{2}-.+\.md$/.test(f))
    .sort()
    .flatMap((f) =>
      [...readFileSync(path.join(dir, f), 'utf8').matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map(
        (m) => [f, m[1]] as [string, string],
      ),
    );
}

/** Whether the spec names the screenshot (a numbered series may be written as `name-${n}`, e.g. PDF pages). */
function specNames(root: string, spec: string, name: string): boolean {
  if (!existsSync(path.join(root, spec))) return false;
  const text = readFileSync(path.join(root, spec), 'utf8');
  const series = /^(.*-)\d+\.png$/.exec(name)?.[1];
  return text.includes(name) || (!!series && text.includes(`${series}\${`));
}

const rerun = (spec: string) =>
  `rerun it: npm run build:web && npx playwright test -c e2e/playwright.config.ts ${spec} ` +
  '(the run rewrites the screenshot and its hash in docs/manual/screenshots.json; commit both)';

/** What is wrong with the manual's screenshots, one sentence each (empty: all fresh). */
export function manualScreenshotProblems(root = ROOT): string[] {
  const manifest = readManifest(path.join(root, 'docs/manual/screenshots.json'));
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [chapter, ref] of manualReferences(path.join(root, 'docs/manual'))) {
    const name = /^\.\.\/screenshots\/([a-z0-9][a-z0-9-]*\.png)$/.exec(ref)?.[1];
    if (!name) {
      problems.push(
        `docs/manual/${chapter}: image "${ref}" is not a screenshot of docs/screenshots (../screenshots/<name>.png)`,
      );
      continue;
    }
    if (seen.has(name)) continue;
    seen.add(name);
    const entry = manifest[name];
    if (!existsSync(path.join(root, 'docs/screenshots', name))) {
      problems.push(
        `docs/manual/${chapter} shows docs/screenshots/${name}, which is missing` +
          (entry ? `; ${rerun(entry.spec)}` : ' (and has no entry in docs/manual/screenshots.json)'),
      );
      continue;
    }
    if (!entry) {
      problems.push(
        `docs/manual/${chapter} shows docs/screenshots/${name}, which has no entry in docs/manual/screenshots.json: ` +
          'add { "spec": "e2e/<the spec that takes it>.spec.ts", "pages": ["<the page source files it shows>"], ' +
          '"sha256": "" } and run that spec',
      );
      continue;
    }
    const missing = entry.pages.filter((p) => !existsSync(path.join(root, p)));
    if (missing.length) {
      problems.push(`docs/manual/screenshots.json: ${name} lists pages that do not exist: ${missing.join(', ')}`);
      continue;
    }
    if (!specNames(root, entry.spec, name)) {
      problems.push(
        `docs/manual/screenshots.json: ${name} says ${entry.spec} takes it, but that spec does not name it`,
      );
      continue;
    }
    if (pagesHash(entry.pages, root) !== entry.sha256)
      problems.push(
        `docs/screenshots/${name} (shown in docs/manual/${chapter}) is older than its page: ` +
          `${entry.pages.join(', ')} changed after it was taken; ${rerun(entry.spec)}`,
      );
  }
  return problems;
}

/**
 * After an e2e run: every manifest screenshot written since `since` (ms) shows its pages as they
 * are now, so its hash becomes theirs. Returns the names updated.
 */
export function recordScreenshotsTaken(since: number, root = ROOT): string[] {
  const file = path.join(root, 'docs/manual/screenshots.json');
  const manifest = readManifest(file);
  const updated: string[] = [];
  for (const [name, entry] of Object.entries(manifest)) {
    const png = path.join(root, 'docs/screenshots', name);
    if (!existsSync(png) || statSync(png).mtimeMs < since) continue;
    if (entry.pages.some((p) => !existsSync(path.join(root, p)))) continue;
    const sha256 = pagesHash(entry.pages, root);
    if (sha256 !== entry.sha256) {
      entry.sha256 = sha256;
      updated.push(name);
    }
  }
  if (updated.length) writeManifest(manifest, file);
  return updated;
}

if (import.meta.main) {
  const problems = manualScreenshotProblems();
  for (const p of problems) process.stdout.write(`${p}\n`);
  process.stdout.write(problems.length ? `${problems.length} problem(s)\n` : 'manual screenshots: all fresh\n');
  process.exit(problems.length ? 1 : 0);
}
