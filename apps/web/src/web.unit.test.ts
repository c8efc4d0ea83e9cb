import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, createApi, setCsrfToken, setUnauthorizedHandler } from './api.ts';
import { hoursProblems, sessionName, sortHours } from './components/BusinessHoursEditor.tsx';
import { applyFieldErrors } from './forms.ts';
import { CLINIC_NAV, navFor, PLATFORM_NAV, type NavItem } from './nav.tsx';
import { safeNext } from './pages/LoginPage.tsx';
import { detailText } from './pages/AuditPage.tsx';
import { formatDateTimeIn } from './format.ts';
import { initialSyncWords, timeLeft } from './pages/HisInitialSyncSection.tsx';

const paths = (items: NavItem[]): string[] => items.flatMap((i) => [i.path, ...(i.children ? paths(i.children) : [])]);

describe('navigation by role', () => {
  it('shows admins every settings page', () => {
    const p = paths(navFor(CLINIC_NAV, 'admin'));
    for (const x of ['/settings/clinic', '/settings/staff', '/settings/api-keys', '/settings/jobs', '/settings/audit'])
      expect(p).toContain(x);
  });
  it('hides admin-only pages from front desk, doctors and viewers', () => {
    for (const role of ['front_desk', 'doctor', 'viewer'] as const) {
      const p = paths(navFor(CLINIC_NAV, role));
      expect(p).toContain('/settings/clinic');
      for (const x of ['/settings/staff', '/settings/api-keys', '/settings/jobs', '/settings/audit'])
        expect(p).not.toContain(x);
    }
  });
  it('drops a parent whose children are all hidden', () => {
    const nav: NavItem[] = [{ path: '/x', label: 'x', children: [{ path: '/x/a', label: 'a', roles: ['admin'] }] }];
    expect(navFor(nav, 'viewer')).toEqual([]);
  });
  it('keeps the top-level order of the product map', () => {
    expect(navFor(CLINIC_NAV, 'admin').map((i) => i.label)).toEqual([
      '首頁',
      '預約',
      '行事曆',
      '線上預約',
      '提醒',
      '病患',
      '訊息',
      '衛教追蹤',
      '滿意度',
      '客服',
      '報表',
      '設定',
      '說明',
    ]);
    expect(paths(PLATFORM_NAV)).toContain('/platform/clinics');
  });
});

describe('business hours', () => {
  it('names sessions by their start time', () => {
    expect([sessionName('08:30'), sessionName('14:00'), sessionName('18:30')]).toEqual(['早診', '午診', '晚診']);
  });
  it('sorts Monday first and by time, Sunday last', () => {
    const s = sortHours([
      { weekday: 0, open: '09:00', close: '12:00' },
      { weekday: 1, open: '14:00', close: '17:00' },
      { weekday: 1, open: '09:00', close: '12:00' },
    ]);
    expect(s.map((h) => `${h.weekday}-${h.open}`)).toEqual(['1-09:00', '1-14:00', '0-09:00']);
  });
  it('reports reversed and overlapping sessions', () => {
    expect(hoursProblems([{ weekday: 2, open: '12:00', close: '09:00' }])).toEqual([
      '週二有時段的結束時間早於開始時間',
    ]);
    expect(
      hoursProblems([
        { weekday: 3, open: '09:00', close: '13:00' },
        { weekday: 3, open: '12:00', close: '17:00' },
      ]),
    ).toEqual(['週三的時段彼此重疊']);
    expect(
      hoursProblems([
        { weekday: 3, open: '09:00', close: '12:00' },
        { weekday: 3, open: '12:00', close: '17:00' },
      ]),
    ).toEqual([]);
  });
});

describe('login redirect target', () => {
  it('allows only same-site paths', () => {
    expect(safeNext('/settings/staff')).toBe('/settings/staff');
    expect(safeNext('//evil.example')).toBe('/');
    expect(safeNext('https://evil.example')).toBe('/');
    expect(safeNext('/login?next=/x')).toBe('/');
    expect(safeNext(null)).toBe('/');
  });
});

