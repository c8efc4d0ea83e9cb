// GET /docs: the API reference (Scalar), served entirely by Careline so that it opens offline and
// fast: the page is ours, the script comes from node_modules (through Scalar's Fastify plugin,
// compressed once and revalidated by ETag), the document from this server, fonts from the reader's
// own system. It opens on the HIS Open API (what integrators come for; a small document renders
// quickly) and offers the whole API as a second document. The vendor's own controls (AI agent,
// MCP, developer tools with Share/Deploy, the API client) are off, and its words are zh-TW.
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import scalar from '@scalar/fastify-api-reference';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from './platform/http.ts';

/** zh-TW for the reference's own words (Scalar ships zh-CN; these override it key by key). */
const ZH_TW = {
  common: {
    streamItem: '串流項目',
    description: '說明',
    httpMethod: 'HTTP 方法',
    path: '路徑',
    copyDefault: '複製預設值',
    copyExample: '複製範例值',
  },
  search: {
    label: '搜尋',
    inputLabel: '輸入要搜尋的文字',
    open: '開啟搜尋',
    placeholder: '搜尋…',
    clear: '清除搜尋',
    noResults: '找不到結果',
    keyboardShortcut: '鍵盤快捷鍵：',
    command: 'Command 鍵',
    control: 'Control 鍵',
    results: '搜尋結果',
    navigate: '移動',
    select: '選擇',
    instructions: '以上下方向鍵移動，按 Enter 選擇，輸入文字篩選結果',
    entryHeading: '標題',
    entryOperation: 'API',
    entryTag: '分類',
    entryTagGroup: '分類群組',
    entryWebhook: 'Webhook',
  },
  navigation: {
    introduction: '簡介',
    closeGroup: '收合群組',
    closeMenu: '關閉選單',
    openGroup: '展開群組',
    openMenu: '開啟選單',
    operations: 'API',
    endpoints: '{name} 的 API',
    showAllEndpoints: '顯示 {name} 的所有 API',
    sidebarFor: '{name} 的側欄',
    mainContent: '{name} 的 API 文件',
    collapsed: '已收合',
    webhooks: 'Webhooks',
    channels: '頻道',
  },
  server: { label: '伺服器', select: '選擇伺服器' },
  info: { termsOfService: '服務條款' },
  clientLibraries: { heading: '程式範例', more: '更多', selectAll: '從所有語言中選擇' },
  operation: {
    codeSampleUnavailable: '這個範例沒有程式範例。',
    body: '請求內容',
    cookies: 'Cookie',
    headers: '標頭',
    pathParameters: '路徑參數',
    queryParameters: '查詢參數',
    requestBody: '請求內容',
    responses: '回應',
    testRequest: '試送請求',
    webhook: 'Webhook',
    selectedContentType: '已選的內容類型',
    callbacks: '回呼',
  },
  response: {
    xmlGenerationLimit: 'XML 範例超過產生上限。',
    xmlGenerationFailed: '無法產生 XML 範例：{message}',
    exampleResponses: '回應範例',
    noBody: '沒有內容',
    showSchema: '顯示結構',
    status: '狀態',
  },
  schema: {
    noAllowedValues: '沒有符合此列舉的值。',
    example: '範例',
    examples: '範例',
    default: '預設值',
    schema: '結構',
    emptyObject: '空物件',
    showAdditionalProperties: '顯示其他屬性',
    forName: '{name} 的',
    showSchemaDetails: '顯示結構細節',
    oneOf: '其中之一',
    anyOf: '任一',
    allOf: '全部',
    not: '非',
    unknownType: '未知類型',
    propertyCount: '屬性：{count}',
    headerCount: '標頭：{count}',
    recursiveReference: '遞迴參照 {name}',
    recursive: '遞迴',
    additionalProperties: '其他屬性',
    const: '常數',
    deprecated: '已停用',
    discriminator: '鑑別欄位',
    enum: '列舉',
    format: '格式',
    greaterThan: '大於',
    keys: '鍵',
    lessThan: '小於',
    max: '最大值',
    min: '最小值',
    maxLength: '最大長度',
    minLength: '最小長度',
    multipleOf: '倍數',
    nullable: '可為 null',
    propertyNames: '屬性名稱',
    pattern: '格式規則',
    copyPattern: '複製格式規則',
    readOnly: '唯讀',
    required: '必填',
    hideValues: '隱藏值',
    showAllValues: '顯示所有值',
    type: '類型',
    unique: '不可重複',
    values: '值',
    writeOnly: '唯寫',
  },
  download: { openapi: '下載 OpenAPI 文件', asyncapi: '下載 AsyncAPI 文件' },
  models: { label: '資料結構' },
  actions: {
    copyAsMarkdown: '複製為 Markdown',
    copied: '已複製',
    copyMarkdownFailed: '無法複製 Markdown',
    copyLink: '複製連結',
    copyLinkTo: '複製 {name} 的連結',
    copyToClipboard: '複製連結',
    copyEndpointUrl: '複製 API 網址',
    showMore: '顯示更多',
  },
  footer: { poweredByScalar: '' },
  authentication: {
    detailsRequired: '需要驗證',
    detailsOptional: '可不驗證',
    apiKey: 'API 金鑰',
    mutualTLS: '雙向 TLS',
    apiKeyCookie: '以 Cookie「{name}」傳送 API 金鑰。',
    apiKeyHeader: '以標頭「{name}」傳送 API 金鑰。',
    apiKeyQuery: '以查詢參數「{name}」傳送 API 金鑰。',
    title: '驗證',
    accepts: '接受',
    allOf: '全部：',
    authentication: '驗證',
    optional: '可不驗證',
    oneOf: '其中之一：',
    required: '需要驗證',
    requires: '需要',
    scopes: 'OAuth 範圍',
  },
};

