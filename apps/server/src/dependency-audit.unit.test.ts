// scripts/audit.ts (the audit tier of npm test): how it reads `npm audit --json`, judges the
// findings against the allow-list, and tells a failed audit endpoint from a clean report.
import { describe, expect, it } from 'vitest';
import { findings, judge, unavailable, type Allowed } from '../../../scripts/audit.ts';

// The shape `npm audit --omit=dev --json` prints (report version 2), trimmed.
const REPORT = {
  auditReportVersion: 2,
  vulnerabilities: {
    'fast-xml': {
      name: 'fast-xml',
      severity: 'high',
      via: [
        {
          source: 1101234,
          name: 'fast-xml',
          title: 'Prototype pollution in fast-xml',
          url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc',
          severity: 'high',
        },
      ],
    },
    exceljs: { name: 'exceljs', severity: 'high', via: ['fast-xml'] },
    qs: {
      name: 'qs',
      severity: 'moderate',
      via: [{ source: 99, name: 'qs', title: 'qs DoS', url: 'https://github.com/advisories/GHSA-dddd-eeee-ffff' }],
    },
  },
  metadata: { vulnerabilities: { high: 2, moderate: 1 } },
};

const allow = (id: string, pkg: string, reviewBy = '2099-01-01'): Allowed => ({
  id,
  package: pkg,
  reason: 'test',
  reviewedBy: 'test',
  reviewedOn: '2026-12-06',
  reviewBy,
});

describe('dependency audit', () => {
  it('lists each advisory once under the package that has it (not the packages depending on it)', () => {
    expect(findings(REPORT)).toEqual([
      {
        id: 'GHSA-aaaa-bbbb-cccc',
        package: 'fast-xml',
        severity: 'high',
        title: 'Prototype pollution in fast-xml',
        url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc',
      },
      expect.objectContaining({ id: 'GHSA-dddd-eeee-ffff', package: 'qs', severity: 'moderate' }),
    ]);
    expect(findings({ vulnerabilities: {} })).toEqual([]);
  });

  it('blocks what the allow-list does not name, and allow-list entries past their review date', () => {
    const r = judge(
      findings(REPORT),
      [allow('GHSA-aaaa-bbbb-cccc', 'fast-xml'), allow('GHSA-zzzz', 'gone')],
      '2026-12-06',
    );
    expect(r.blocking.map((f) => f.id)).toEqual(['GHSA-dddd-eeee-ffff']);
    expect(r.allowed.map((f) => f.id)).toEqual(['GHSA-aaaa-bbbb-cccc']);
    expect(r.unused.map((a) => a.id)).toEqual(['GHSA-zzzz']);
    expect(judge([], [allow('GHSA-x', 'x', '2026-12-05')], '2026-12-06').expired).toHaveLength(1);
    // An allowed advisory does not cover the same id in another package.
    expect(judge(findings(REPORT), [allow('GHSA-dddd-eeee-ffff', 'other')], '2026-12-06').blocking).toHaveLength(2);
  });

  it('tells an audit that could not be done from a clean one', () => {
    expect(unavailable({ vulnerabilities: {} }, '')).toBeNull();
    expect(unavailable(null, 'npm error network request failed\n')).toContain('network request failed');
    expect(
      unavailable({ message: '405 Method Not Allowed - POST /-/npm/v1/security/advisories/bulk', statusCode: 405 }, ''),
    ).toContain('405');
    expect(unavailable({ error: { code: 'ENOTFOUND', summary: 'getaddrinfo ENOTFOUND' } }, '')).toContain('ENOTFOUND');
  });
});
