// What the browser tests share about the demo stack started by playwright.config.ts: its
// URLs, the demo HIS key and logins, and small steps (HIS upserts, staff login, the SMS code
// that reached the emulator's SMS gateway).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type FrameLocator, type Page } from '@playwright/test';
import { generate } from 'otplib';

// The ports are the ones playwright.config.ts starts the stack on (E2E_PORT / E2E_EMULATOR_PORT).
export const BASE = process.env.E2E_BASE_URL ?? `http://127.0.0.1:${process.env.E2E_PORT ?? '3100'}`;
export const EMU = process.env.E2E_EMULATOR_URL ?? `http://127.0.0.1:${process.env.E2E_EMULATOR_PORT ?? '4100'}`;
// The phone page must be on the same site as the LIFF page (localhost): the webview is an
// iframe, and Chromium denies storage to a cross-site iframe, which the LIFF login needs.
export const PHONE_PAGE = EMU.replace('127.0.0.1', 'localhost');
export const SHOTS = path.resolve(import.meta.dirname, '../docs/screenshots');
const HIS = { authorization: 'Bearer demo-his-key', 'content-type': 'application/json' };

/** PUT through the HIS Open API with the demo clinic's key. */
export async function his(p: string, body: unknown): Promise<void> {
  const res = await fetch(`${BASE}/his/v1${p}`, { method: 'PUT', headers: HIS, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`PUT ${p} → ${res.status} ${await res.text()}`);
}

/** GET through the HIS Open API with the demo clinic's key. */
export async function hisGet<T>(p: string): Promise<T> {
  const res = await fetch(`${BASE}/his/v1${p}`, { headers: HIS });
  if (!res.ok) throw new Error(`GET ${p} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The demo clinic's administrator (docs/contracts.md "Demo logins"). */
export const ADMIN_EMAIL = 'admin@demo.careline.tw';

/**
 * The TOTP secrets of demo logins with two-factor login (docs/contracts.md "Demo logins"): the
 * platform operator always logs in with a second step.
 */
export const DEMO_TOTP_SECRETS: Record<string, string> = {
  'operator@demo.careline.tw': 'CARELINEDEMOOPERATORTOTPSECRET22',
};

// The steps used, kept in the run's output directory (Playwright empties it when a run starts):
// after a failed test Playwright starts a new worker process, and a step remembered only in
// memory was used a second time (the server refuses it, and the next login failed too).
const stepsFile = () => path.join(test.info().project.outputDir, '.totp-steps.json');
function readSteps(): Record<string, number> {
  try {
    return JSON.parse(readFileSync(stepsFile(), 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}
/**
 * A TOTP code (computed by otplib) for a 30-second step after the last one this run used for
 * the secret: the server takes each step once, and one step ahead of the clock is accepted.
 */
export async function totpCode(secret: string): Promise<string> {
  const now = () => Math.floor(Date.now() / 30_000);
  const steps = readSteps();
  const step = Math.max(now(), (steps[secret] ?? 0) + 1);
  while (step > now() + 1) await new Promise((r) => setTimeout(r, 1000));
  mkdirSync(path.dirname(stepsFile()), { recursive: true });
  writeFileSync(stepsFile(), JSON.stringify({ ...steps, [secret]: step }));
  return generate({ secret, epoch: step * 30 });
}

/**
 * Logs a staff member in (a demo login's password unless given) and waits for the app shell;
 * a demo login with two-factor login answers the second step with a computed code.
 */
export async function login(page: Page, email: string, password = 'careline-demo'): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('電子郵件').fill(email);
  await page.getByLabel('密碼', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登入', exact: true }).click();
  const secret = DEMO_TOTP_SECRETS[email];
  if (secret) {
    await page.getByLabel('驗證碼').fill(await totpCode(secret));
    await page.getByRole('button', { name: '驗證並登入' }).click();
  }
  await expect(page.getByRole('navigation', { name: '主選單' })).toBeVisible();
}

/** Opens the emulator's phone page as the given virtual user, on the demo channel. */
export async function openPhone(page: Page, userId: string): Promise<void> {
  await page.addInitScript(
    ([u, origin]) => {
      if (location.origin !== origin) return;
      localStorage.setItem('emu.currentUser', u);
      localStorage.setItem('emu.channel', '1000000001');
    },
    [userId, PHONE_PAGE],
  );
  await page.goto(`${PHONE_PAGE}/`);
}

/** The 6-digit code of the latest SMS the emulator's gateway received for `phone`. */
export async function smsCode(phone: string): Promise<string> {
  let code = '';
  await expect
    .poll(
      async () => {
        const r = (await (await fetch(`${EMU}/_emulator/sms`)).json()) as { messages: { to: string; body: string }[] };
        const m = r.messages.filter((x) => x.to.replace(/\D/g, '').endsWith(phone.slice(1))).at(-1);
        code = /\d{6}/.exec(m?.body ?? '')?.[0] ?? '';
        return code;
      },
      { message: 'SMS code reaches the emulator gateway', timeout: 15_000 },
    )
    .toMatch(/^\d{6}$/);
  return code;
}

/** Taps a rich menu area on the phone page, opening the menu first when it is collapsed. */
export async function tapMenu(page: Page, label: string): Promise<void> {
  const area = page.locator(`.rm-area[title="${label}"]`);
  await expect(area).toBeAttached({ timeout: 20_000 });
  if (!(await area.isVisible())) await page.locator('#rmBar').click();
  await area.click();
}

/**
 * On the phone page: follows the demo account and binds with `phone` (rich menu 綁定帳號 → LIFF
 * 個資告知 → phone → the SMS code from the emulator's gateway). Returns the LIFF frame, still
 * open on 綁定完成.
 */
export async function followAndBind(page: Page, userId: string, phone: string): Promise<FrameLocator> {
  await openPhone(page, userId);
  await page.getByRole('button', { name: '加入好友' }).click();
  await tapMenu(page, '綁定帳號');
  const wv = page.frameLocator('#wvFrame');
  await expect(wv.getByRole('heading', { level: 1 })).toContainText('告知', { timeout: 20_000 });
  await wv.getByLabel('我已閱讀並同意上述個資告知').check();
  await wv.getByRole('button', { name: '下一步' }).click();
  await wv.getByRole('textbox', { name: '手機號碼' }).fill(phone);
  await wv.getByRole('button', { name: '傳送驗證碼' }).click();
  await expect(wv.getByRole('heading', { name: '輸入簡訊驗證碼' })).toBeVisible();
  await wv.getByLabel('6 位數驗證碼').fill(await smsCode(phone));
  await expect(wv.getByRole('heading', { name: '綁定完成' })).toBeVisible();
  return wv;
}

/** A new virtual LINE user in the emulator. */
export async function newLineUser(displayName: string, phone?: string): Promise<string> {
  const res = await fetch(`${EMU}/_emulator/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ displayName, ...(phone ? { phone } : {}) }),
  });
  return ((await res.json()) as { userId: string }).userId;
}

