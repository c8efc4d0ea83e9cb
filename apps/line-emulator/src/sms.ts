// SMS gateway fake in the shape of Mitake (三竹) SmSend.
import type { FastifyInstance } from 'fastify';
import type { SmsRecord, Store } from './store.ts';

// GSM 03.38 basic character set (7-bit) and the extension table (counts 2).
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡' +
    'ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXT = new Set('^{}\\[~]|€\f');

/** Counts SMS parts: GSM-7 160 / 153 per part, otherwise UCS-2 70 / 67 (UTF-16 code units). */
export function countSmsSegments(text: string): { encoding: 'GSM' | 'UCS-2'; units: number; segments: number } {
  let gsm = true;
  let units = 0;
  for (const ch of text) {
    if (GSM_BASIC.has(ch)) units += 1;
    else if (GSM_EXT.has(ch)) units += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return { encoding: 'GSM', units, segments: units === 0 ? 1 : units <= 160 ? 1 : Math.ceil(units / 153) };
  const n = text.length; // UTF-16 code units: an emoji outside the BMP takes two
  return { encoding: 'UCS-2', units: n, segments: n <= 70 ? 1 : Math.ceil(n / 67) };
}

let msgCounter = 0;
const TWELVE_HOURS = 12 * 3600_000;

function twTime(ms: number): string {
  // yyyyMMddHHmmss in Taiwan time, as Mitake reports it
  const d = new Date(ms + 8 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  const date = `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}`;
  return `${date}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

export function smsRoutes(
  app: FastifyInstance,
  store: Store,
  opts: { reportDelayMs: number; timers: Set<ReturnType<typeof setTimeout>> },
): void {
  const handler = async (
    req: { query: unknown; body: unknown },
    reply: { type: (t: string) => { send: (s: string) => unknown } },
  ) => {
    const p: Record<string, string> = {};
    for (const src of [req.query, req.body]) {
      if (src && typeof src === 'object') for (const [k, v] of Object.entries(src)) if (typeof v === 'string') p[k] = v;
    }
    const text = (lines: string[]) => reply.type('text/plain; charset=utf-8').send(lines.join('\r\n') + '\r\n');
    const acct = store.smsAccounts.get(p.username ?? '');
    if (!acct || acct.password !== p.password) return text(['[1]', 'statuscode=e', 'Error=帳號、密碼錯誤']);
    const dst = (p.dstaddr ?? '').replace(/[\s-]/g, '');
    if (!/^(09\d{8}|\+?8869\d{8})$/.test(dst)) return text(['[1]', 'statuscode=k', 'Error=無效的手機號碼']);
    const body = p.smbody ?? '';
    if (body.length === 0) return text(['[1]', 'statuscode=m', 'Error=簡訊內容為空白']);
    const seg = countSmsSegments(body);
    if (p.clientid) {
      const prev = store.smsClientIds.get(`${p.username}:${p.clientid}`);
      if (prev && store.now() - prev.at < TWELVE_HOURS)
        return text(['[1]', `msgid=${prev.msgid}`, 'statuscode=1', `AccountPoint=${acct.points}`, 'Duplicate=Y']);
    }
    if (acct.points < seg.segments) return text(['[1]', 'statuscode=n', 'Error=餘額不足']);
    acct.points -= seg.segments;
    const msgid = String(1_000_000_000 + ++msgCounter);
    const rec: SmsRecord = {
      msgid,
      to: dst.replace(/^\+?886/, '0'),
      body,
      encoding: seg.encoding,
      segments: seg.segments,
      clientid: p.clientid ?? null,
      username: p.username,
      at: new Date(store.now()).toISOString(),
      statuscode: '1',
      responseUrl: p.response ?? null,
    };
    store.sms.push(rec);
    if (p.clientid) store.smsClientIds.set(`${p.username}:${p.clientid}`, { msgid, at: store.now() });
    store.notify();
    const t = setTimeout(() => {
      opts.timers.delete(t);
      const failed = store.faults.sms.failNumbers.includes(rec.to);
      rec.statuscode = failed ? '5' : '4';
      store.notify();
      if (rec.responseUrl) {
        const u = new URL(rec.responseUrl);
        const now = twTime(store.now());
        u.searchParams.set('msgid', msgid);
        u.searchParams.set('dstaddr', rec.to);
        u.searchParams.set('dlvtime', twTime(Date.parse(rec.at)));
        u.searchParams.set('donetime', now);
        u.searchParams.set('statuscode', rec.statuscode);
        u.searchParams.set('statusstr', failed ? 'UNDELIV' : 'DELIVRD');
        fetch(u, { signal: AbortSignal.timeout(5000) })
          .then(
            (r) => r.arrayBuffer(),
            () => undefined,
          )
          .catch(() => undefined);
      }
    }, opts.reportDelayMs);
    opts.timers.add(t);
    return text(['[1]', `msgid=${msgid}`, 'statuscode=1', `AccountPoint=${acct.points}`]);
  };
  app.get('/api/mtk/SmSend', handler);
  app.post('/api/mtk/SmSend', handler);

  app.get('/_emulator/sms', async (req) => {
    const to = (req.query as Record<string, unknown>).to;
    const norm = typeof to === 'string' ? to.replace(/[\s-]/g, '').replace(/^\+?886/, '0') : undefined;
    return { messages: store.sms.filter((m) => norm === undefined || m.to === norm) };
  });
  app.post('/_emulator/sms/accounts', async (req) => {
    const b = (req.body ?? {}) as { username?: string; password?: string; points?: number };
    if (b.username && b.password)
      store.smsAccounts.set(b.username, { password: b.password, points: b.points ?? 100_000 });
    return { ok: true };
  });
}