describe('times in the clinic time zone', () => {
  it("formats an instant in the clinic's zone whatever the browser's", () => {
    expect(formatDateTimeIn('2026-05-04T01:30:00Z', 'Asia/Taipei')).toBe('2026/05/04 09:30');
    expect(formatDateTimeIn('2026-05-04T16:30:00Z', 'Asia/Taipei')).toBe('2026/05/05 00:30');
    expect(formatDateTimeIn('2026-05-04T01:30:00Z', 'America/New_York')).toBe('2026/05/03 21:30');
    expect(formatDateTimeIn(null, 'Asia/Taipei')).toBe('—');
  });
});

describe('initial sync in words', () => {
  const none = { startedAt: null, endsAt: null, endedAt: null, endedBy: null };
  const started = { startedAt: '2026-05-04T01:30:00Z', endsAt: '2026-05-05T01:30:00Z' };
  it('says when it starts, runs until and ended, in the clinic time', () => {
    expect(initialSyncWords({ state: 'not_started', ...none }, 'Asia/Taipei')).toEqual({
      title: '尚未開始',
      text: 'HIS 第一次呼叫 API 時開始，持續 24 小時，或直到管理者在此結束。',
    });
    expect(initialSyncWords({ state: 'active', ...none, ...started }, 'Asia/Taipei')).toEqual({
      title: '進行中',
      text: '自 2026/05/04 09:30 起，至 2026/05/05 09:30 自動結束。',
    });
    const byHand = { ...started, endsAt: '2026-05-04T06:00:00Z', endedAt: '2026-05-04T06:00:00Z' };
    const names = (e: string) => (e === 'admin@clinic.tw' ? '林雅婷' : e);
    expect(initialSyncWords({ state: 'ended', ...byHand, endedBy: 'admin@clinic.tw' }, 'Asia/Taipei', names).text).toBe(
      '由 林雅婷 於 2026/05/04 14:00 結束。',
    );
    const ranOut = { ...started, endedAt: started.endsAt, endedBy: null };
    expect(initialSyncWords({ state: 'ended', ...ranOut }, 'Asia/Taipei').text).toBe(
      '於 2026/05/05 09:30 自動結束（滿 24 小時）。',
    );
  });
  it('counts the time left in hours and minutes', () => {
    const now = Date.parse('2026-05-04T01:30:00Z');
    expect(timeLeft('2026-05-05T01:30:00Z', now)).toBe('還剩 24 小時');
    expect(timeLeft('2026-05-04T02:35:00Z', now)).toBe('還剩 1 小時 5 分');
    expect(timeLeft('2026-05-04T01:50:00Z', now)).toBe('還剩 20 分');
    expect(timeLeft('2026-05-04T01:30:10Z', now)).toBe('還剩 1 分');
  });
});

describe('audit detail on one line', () => {
  it("joins the server's zh-TW label/value lines", () => {
    expect(
      detailText([
        { label: '角色', value: '櫃台人員 → 管理者' },
        { label: '狀態', value: '啟用中 → 已停用' },
      ]),
    ).toBe('角色：櫃台人員 → 管理者、狀態：啟用中 → 已停用');
    expect(detailText([])).toBe('');
  });
});

describe('API field errors on forms', () => {
  function fakeForm(fields: string[]) {
    const set: { name: unknown; errors: string[] }[][] = [];
    return {
      set,
      form: {
        getFieldsValue: () => Object.fromEntries(fields.map((f) => [f, undefined])),
        setFields: (f: { name: unknown; errors: string[] }[]) => set.push(f),
      } as never,
    };
  }
  it('marks matching top-level fields and ignores unknown ones', () => {
    const f = fakeForm(['email', 'businessHours']);
    const err = new ApiError(422, 'VALIDATION_FAILED', '資料格式不正確', [
      { field: 'email', message: '電子郵件格式不正確' },
      { field: 'businessHours.3', message: '結束時間必須晚於開始時間' },
      { field: 'nope', message: 'x' },
    ]);
    expect(applyFieldErrors(f.form, err)).toBe(true);
    expect(f.set[0]).toEqual([
      { name: 'email', errors: ['電子郵件格式不正確'] },
      { name: 'businessHours', errors: ['結束時間必須晚於開始時間'] },
    ]);
  });
  it('returns false when nothing matches', () => {
    const f = fakeForm(['name']);
    expect(applyFieldErrors(f.form, new ApiError(401, 'UNAUTHENTICATED', '請先登入'))).toBe(false);
    expect(applyFieldErrors(f.form, new Error('x'))).toBe(false);
  });
});

