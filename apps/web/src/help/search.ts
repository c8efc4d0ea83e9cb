// Text search over the help articles: an article's words are its title, summary and the text of
// its body (the React tree walked for its strings), so the search finds what the page shows.
import { isValidElement, type ReactNode } from 'react';

/** The plain text of a React tree. */
export function textOf(node: ReactNode): string {
  if (node === null || node === undefined || typeof node === 'boolean') return '';
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (Array.isArray(node)) return node.map(textOf).join(' ');
  if (isValidElement<{ children?: ReactNode }>(node)) return textOf(node.props.children);
  return '';
}

export type Hit<T extends string> = { topic: T; snippet: string };

/**
 * Articles containing every word of the query (spaces separate words; case ignored), titles
 * first, each with the text around its first match.
 */
export function searchArticles<T extends string>(
  articles: { topic: T; title: string; summary: string; body: ReactNode }[],
  query: string,
): Hit<T>[] {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [];
  const hits: (Hit<T> & { rank: number })[] = [];
  for (const a of articles) {
    const text = `${a.title} ${a.summary} ${textOf(a.body)}`.replace(/\s+/g, ' ');
    const lower = text.toLowerCase();
    if (!words.every((w) => lower.includes(w))) continue;
    // The snippet shows the word in the text under the title (the title is shown above it anyway).
    const body = `${a.summary} ${textOf(a.body)}`.replace(/\s+/g, ' ').trim();
    const inBody = body.toLowerCase().indexOf(words[0]);
    const [source, at] = inBody >= 0 ? [body, inBody] : [text, lower.indexOf(words[0])];
    const from = Math.max(0, at - 24);
    const snippet = `${from > 0 ? '…' : ''}${source.slice(from, at + 60)}${at + 60 < source.length ? '…' : ''}`;
    hits.push({ topic: a.topic, snippet, rank: words.some((w) => a.title.toLowerCase().includes(w)) ? 0 : 1 });
  }
  return hits.sort((x, y) => x.rank - y.rank).map(({ topic, snippet }) => ({ topic, snippet }));
}
