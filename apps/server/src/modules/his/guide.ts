// GET /docs/guide: the HIS integration guide (docs/his-integration-guide.md) rendered as HTML.
import { readFileSync } from 'node:fs';
import type { Deps } from '../../platform/deps.ts';
import type { App } from '../../platform/http.ts';
import { renderMarkdown } from './markdown.ts';

export const GUIDE_FILE = new URL('../../../../../docs/his-integration-guide.md', import.meta.url);

const CSS = [
  'body{font-family:"Noto Sans TC","PingFang TC","Microsoft JhengHei",system-ui,sans-serif;max-width:860px;',
  'margin:2rem auto;padding:0 1rem;line-height:1.7;color:#1f2328}',
  'pre{background:#f6f8fa;padding:1rem;overflow:auto;border-radius:6px}',
  'code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}',
  'p code,li code,td code{background:#f6f8fa;padding:.1em .3em;border-radius:4px}',
  'table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:.3rem .6rem}',
  'blockquote{border-left:4px solid #d0d7de;margin:0;padding:0 1rem;color:#57606a}',
  'h1,h2{border-bottom:1px solid #d8dee4;padding-bottom:.3rem}',
].join('');

const page = (body: string) =>
  '<!doctype html><html lang="zh-Hant"><head><meta charset="utf-8">' +
  '<meta name="viewport" content="width=device-width,initial-scale=1">' +
  `<title>Careline HIS 串接指南</title><style>${CSS}</style></head><body>${body}` +
  '<hr><p><a href="/docs">API 參考文件</a> · <a href="/openapi.json">openapi.json</a></p></body></html>';

export function guideRoutes(app: App, _deps: Deps): void {
  let cached: string | null = null;
  app.get('/docs/guide', { schema: { hide: true } }, async (_req, reply) => {
    cached ??= page(renderMarkdown(readFileSync(GUIDE_FILE, 'utf8')));
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(cached);
  });
}
