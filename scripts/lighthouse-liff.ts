// Lighthouse (mobile preset) on the patient LIFF pages with Debian's chromium.
//   npm run build:web && npx node scripts/lighthouse-liff.ts            # fixture server (scripts/liff-preview.ts)
//   npx node scripts/lighthouse-liff.ts http://localhost:3000/liff/1000000001/bind   # any served page
// Each page is measured LH_RUNS times (default 3) and the median run is reported (Lighthouse's
// own advice: single runs vary with machine load). Exits 1 when the median perf or a11y < 95.
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { startLiffPreview } from './liff-preview.ts';

const FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const given = process.argv.slice(2).filter((a) => /^https?:/.test(a));
const preview = given.length ? null : await startLiffPreview(0);
const urls = given.length
  ? given
  : ['/bind?user=lh-new', '/appointments?user=bound', '/family?user=bound'].map(
      (p) => `${preview!.url}/liff/1000000001${p}`,
    );

const chrome = await chromeLauncher.launch({ chromePath: '/usr/bin/chromium', chromeFlags: FLAGS });
let worst = 100;
try {
  const runs = Math.max(1, Number(process.env.LH_RUNS ?? 3));
  for (const url of urls) {
    const results = [];
    for (let i = 0; i < runs; i++) {
      const result = await lighthouse(
        url,
        {
          port: chrome.port,
          output: 'json',
          logLevel: 'error',
          onlyCategories: ['performance', 'accessibility', 'best-practices'],
        },
        {
          extends: 'lighthouse:default',
          settings: {
            formFactor: 'mobile',
            screenEmulation: { mobile: true, width: 412, height: 823, deviceScaleFactor: 1.75, disabled: false },
          },
        },
      );
      if (!result) throw new Error(`no result for ${url}`);
      results.push(result.lhr);
    }
    results.sort((x, y) => (x.categories.performance?.score ?? 0) - (y.categories.performance?.score ?? 0));
    const lhr = results[Math.floor(results.length / 2)];
    const c = lhr.categories;
    const score = (k: string) => Math.round((c[k]?.score ?? 0) * 100);
    const a = lhr.audits;
    worst = Math.min(worst, score('performance'), score('accessibility'));
    process.stdout.write(
      `${url}\n  performance ${score('performance')}  accessibility ${score('accessibility')}` +
        `  best-practices ${score('best-practices')}` +
        `  (median of ${runs}: FCP ${a['first-contentful-paint']?.displayValue},` +
        ` LCP ${a['largest-contentful-paint']?.displayValue}, TBT ${a['total-blocking-time']?.displayValue},` +
        ` CLS ${a['cumulative-layout-shift']?.displayValue};` +
        ` all runs perf ${results.map((r) => Math.round((r.categories.performance?.score ?? 0) * 100)).join('/')})\n`,
    );
    for (const [id, audit] of Object.entries(a)) {
      if (
        audit.score !== null &&
        audit.score < 0.9 &&
        (c.accessibility?.auditRefs.some((r) => r.id === id && r.weight > 0) ?? false)
      )
        process.stdout.write(`    a11y: ${id} — ${audit.title}\n`);
    }
  }
} finally {
  chrome.kill();
  await preview?.close();
}
process.exitCode = worst >= 95 ? 0 : 1;