// The reader's own fonts (Noto CJK on Linux, PingFang / Microsoft JhengHei elsewhere).
const CSS = `
.scalar-app, .light-mode, .dark-mode {
  --scalar-font: system-ui, -apple-system, "Segoe UI", "Noto Sans TC", "Noto Sans CJK TC", "PingFang TC",
    "Microsoft JhengHei", sans-serif;
  --scalar-font-code: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Noto Sans Mono CJK TC", monospace;
}
`;

export const DOCS_PATH = '/docs';
/** The OpenAPI document of the HIS Open API alone (and the health endpoints). */
export const HIS_DOCUMENT_PATH = '/docs/his-openapi.json';
const VENDOR_PREFIX = '/docs/vendor';
const SCRIPT_PATH = `${VENDOR_PREFIX}/js/scalar.js`;
const HIS_TAG = 'HIS Open API v1';
const HIS_TAGS = [HIS_TAG, '系統'];

const CONFIGURATION = {
  sources: [
    { title: 'HIS Open API v1', slug: 'his', url: HIS_DOCUMENT_PATH, default: true },
    { title: 'Careline 全部 API（含後台）', slug: 'all', url: '/openapi.json' },
  ],
  withDefaultFonts: false,
  hideClientButton: true,
  hideTestRequestButton: true,
  hideDarkModeToggle: true,
  showDeveloperTools: 'never',
  agent: { disabled: true },
  mcp: { disabled: true },
  documentDownloadType: 'json',
  hiddenClients: { ruby: true, php: true, python: true, c: true, csharp: true, go: true, java: true },
  localization: { locale: 'zh-TW', translations: ZH_TW },
};

/** JSON that is safe inside an inline <script> (no "</script>", no HTML comment openers). */
const inlineJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

// Scalar takes a second or more to evaluate its 4 MB script and mount; until then the page shows
// the HIS operations as plain HTML (same layout, links to the same anchors), so the first
// operation is on screen as soon as the page arrives. Scalar replaces it when it mounts.
const FIRST_VIEW_CSS = `
body{margin:0}
.cl-first{display:flex;min-height:100vh;font-family:system-ui,-apple-system,"Segoe UI","Noto Sans TC",
"Noto Sans CJK TC","PingFang TC","Microsoft JhengHei",sans-serif;color:#1b1b1b;font-size:14px}
.cl-first nav{width:288px;flex:none;border-right:1px solid #e7e7e7;padding:12px;box-sizing:border-box;background:#fff}
.cl-first nav b{display:block;padding:6px 8px;font-weight:600}
.cl-first nav a{display:flex;justify-content:space-between;align-items:center;gap:8px;padding:6px 8px 6px 20px;
color:#555;text-decoration:none;border-radius:6px}
.cl-first nav a:hover{background:#f2f2f2}
.cl-first .m{font:600 10px ui-monospace,monospace;text-transform:uppercase}
.cl-first .m-get{color:#0082d0}.cl-first .m-put{color:#e27a00}.cl-first .m-post{color:#00a35c}
.cl-first .m-patch{color:#8e44ad}.cl-first .m-delete{color:#d33}
.cl-first main{flex:1;padding:48px 60px;max-width:900px}
.cl-first h1{font-size:28px;margin:0 0 8px}
.cl-first table{border-collapse:collapse;margin-top:24px;width:100%}
.cl-first td{padding:8px 12px 8px 0;border-bottom:1px solid #eee;vertical-align:top}
.cl-first code{font:13px ui-monospace,monospace}
.cl-first .wait{color:#888;margin-top:24px}
`;

