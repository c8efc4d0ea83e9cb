// `npm audit` of the production dependencies (what the servers run), judged against the
// reviewed allow-list audit-allowlist.json. Exit codes: 0 clean (or every finding allowed),
// 1 a finding that is not allowed (or an allow-list entry past its review date), 3 the audit
// could not be done (the registry's audit endpoint unreachable or refusing) — scripts/test.sh
// reports that tier as skipped with the reason, never as passed.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Allowed = {
  /** The advisory: its GitHub id (GHSA-…) as in the advisory's URL. */
  id: string;
  package: string;
  /** Why it does not matter here (the vulnerable code path is not used, …). */
  reason: string;
  reviewedBy: string;
  reviewedOn: string;
  /** YYYY-MM-DD: review again by then; an entry past it fails the tier. */
  reviewBy: string;
};

export type Finding = { id: string; package: string; severity: string; title: string; url: string };

type AuditVia = string | { source?: number; name?: string; title?: string; url?: string; severity?: string };
type AuditReport = {
  vulnerabilities?: Record<string, { name?: string; severity?: string; via?: AuditVia[] }>;
  error?: { code?: string; summary?: string; detail?: string };
  message?: string;
  statusCode?: number;
};

/** The advisories of an `npm audit --json` report (v2), one per advisory and package. */
export function findings(report: AuditReport): Finding[] {
  const out = new Map<string, Finding>();
  for (const [pkg, v] of Object.entries(report.vulnerabilities ?? {}))
    for (const via of v.via ?? []) {
      // A string names another vulnerable package this one depends on: reported under that one.
      if (typeof via === 'string') continue;
      const url = via.url ?? '';
      const id = /GHSA-[\w-]+/.exec(url)?.[0] ?? String(via.source ?? url);
      const f = {
        id,
        package: via.name ?? pkg,
        severity: via.severity ?? v.severity ?? 'unknown',
        title: via.title ?? '',
        url,
      };
      out.set(`${f.id}|${f.package}`, f);
    }
  return [...out.values()];
}

/** Why the report is no audit at all (the endpoint failed), or null for a real report. */
export function unavailable(report: AuditReport | null, stderr: string): string | null {
  if (!report) return `npm audit printed no JSON (${stderr.trim().split('\n').at(-1) ?? 'no output'})`;
  if (report.error || report.statusCode || (report.message && !report.vulnerabilities))
    return `the registry's audit endpoint answered: ${report.message ?? report.error?.summary ?? report.error?.code}`;
  return null;
}

export function judge(
  found: Finding[],
  allowList: Allowed[],
  today: string,
): { blocking: Finding[]; allowed: Finding[]; expired: Allowed[]; unused: Allowed[] } {
  const key = (id: string, pkg: string) => `${id}|${pkg}`;
  const allow = new Map(allowList.map((a) => [key(a.id, a.package), a]));
  const blocking = found.filter((f) => !allow.has(key(f.id, f.package)));
  const allowed = found.filter((f) => allow.has(key(f.id, f.package)));
  const expired = allowList.filter((a) => a.reviewBy < today);
  const seen = new Set(found.map((f) => key(f.id, f.package)));
  const unused = allowList.filter((a) => !seen.has(key(a.id, a.package)));
  return { blocking, allowed, expired, unused };
}

if (import.meta.main) {
  const root = join(import.meta.dirname, '..');
  const allowList = (JSON.parse(readFileSync(join(root, 'audit-allowlist.json'), 'utf8')) as { advisories: Allowed[] })
    .advisories;
  const r = spawnSync('npm', ['audit', '--omit=dev', '--json'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  let report: AuditReport | null = null;
  try {
    report = JSON.parse(r.stdout) as AuditReport;
  } catch {
    report = null;
  }
  const why = r.error ? `npm audit did not finish: ${r.error.message}` : unavailable(report, r.stderr ?? '');
  if (why) {
    console.log(`audit: skipped — ${why}`);
    process.exit(3);
  }
  const today = new Date().toISOString().slice(0, 10);
  const { blocking, allowed, expired, unused } = judge(findings(report!), allowList, today);
  for (const f of allowed) console.log(`allowed  ${f.id} ${f.package} (${f.severity}): ${f.title}`);
  for (const a of unused) console.log(`note     allow-list entry ${a.id} ${a.package} no longer matches: remove it`);
  for (const a of expired) console.log(`EXPIRED  allow-list entry ${a.id} ${a.package}: review was due ${a.reviewBy}`);
  for (const f of blocking) console.log(`FOUND    ${f.id} ${f.package} (${f.severity}): ${f.title} ${f.url}`);
  console.log(
    `audit: ${blocking.length} not allowed, ${allowed.length} allowed, ${expired.length} past their review date`,
  );
  process.exit(blocking.length || expired.length ? 1 : 0);
}
