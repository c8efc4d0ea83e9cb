// Serves the built patient LIFF page (apps/web/dist/liff.html) with an in-memory fixture API
// and a stand-in LIFF SDK, for screenshots and Lighthouse without the whole stack:
//   npx vite build --config apps/web/vite.config.ts && node scripts/liff-preview.ts [--port 4300]
// Open http://localhost:4300/liff/1000000001/bind?user=new (users: new, bound, empty).
// The code for every phone is 123456; 0987-654-321 has no patient record.
import { readFileSync, existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const DIST = resolve(import.meta.dirname, '../apps/web/dist');
const CH = '1000000001';
const CLINIC = { name: '晴光牙醫診所', phone: '02-2700-1234', address: '台北市大安區復興南路一段 100 號' };
const NOTICE = {
  version: '2026-01',
  title: '個人資料蒐集、處理及利用告知',
  text: [
    '晴光牙醫診所（以下稱本診所）依個人資料保護法第 8 條，告知您下列事項：',
    '一、蒐集目的：醫療服務、預約提醒與查詢、客戶服務（代號 001、069、090）。',
    '二、個人資料類別：姓名、手機號碼、LINE 使用者識別碼、預約與就診時段。',
    '三、利用期間與地區：於您維持綁定期間，在中華民國境內利用；解除綁定後即停止以 LINE 通知。',
    '四、利用對象及方式：僅本診所及受託之系統服務商，以電子方式傳送預約提醒與回覆。',
    '五、您可以依個資法第 3 條請求查詢、閱覽、複本、補充、更正、停止利用或刪除，請洽本診所櫃台。',
    '六、您可以自由選擇是否提供；不同意時將無法使用 LINE 預約查詢，但不影響您在本診所就醫。',
  ].join('\n'),
};

type Appt = {
  id: string;
  startsAt: string;
  dateLabel: string;
  doctorName: string;
  visitType: string | null;
  status: string;
  statusLabel: string;
  reply: string | null;
  replyLabel: string | null;
  canConfirm: boolean;
  canCancel: boolean;
  canReschedule: boolean;
};
type Member = { patient: { id: string; name: string }; upcoming: Appt[]; recent: Appt[] };
type User = { bound: boolean; phone: string | null; members: Member[] };

const WD = '日一二三四五六';
function at(daysFromNow: number, hh: number, mm: number): { startsAt: string; dateLabel: string } {
  const d = new Date(Date.now() + 8 * 3600e3);
  d.setUTCDate(d.getUTCDate() + daysFromNow);
  d.setUTCHours(hh - 8, mm, 0, 0);
  const local = new Date(d.getTime() + 8 * 3600e3);
  return {
    startsAt: d.toISOString(),
    dateLabel:
      `${local.getUTCMonth() + 1}月${local.getUTCDate()}日（${WD[local.getUTCDay()]}）` +
      `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`,
  };
}
const REPLY: Record<string, string> = {
  not_sent: '尚未提醒',
  awaiting_reply: '尚未回覆',
  confirmed: '確認赴約',
  cancel_requested: '取消',
  reschedule_requested: '改期',
};
const STATUS: Record<string, string> = {
  booked: '已預約',
  checked_in: '已報到',
  completed: '已看診',
  cancelled: '已取消',
  no_show: '未到診',
};
function appt(
  id: string,
  days: number,
  hh: number,
  mm: number,
  doctorName: string,
  visitType: string,
  status = 'booked',
  reply: string | null = 'awaiting_reply',
): Appt {
  const future = days >= 0 && status === 'booked';
  const open = future && (reply === 'awaiting_reply' || reply === 'not_sent');
  return {
    id,
    ...at(days, hh, mm),
    doctorName,
    visitType,
    status,
    statusLabel: STATUS[status],
    reply,
    replyLabel: reply ? REPLY[reply] : null,
    canConfirm: open,
    canCancel: future && reply !== 'cancel_requested',
    canReschedule: future && reply !== 'reschedule_requested',
  };
}
function family(): Member[] {
  return [
    {
      patient: { id: 'P001', name: '王小明' },
      upcoming: [
        appt('A1', 2, 9, 30, '林怡君 醫師', '洗牙'),
        appt('A2', 16, 14, 0, '陳志豪 醫師', '根管治療', 'booked', 'confirmed'),
      ],
      recent: [appt('A3', -12, 10, 0, '林怡君 醫師', '補牙', 'completed', 'confirmed')],
    },
    {
      patient: { id: 'P002', name: '王小美' },
      upcoming: [appt('A4', 5, 18, 30, '張雅婷 醫師', '兒童塗氟', 'booked', 'not_sent')],
      recent: [appt('A5', -30, 16, 0, '張雅婷 醫師', '初診', 'cancelled', 'cancel_requested')],
    },
  ];
}
const users = new Map<string, User>();
function userFor(token: string): User {
  let u = users.get(token);
  if (!u) {
    u =
      token === 'mock-bound'
        ? { bound: true, phone: '0912345678', members: family() }
        : token === 'mock-empty'
          ? {
              bound: true,
              phone: '0922333444',
              members: [{ patient: { id: 'P009', name: '李大同' }, upcoming: [], recent: [] }],
            }
          : { bound: false, phone: null, members: [] };
    users.set(token, u);
  }
  return u;
}
const mask = (p: string) => `${p.slice(0, 4)}-***-${p.slice(7)}`;

const SDK = `window.liff={init:function(){return Promise.resolve()},isLoggedIn:function(){return true},
login:function(){},
getIDToken:function(){var u=new URLSearchParams(location.search).get('user');
if(u)sessionStorage.setItem('mock-user',u);return 'mock-'+(u||sessionStorage.getItem('mock-user')||'new')},
closeWindow:function(){document.body.setAttribute('data-closed','1')},isInClient:function(){return true}};`;

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json; charset=utf-8') {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': type.startsWith('application/json') ? 'no-store' : 'public, max-age=3600',
  });
  res.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
}
const fail = (
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  details: Record<string, unknown> = {},
) => send(res, status, { error: { code, message, details } });

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString() || '{}');
  } catch {
    return {};
  }
}