const escapeHtml = (t: string) =>
  t.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

/** The HIS operations as plain HTML, linking to the anchors Scalar gives them. */
function firstView(doc: Doc): string {
  const ops: { method: string; path: string; summary: string }[] = [];
  for (const [path, byMethod] of Object.entries(doc.paths ?? {}))
    for (const method of METHODS) {
      const op = byMethod[method];
      if (op?.tags?.includes(HIS_TAG)) ops.push({ method, path, summary: op.summary ?? path });
    }
  const anchor = (o: (typeof ops)[number]) => `#his/tag/his-open-api-v1/${o.method.toUpperCase()}${o.path}`;
  const badge = (m: string) => `<span class="m m-${m}">${m}</span>`;
  const links = ops
    .map((o) => `<a href="${escapeHtml(anchor(o))}">${escapeHtml(o.summary)}${badge(o.method)}</a>`)
    .join('');
  const rows = ops
    .map(
      (o) =>
        `<tr><td>${badge(o.method)}</td><td><code>${escapeHtml(o.path)}</code></td>` +
        `<td><a href="${escapeHtml(anchor(o))}">${escapeHtml(o.summary)}</a></td></tr>`,
    )
    .join('');
  return (
    `<div class="cl-first"><nav><b>${HIS_TAG}</b>${links}</nav><main><h1>Careline API</h1>` +
    `<p>${HIS_TAG}：以診所的 API 金鑰呼叫。串接步驟見 <a href="/docs/guide">HIS 串接指南</a>。</p>` +
    `<table>${rows}</table><p class="wait">正在載入完整的 API 文件…</p></main></div>`
  );
}

function page(doc: Doc): string {
  return `<!doctype html>
<html lang="zh-Hant-TW">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Careline API 文件</title>
    <link rel="preload" href="${SCRIPT_PATH}" as="script" />
    <link rel="preload" href="${HIS_DOCUMENT_PATH}" as="fetch" crossorigin="anonymous" />
    <style>${CSS}${FIRST_VIEW_CSS}</style>
  </head>
  <body>
    <div id="app">${firstView(doc)}</div>
    <script>
      // After the first view is painted: evaluating the script blocks the page for a while.
      requestAnimationFrame(() =>
        setTimeout(() => {
          const s = document.createElement('script');
          s.src = '${SCRIPT_PATH}';
          s.onload = () => Scalar.createApiReference('#app', ${inlineJson(CONFIGURATION)});
          document.body.append(s);
        }),
      );
    </script>
  </body>
</html>
`;
}

/**
 * @fastify/swagger describes a response without a description as "Default Response": say it in
 * zh-TW (the reference shows it under every such status).
 */
export function describeDefaultResponses<T>(doc: T): T {
  const { paths } = doc as Doc;
  for (const ops of Object.values(paths ?? {}))
    for (const op of Object.values(ops))
      for (const [status, r] of Object.entries(op.responses ?? {}))
        if (r.description === 'Default Response') r.description = status.startsWith('2') ? '成功' : '錯誤';
  return doc;
}

type Operation = { tags?: string[]; summary?: string; responses?: Record<string, { description?: string }> };
/** The parts of an OpenAPI document read here. */
type Doc = {
  paths?: Record<string, Record<string, Operation>>;
  components?: Record<string, Record<string, unknown>>;
  tags?: { name: string }[];
};

/**
 * The part of an OpenAPI document whose operations carry one of `tags`, with only the components
 * it references (directly or through other components), its tags listed in that order.
 */
