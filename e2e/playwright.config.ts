import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

// Browser tests against the whole running stack (`scripts/demo.ts`: api + worker + LINE
// emulator) on a fresh embedded database. Uses Debian's chromium — never `playwright install`.
const root = path.resolve(import.meta.dirname, '..');
// Ports of the demo stack: set E2E_PORT / E2E_EMULATOR_PORT so several people can run the
// browser tests on one machine at once (e2e/demo.ts reads the same variables).
const port = process.env.E2E_PORT ?? '3100';
const emulatorPort = process.env.E2E_EMULATOR_PORT ?? '4100';

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.@(spec|test).ts',
  // Records which of the manual's screenshots the run rewrote (docs/manual/screenshots.json).
  globalSetup: path.join(import.meta.dirname, 'screenshot-manifest.ts'),
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
    baseURL: `http://127.0.0.1:${port}`,
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
    // Ready when the demo says so, not when its API first answers: the API answers /readyz while
    // the demo is still filling its clinic (the fake HIS writes through the HIS API; then the
    // synthetic history), and a spec's patients created meanwhile were taken into that history
    // (bound to synthetic LINE users). No `url` here: Playwright takes whichever of `url` and
    // `wait` comes first.
    wait: { stdout: /Careline demo is running/ },
    reuseExistingServer: false,
    timeout: 300_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      PORT: port,
      EMULATOR_PORT: emulatorPort,
      DATABASE_URL: 'sqlite:./.tmp/e2e/careline.db',
      CARELINE_DATA_DIR: './.tmp/e2e',
      CARELINE_FRESH: '1',
      LINE_API_BASE_URL: `http://127.0.0.1:${emulatorPort}`,
      // LIFF SDK and LINE Login on the same site as the LIFF pages (localhost:<port>): the phone
      // page's webview is an iframe and Chromium denies storage to cross-site iframes.
      LINE_LOGIN_BASE_URL: `http://localhost:${emulatorPort}`,
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    },
  },
});