describe('API client', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    setCsrfToken(null);
  });
  const api = createApi('http://clinic.test');
  const reply = (status: number, body?: unknown) =>
    vi.fn(async (_req: Request) =>
      body === undefined
        ? new Response(null, { status })
        : new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
    );

  it('fills path and query (empty values left out) and sends no CSRF header on reads', async () => {
    const f = reply(200, { items: [], nextBefore: null });
    vi.stubGlobal('fetch', f);
    setCsrfToken('tok');
    await api.get('/api/audit', {
      params: { query: { action: 'auth.*', entityType: '', before: undefined, limit: 5 } },
    });
    await api.get('/api/patients/{id}', { params: { path: { id: 'a/b' } } });
    const [list, one] = f.mock.calls.map(([r]) => r);
    expect(list.url).toBe('http://clinic.test/api/audit?action=auth.*&limit=5');
    expect(list.method).toBe('GET');
    expect(list.headers.get('x-csrf-token')).toBeNull();
    expect(list.credentials).toBe('same-origin');
    expect(one.url).toBe('http://clinic.test/api/patients/a%2Fb');
  });

  it('sends JSON with the CSRF token on writes; a POST without a body sends {}; 204 is undefined', async () => {
    const f = reply(204);
    vi.stubGlobal('fetch', f);
    setCsrfToken('tok');
    await expect(api.patch('/api/clinic', { body: { name: '新名稱' } })).resolves.toBeUndefined();
    await api.post('/api/auth/logout');
    const [patch, logout] = f.mock.calls.map(([r]) => r);
    expect(patch.method).toBe('PATCH');
    expect(patch.headers.get('x-csrf-token')).toBe('tok');
    expect(patch.headers.get('content-type')).toBe('application/json');
    expect(await patch.json()).toEqual({ name: '新名稱' });
    expect(await logout.json()).toEqual({});
  });

  it('uploads a file as the raw body with its own content type', async () => {
    const f = reply(204);
    vi.stubGlobal('fetch', f);
    const png = new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' });
    await api.upload('/api/rich-menus/{kind}/image', png, { params: { path: { kind: 'bound' } } });
    const [req] = f.mock.calls[0];
    expect(req.method).toBe('PUT');
    expect(req.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await req.arrayBuffer())).toEqual(new Uint8Array([137, 80, 78, 71]));
  });

  it('turns an error body into an ApiError and sends a 401 to the login page unless allowed', async () => {
    const onUnauthorized = vi.fn();
    setUnauthorizedHandler(onUnauthorized);
    vi.stubGlobal(
      'fetch',
      reply(422, { error: { code: 'VALIDATION_FAILED', message: '資料格式不正確', details: [] } }),
    );
    const err = await api.patch('/api/clinic', { body: { name: '' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 422, code: 'VALIDATION_FAILED', message: '資料格式不正確' });

    vi.stubGlobal('fetch', reply(401, { error: { code: 'UNAUTHENTICATED', message: '請先登入', details: [] } }));
    await expect(api.get('/api/auth/me', { allowUnauthenticated: true })).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).not.toHaveBeenCalled();
    await expect(api.get('/api/clinic')).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);

    vi.stubGlobal('fetch', reply(502));
    await expect(api.get('/api/clinic')).rejects.toMatchObject({
      code: 'HTTP_502',
      message: expect.stringContaining('502'),
    });
  });

  it('explains a network failure in zh-TW and lets an abort through', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
    );
    await expect(api.get('/api/clinic')).rejects.toMatchObject({ code: 'NETWORK_ERROR', status: 0 });
    vi.unstubAllGlobals();
    const ctl = new AbortController();
    ctl.abort();
    await expect(api.get('/api/clinic', { signal: ctl.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
