// What every help article is built from: its shape and the bulleted list they all use.
import type { ReactNode } from 'react';

export type HelpArticle = { title: string; summary: string; body: ReactNode; adminOnly?: boolean };

export const ul = (items: ReactNode[]) => (
  <ul style={{ paddingInlineStart: 20, margin: '4px 0 12px' }}>
    {items.map((it, i) => (
      <li key={i} style={{ marginBottom: 4 }}>
        {it}
      </li>
    ))}
  </ul>
);