export function documentFor(doc: Doc, tags: string[]): Doc {
  const paths: NonNullable<Doc['paths']> = {};
  for (const [path, ops] of Object.entries(doc.paths ?? {})) {
    const kept = Object.fromEntries(Object.entries(ops).filter(([, op]) => op.tags?.some((t) => tags.includes(t))));
    if (Object.keys(kept).length) paths[path] = kept;
  }
  const components = doc.components ?? {};
  const used = new Set<string>();
  const visit = (v: unknown) => {
    for (const m of JSON.stringify(v).matchAll(/"#\/components\/([A-Za-z]+)\/([^"]+)"/g)) {
      const key = `${m[1]}/${m[2]}`;
      if (used.has(key)) continue;
      used.add(key);
      visit(components[m[1]]?.[decodeURIComponent(m[2])]);
    }
  };
  visit(paths);
  const kept: Record<string, Record<string, unknown>> = {};
  for (const [kind, entries] of Object.entries(components)) {
    if (kind === 'securitySchemes') {
      kept[kind] = entries;
      continue;
    }
    const picked = Object.entries(entries).filter(
      ([name]) => used.has(`${kind}/${encodeURIComponent(name)}`) || used.has(`${kind}/${name}`),
    );
    if (picked.length) kept[kind] = Object.fromEntries(picked);
  }
  return { ...doc, tags: tags.map((name) => ({ name })), paths, components: kept };
}

// Scalar's script (4.3 MB) compressed once per process: a first visit downloads ~1 MB.
const packed = new Map<string, Promise<Buffer>>();
function compressed(script: string, encoding: 'br' | 'gzip'): Promise<Buffer> {
  let p = packed.get(encoding);
  if (!p) {
    p =
      encoding === 'br'
        ? promisify(brotliCompress)(script, { params: { [zlib.BROTLI_PARAM_QUALITY]: 5 } })
        : promisify(gzip)(script, { level: 6 });
    packed.set(encoding, p);
  }
  return p;
}

async function sendScript(req: FastifyRequest, reply: FastifyReply, payload: unknown) {
  const etag = `"scalar-${typeof payload === 'string' ? payload.length : 0}"`;
  reply.header('etag', etag).header('cache-control', 'no-cache').header('vary', 'accept-encoding');
  if (req.headers['if-none-match'] === etag) {
    reply.code(304);
    return '';
  }
  if (typeof payload !== 'string') return payload;
  const accepts = String(req.headers['accept-encoding'] ?? '');
  const encoding = /\bbr\b/.test(accepts) ? 'br' : /\bgzip\b/.test(accepts) ? 'gzip' : null;
  if (!encoding) return payload;
  reply.header('content-encoding', encoding);
  return compressed(payload, encoding);
}

export async function registerApiDocs(app: App): Promise<void> {
  // Scalar's plugin serves only its script here; its own page (which would load fonts from the
  // vendor's host) is not reachable.
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (req, reply) => {
      if (req.url.split('?')[0] !== SCRIPT_PATH) return reply.callNotFound();
    });
    scope.addHook('onSend', async (req, reply, payload) =>
      reply.statusCode === 200 && req.url.split('?')[0] === SCRIPT_PATH ? sendScript(req, reply, payload) : payload,
    );
    await scope.register(scalar, {
      routePrefix: VENDOR_PREFIX,
      logLevel: 'silent',
      configuration: { url: '/openapi.json' },
    });
  });

  // Built once, on first use: the routes are all known by then.
  let built: { page: string; hisDocument: string } | null = null;
  const docs = () => {
    if (!built) {
      const his = documentFor(app.swagger() as Doc, HIS_TAGS);
      built = { page: page(his), hisDocument: JSON.stringify(his) };
    }
    return built;
  };
  const sendPage = async (_req: FastifyRequest, reply: FastifyReply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(docs().page);
  app.get(DOCS_PATH, { schema: { hide: true } }, sendPage);
  app.get(`${DOCS_PATH}/`, { schema: { hide: true } }, sendPage);
  app.get(HIS_DOCUMENT_PATH, { schema: { hide: true } }, async (_req, reply) =>
    reply.type('application/json; charset=utf-8').send(docs().hisDocument),
  );
}
