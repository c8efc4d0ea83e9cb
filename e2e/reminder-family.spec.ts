// Combined family reminders on the demo stack: a parent binds two family members (same phone)
// to one LINE user on the emulator's phone page; both have visits the same morning, and a rule
// due in a minute or two sends their reminders as ONE message with two sets of buttons; tapping
// 確認赴約 on one changes only that appointment (checked through the HIS API), and its 提醒 tab
// says the reminder went with the family's. Screenshots: docs/screenshots/reminder-family-phone.png
// (390 px) and reminder-family-appointment.png (1440 px).
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ADMIN_EMAIL, csrfJson, EMU, followAndBind, his, hisGet, login, SHOTS, taipeiAt } from './demo.ts';

const run = Date.now().toString(36).slice(-5);
const phone = `09${String(Date.now() + 23).slice(-8)}`;
const VISIT_TYPE = `家人測試${run}`;

/** Taipei's clock `minutes` from now as HH:MM. */
const taipeiClock = (minutes: number) => new Date(Date.now() + 8 * 3600e3 + minutes * 60e3).toISOString().slice(11, 16);

/** Follows the demo account and binds with `phone` through the LIFF page (every patient with it). */
async function bindFamily(page: Page, userId: string) {
  const wv = await followAndBind(page, userId, phone);
  await expect(wv.getByText('已綁定：')).toContainText('林小安');
  await expect(wv.getByText('已綁定：')).toContainText('林小樂');
  await wv.getByRole('button', { name: '關閉' }).click();
  await expect(page.locator('#webview')).toBeHidden();
}

type Lights = { lights: { reply: { code: string } } };