async function handleApi(req: IncomingMessage, res: ServerResponse, path: string) {
  const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
  if (!token.startsWith('mock-')) return fail(res, 401, 'UNAUTHORIZED', '登入已過期，請重新開啟頁面');
  const u = userFor(token);
  await new Promise((r) => setTimeout(r, 120));
  const body = req.method === 'POST' ? await readJson(req) : {};
  if (req.method === 'GET' && path === '/me') {
    return send(res, 200, {
      lineUser: { userId: `U${token}`, displayName: '王大明', pictureUrl: null },
      bound: u.bound,
      phoneMasked: u.phone ? mask(u.phone) : null,
      patients: u.members.map((m) => ({ id: m.patient.id, name: m.patient.name, birthYear: 1988 })),
      privacyNotice: NOTICE,
    });
  }
  if (req.method === 'POST' && path === '/otp') {
    const phone = String(body.phone ?? '').replace(/\D/g, '');
    if (body.consent !== true) return fail(res, 422, 'CONSENT_REQUIRED', '請先閱讀並同意個資告知');
    if (!/^09\d{8}$/.test(phone)) return fail(res, 422, 'NOT_A_MOBILE', '請輸入 09 開頭的手機號碼');
    if (phone === '0987654321')
      return fail(
        res,
        404,
        'PHONE_NOT_FOUND',
        `${CLINIC.name}查無這支手機號碼的病歷資料。請致電 ${CLINIC.phone} 由櫃台協助，或確認輸入的是看診時留下的號碼。`,
      );
    return send(res, 200, { sentTo: mask(phone), expiresInSeconds: 300, resendAfterSeconds: 60 });
  }
  if (req.method === 'POST' && path === '/otp/verify') {
    if (body.code !== '123456')
      return send(res, 400, {
        error: {
          code: 'OTP_INVALID',
          message: '驗證碼不正確，還可以再試 4 次',
          details: [{ field: 'code', message: '驗證碼不正確', attemptsLeft: 4 }],
          attemptsLeft: 4,
        },
      });
    u.bound = true;
    u.phone = String(body.phone);
    u.members = family();
    return send(res, 200, { bound: true, patients: u.members.map((m) => m.patient) });
  }
  if (req.method === 'POST' && path === '/unbind') {
    u.bound = false;
    u.members = [];
    return send(res, 200, { bound: false });
  }
  if (req.method === 'GET' && path === '/appointments') {
    if (!u.bound) return send(res, 200, { members: [] });
    return send(res, 200, { members: u.members });
  }
  const m = /^\/appointments\/([^/]+)\/(confirm|cancel-request|reschedule-request)$/.exec(path);
  if (req.method === 'POST' && m) {
    for (const mem of u.members) {
      const i = mem.upcoming.findIndex((a) => a.id === m[1]);
      if (i < 0) continue;
      const a = mem.upcoming[i];
      const reply =
        m[2] === 'confirm' ? 'confirmed' : m[2] === 'cancel-request' ? 'cancel_requested' : 'reschedule_requested';
      const next = {
        ...a,
        reply,
        replyLabel: REPLY[reply],
        canConfirm: false,
        canCancel: reply !== 'cancel_requested',
        canReschedule: reply !== 'reschedule_requested',
      };
      mem.upcoming[i] = next;
      return send(res, 200, next);
    }
    return fail(res, 404, 'NOT_FOUND', '找不到這筆預約');
  }
  return fail(res, 404, 'NOT_FOUND', '找不到這個網址');
}

export async function startLiffPreview(port = 4300): Promise<{ url: string; close: () => Promise<void> }> {
  if (!existsSync(join(DIST, 'liff.html')))
    throw new Error('apps/web/dist/liff.html missing: run npm run build:web first');
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname;
    if (p.startsWith(`/liff/api/${CH}/`)) return void handleApi(req, res, p.slice(`/liff/api/${CH}`.length));
    if (p === '/mock-liff-sdk.js') return send(res, 200, SDK, 'text/javascript; charset=utf-8');
    if (p.startsWith('/assets/')) {
      const f = join(DIST, p);
      if (!f.startsWith(DIST) || !existsSync(f)) return fail(res, 404, 'NOT_FOUND', 'not found');
      return send(
        res,
        200,
        readFileSync(f),
        extname(f) === '.css' ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8',
      );
    }
    if (p.startsWith(`/liff/${CH}`)) {
      const cfg = {
        channelId: CH,
        liffId: url.searchParams.get('noliff') ? '' : `${CH}-careline`,
        clinic: CLINIC,
        sdkUrl: '/mock-liff-sdk.js',
        apiBase: `/liff/api/${CH}`,
      };
      const html = readFileSync(join(DIST, 'liff.html'), 'utf8').replace(
        '</head>',
        `<script>window.__CARELINE_LIFF__=${JSON.stringify(cfg).replace(/</g, '\\u003c')}</script></head>`,
      );
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
      return void res.end(html);
    }
    fail(res, 404, 'NOT_FOUND', 'not found');
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  const actual = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${actual}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '4300' } } });
  const p = await startLiffPreview(Number(values.port));
  process.stdout.write(`LIFF preview: ${p.url}/liff/${CH}/bind?user=new  (users: new, bound, empty; code 123456)\n`);
}