/** Taipei's date-time `days` ahead at hh:mm, as the HIS sends it. */
export function taipeiAt(days: number, hh: number, mm = 0): string {
  const d = new Date(Date.now() + 8 * 3600e3 + days * 86400e3);
  return `${d.toISOString().slice(0, 10)}T${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:00+08:00`;
}

/** Taipei's date `n` days from today as YYYY-MM-DD. */
export const taipeiDate = (n = 0) => new Date(Date.now() + 8 * 3600e3 + n * 86_400e3).toISOString().slice(0, 10);
/** 0 = Sunday … 6 = Saturday of a YYYY-MM-DD date. */
/**
 * A visit later today (Taipei), for stories about today's lists: 20 minutes from now on the next
 * 5 minutes, or null in the last 25 minutes of the day (a visit that has begun takes no reminder).
 */
export function soonToday(): string | null {
  const at = new Date(Math.ceil((Date.now() + 20 * 60e3) / 300e3) * 300e3 + 8 * 3600e3);
  if (at.toISOString().slice(0, 10) !== taipeiDate()) return null;
  return `${at.toISOString().slice(0, 16)}:00+08:00`;
}
export const LATE_IN_THE_DAY = 'a visit later today cannot be booked in the last 25 minutes of the day (Taipei)';

export const weekday = (d: string) => new Date(`${d}T00:00:00Z`).getUTCDay();
export const addDays = (d: string, n: number) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400e3).toISOString().slice(0, 10);

/** A back-office API call from the logged-in page (its session cookie and CSRF token). */
export async function csrfJson(page: Page, method: string, url: string, body?: unknown) {
  return page.evaluate(
    async ([m, u, b]) => {
      const token = decodeURIComponent(document.cookie.match(/careline_csrf=([^;]+)/)?.[1] ?? '');
      const res = await fetch(u as string, {
        method: m as string,
        headers: { 'content-type': 'application/json', 'x-csrf-token': token },
        body: b === undefined ? undefined : JSON.stringify(b),
      });
      return { status: res.status, json: await res.json() };
    },
    [method, url, body] as const,
  );
}

/**
 * Turns the demo clinic's quiet hours (21:00–08:00 Taipei) off, so that a reminder due now goes
 * now whatever the hour of the run; returns the undo. Needs a logged-in admin page. The
 * dispatcher reads a clinic's settings at most every 30 s: call it before waiting for that.
 */
export async function quietHoursOff(page: Page): Promise<() => Promise<void>> {
  type Rules = { rules: { explanation?: string }[]; quietHours: { enabled: boolean } };
  const put = async (enabled: boolean) => {
    const doc = (await csrfJson(page, 'GET', '/api/reminders/rules')).json as Rules;
    for (const r of doc.rules) delete r.explanation;
    const saved = await csrfJson(page, 'PUT', '/api/reminders/rules', {
      ...doc,
      quietHours: { ...doc.quietHours, enabled },
    });
    expect(saved.status, JSON.stringify(saved.json)).toBe(200);
  };
  const before = ((await csrfJson(page, 'GET', '/api/reminders/rules')).json as Rules).quietHours.enabled;
  await put(false);
  return () => put(before);
}
