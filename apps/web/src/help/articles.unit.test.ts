// Every help article is reachable from the help centre, and each page-level topic has a title and summary.
import { describe, expect, it } from 'vitest';
import { HELP_ARTICLES, HELP_ORDER } from './articles.tsx';

describe('help centre', () => {
  it("lists every article except the platform operator's once", () => {
    const topics = Object.keys(HELP_ARTICLES)
      .filter((t) => t !== 'platform')
      .sort();
    expect([...HELP_ORDER].sort()).toEqual(topics);
    expect(new Set(HELP_ORDER).size).toBe(HELP_ORDER.length);
  });

  it('gives each article a zh-TW title and summary', () => {
    for (const a of Object.values(HELP_ARTICLES)) {
      expect(a.title).toMatch(/\p{Script=Han}/u);
      expect(a.summary).toMatch(/\p{Script=Han}/u);
    }
  });
});