test('two family members with visits the same morning get one message; each confirm changes only its own', async ({
  browser,
}) => {
  test.setTimeout(300_000);
  await his('/doctors/E2E-FAM-D1', { name: '家醫師', department: '牙科' });
  await his(`/patients/E2E-FAM-${run}-1`, { name: '林小安', phone });
  await his(`/patients/E2E-FAM-${run}-2`, { name: '林小樂', phone });

  const phonePage = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const res = await fetch(`${EMU}/_emulator/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ displayName: '林媽媽', phone }),
  });
  const { userId } = (await res.json()) as { userId: string };
  await bindFamily(phonePage, userId);

  // A rule due in a couple of minutes for visits three days ahead; no booking-day message and
  // no quiet hours while the test runs (restored at the end).
  const office = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await login(office, ADMIN_EMAIL);
  const original = (await csrfJson(office, 'GET', '/api/reminders/rules')).json;
  const clean = (rs: { explanation?: string }[]) => rs.map(({ explanation: _e, ...r }) => r);
  const at = taipeiClock(new Date().getSeconds() > 30 ? 3 : 2);
  const rules = [
    ...clean(original.rules).map((r) => ((r as { id: string }).id === 'booking' ? { ...r, enabled: false } : r)),
    {
      id: 'e2e-family',
      kind: 'days_before',
      name: '家人合併測試提醒',
      enabled: true,
      days: 3,
      at,
      // Only this test's visits (a visit type of their own), not the demo clinic's others.
      visitTypes: [VISIT_TYPE],
      essential: true,
      shift: false,
      templateId: 'default',
    },
  ];
  const saved = await csrfJson(office, 'PUT', '/api/reminders/rules', {
    ...original,
    rules,
    quietHours: { ...original.quietHours, enabled: false },
  });
  expect(saved.status, JSON.stringify(saved.json)).toBe(200);
  try {
    // The same morning, three days ahead: 09:00 and 09:30.
    for (const [n, hh, mm] of [
      [1, 9, 0],
      [2, 9, 30],
    ] as const)
      await his(`/appointments/E2E-FAM-${run}-A${n}`, {
        patientId: `E2E-FAM-${run}-${n}`,
        doctorId: 'E2E-FAM-D1',
        startsAt: taipeiAt(3, hh, mm),
        durationMinutes: 30,
        visitType: VISIT_TYPE,
        status: 'booked',
        version: 1,
      });

    // One message: a carousel of two bubbles, each with its own three buttons.
    const timeline = phonePage.locator('#timeline');
    const carousel = timeline.locator('.lf-carousel').last();
    await expect(carousel).toBeVisible({ timeout: 240_000 });
    const bubbles = carousel.locator('.lf-bubble');
    await expect(bubbles).toHaveCount(2);
    await expect(bubbles.nth(0)).toContainText('林小安');
    await expect(bubbles.nth(1)).toContainText('林小樂');
    await expect(bubbles.nth(0)).toContainText('1/2');
    await expect(bubbles.nth(1)).toContainText('2/2');
    for (const i of [0, 1])
      for (const label of ['確認赴約', '取消', '改期'])
        await expect(bubbles.nth(i).getByRole('button', { name: label, exact: true })).toBeVisible();
    // Exactly one reminder message reached the user.
    const pushed = (
      (await (await fetch(`${EMU}/_emulator/channels/1000000001/messages?to=${userId}`)).json()) as {
        messages: { via: string; message: { type: string; altText?: string } }[];
      }
    ).messages.filter((m) => m.via === 'push' && m.message.type === 'flex');
    expect(pushed).toHaveLength(1);
    expect(pushed[0].message.altText).toMatch(/2 位家人的看診提醒：林小安 .* 09:00、林小樂 .* 09:30/);
    await carousel.scrollIntoViewIfNeeded();
    await phonePage.screenshot({ path: path.join(SHOTS, 'reminder-family-phone.png') });

    // 確認赴約 on the first bubble: only its own appointment turns green.
    await bubbles.nth(0).getByRole('button', { name: '確認赴約', exact: true }).click();
    await expect(timeline).toContainText('已收到您的確認', { timeout: 15_000 });
    await expect
      .poll(async () => (await hisGet<Lights>(`/appointments/E2E-FAM-${run}-A1`)).lights.reply.code, {
        timeout: 15_000,
      })
      .toBe('confirmed');
    expect((await hisGet<Lights>(`/appointments/E2E-FAM-${run}-A2`)).lights.reply.code).toBe('awaiting_reply');

    // The other appointment's 提醒 tab says its reminder went with the family's.
    const list = (await csrfJson(office, 'GET', `/api/appointments?q=${phone.slice(-4)}`)).json as {
      items: { id: string; patientName: string }[];
    };
    const id = list.items.find((i) => i.patientName === '林小樂')!.id;
    await office.goto(`/appointments?open=${id}`);
    const drawer = office.getByRole('dialog');
    await expect(drawer).toContainText('林小樂');
    await drawer.getByRole('tab', { name: /提醒/ }).click();
    await expect(drawer.getByRole('tab', { name: /提醒/ })).toHaveAttribute('aria-selected', 'true');
    await expect(drawer.getByRole('tabpanel')).toContainText('與家人合併發送（共 2 位）');
    await office.mouse.move(0, 0);
    await office.waitForTimeout(400); // the tab's ink bar settles
    await office.screenshot({ path: path.join(SHOTS, 'reminder-family-appointment.png') });

    // The delivery log marks both rows as sent with the family.
    await office.goto('/reminders/log?rule=e2e-family');
    const rows = office.locator('tr', { hasText: '家人合併測試提醒' });
    await expect(rows).toHaveCount(2);
    for (const name of ['林小安', '林小樂']) await expect(rows.filter({ hasText: name })).toContainText('家人 2');
    await rows.first().getByText('家人 2').hover();
    await expect(office.getByRole('tooltip')).toContainText('與家人合併發送（共 2 位）');
    await office.screenshot({ path: path.join(SHOTS, 'reminder-family-log.png') });
  } finally {
    // Leave the demo clinic's rules as they were for the other specs.
    expect(
      (await csrfJson(office, 'PUT', '/api/reminders/rules', { ...original, rules: clean(original.rules) })).status,
    ).toBe(200);
  }
});
