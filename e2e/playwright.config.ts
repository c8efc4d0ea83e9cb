import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

// Browser tests against the whole running stack (`scripts/demo.ts`: api + worker + LINE
// emulator) on a fresh embedded database. Uses Debian's chromium — never `playwright install`.
const root = path.resolve(import.meta.dirname, '..');

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.@(spec|test).ts',
  outputDir: path.join(root, 'test-results'),
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  forbidOnly: true,
  reporter: [['list']],
  use: {
    ...devices['Desktop Chrome'],
    browserName: 'chromium',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    baseURL: 'http://127.0.0.1:3100',
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
    locale: 'zh-TW',
    timezoneId: 'Asia/Taipei',
    screenshot: 'only-on-failure',
    trace: 'off',
  },
  webServer: {
    command: 'npx node scripts/demo.ts',
    cwd: root,
    url: 'http://127.0.0.1:3100/readyz',
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      PORT: '3100',
      EMULATOR_PORT: '4100',
      DATABASE_URL: 'sqlite:./.tmp/e2e/careline.db',
      CARELINE_DATA_DIR: './.tmp/e2e',
      CARELINE_FRESH: '1',
      LINE_API_BASE_URL: 'http://127.0.0.1:4100',
      // LIFF SDK and LINE Login on the same site as the LIFF pages (localhost:3100): the phone
      // page's webview is an iframe and Chromium denies storage to cross-site iframes.
      LINE_LOGIN_BASE_URL: 'http://localhost:4100',
      PUBLIC_BASE_URL: 'http://127.0.0.1:3100',
    },
  },
});
