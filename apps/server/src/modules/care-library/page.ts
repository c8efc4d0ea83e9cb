// The public article page a patient opens from 「閱讀全文」 (no login): server-rendered HTML for a
// phone's width, with the cover, the text, the outside link and the clinic's name and contact.
// Nothing on it comes from the patient, and the article's own text is escaped by format.ts.
import { formatInZone } from '../../platform/time.ts';
import { articleHtml } from './format.ts';

export type PublicArticle = {
  title: string;
  category: string;
  body: string;
  linkUrl: string | null;
  coverUrl: string | null;
  updatedAt: string;
  clinic: { name: string; phone: string; address: string; timeZone: string };
};

const esc = (t: string) =>
  t.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const CSS = `
*{box-sizing:border-box}
body{margin:0;font-family:-apple-system,BlinkMacSystemFont,"PingFang TC","Noto Sans TC","Microsoft JhengHei",sans-serif;
color:#1f2933;background:#f4f6f8;line-height:1.75;-webkit-text-size-adjust:100%}
main{max-width:640px;margin:0 auto;background:#fff;min-height:100vh}
.cover{display:block;width:100%;aspect-ratio:20/13;object-fit:cover;background:#e6f2f1}
.wrap{padding:20px 20px 8px}
.cat{display:inline-block;font-size:13px;color:#0f766e;background:#e6f4f2;border-radius:999px;padding:2px 10px}
h1{font-size:24px;line-height:1.4;margin:10px 0 4px}
.meta{font-size:13px;color:#7b8794;margin-bottom:8px}
article{font-size:17px}
article h2{font-size:19px;margin:24px 0 6px;padding-left:10px;border-left:4px solid #0f766e;line-height:1.4}
article p{margin:10px 0}
article ul,article ol{margin:8px 0;padding-left:1.4em}
article li{margin:4px 0}
.link{display:block;margin:20px 0 8px;padding:12px 16px;border:1px solid #0f766e;border-radius:10px;color:#0f766e;
text-align:center;text-decoration:none;font-weight:600}
.clinic{margin:24px 0 0;padding:16px 20px 28px;background:#f0f7f6;border-top:1px solid #d5e8e5;font-size:15px}
.clinic b{display:block;font-size:17px;margin-bottom:4px}
.call{display:block;margin-top:12px;padding:12px 16px;border-radius:10px;background:#0f766e;color:#fff;
text-align:center;text-decoration:none;font-weight:600;font-size:17px}
.note{font-size:13px;color:#7b8794;margin-top:14px}
`;

function shell(title: string, inner: string): string {
  return (
    '<!doctype html><html lang="zh-Hant-TW"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    `<meta name="robots" content="noindex"><title>${esc(title)}</title><style>${CSS}</style></head>` +
    `<body><main>${inner}</main></body></html>`
  );
}

function clinicBlock(c: PublicArticle['clinic']): string {
  const tel = c.phone.replace(/[^\d+]/g, '');
  return (
    `<footer class="clinic"><b>${esc(c.name)}</b>` +
    (c.address ? `<div>地址：${esc(c.address)}</div>` : '') +
    (c.phone ? `<div>電話：${esc(c.phone)}</div>` : '') +
    (tel ? `<a class="call" href="tel:${esc(tel)}">撥打電話給診所</a>` : '') +
    '<div class="note">本文為一般衛教資訊，不能取代醫師的診斷與治療；身體有任何不適或疑問，請回診或來電詢問。</div>' +
    '</footer>'
  );
}

export function articlePage(a: PublicArticle): string {
  const updated = formatInZone(a.updatedAt, a.clinic.timeZone, 'date').replace(/-/g, '/');
  return shell(
    `${a.title}｜${a.clinic.name}`,
    (a.coverUrl ? `<img class="cover" src="${esc(a.coverUrl)}" alt="">` : '') +
      '<div class="wrap">' +
      (a.category ? `<span class="cat">${esc(a.category)}</span>` : '') +
      `<h1>${esc(a.title)}</h1><div class="meta">${esc(a.clinic.name)}・更新於 ${esc(updated)}</div>` +
      `<article>${articleHtml(a.body)}</article>` +
      (a.linkUrl
        ? `<a class="link" href="${esc(a.linkUrl)}" target="_blank" rel="noopener noreferrer">延伸閱讀 ↗</a>`
        : '') +
      '</div>' +
      clinicBlock(a.clinic),
  );
}

/** An article that is no longer (or not yet) public: say so, with the clinic's contact if known. */
export function gonePage(clinic: PublicArticle['clinic'] | null): string {
  return shell(
    '找不到這篇文章',
    '<div class="wrap"><h1>找不到這篇文章</h1><p>這篇衛教文章已下架或網址有誤。' +
      '如有任何不適，請立即回診或來電詢問。</p></div>' +
      (clinic ? clinicBlock(clinic) : ''),
  );
}
