import { defineConfig, devices } from '@playwright/test'

/**
 * End-to-end tests in Debian's Chromium (never a downloaded browser) against the real Go server
 * and Postgres: e2e/global-setup.ts starts tools/e2eserver, which seeds a throwaway database and
 * serves the built SPA (`npm run build` first; `npm run test:e2e` does it).
 */
export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results/output',
  globalSetup: './e2e/global-setup.ts',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: process.env.CI ? 2 : undefined,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL: process.env.E2E_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    {
      name: 'chromium',
      use: { ...devices['Desktop Chrome'], channel: undefined },
    },
  ],
})
