/*
 * End-to-end tests of the example app in the machine's Chromium
 * (`yarn test:e2e`). The web server is the example app (`yarn start`, through
 * scripts/example-app.mjs, which also stops the backend's process group);
 * a running app on :3000/:7007 is reused.
 */
import { defineConfig } from '@playwright/test';
import { execSync } from 'node:child_process';

const FRONTEND = process.env.E2E_FRONTEND_URL ?? 'http://localhost:3000';

function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execSync('command -v chromium', { shell: '/bin/sh' })
      .toString()
      .trim();
  } catch {
    throw new Error('chromium not found: apt-get install -y chromium');
  }
}

export default defineConfig({
  testDir: 'packages/app/e2e-tests',
  // A fresh backend collects and evaluates on its first scheduler runs.
  timeout: 300_000,
  expect: { timeout: 30_000 },
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'e2e-test-report' }],
  ],
  outputDir: 'node_modules/.cache/e2e-test-results',
  use: {
    baseURL: FRONTEND,
    viewport: { width: 1440, height: 1000 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        headless: true,
        launchOptions: {
          executablePath: chromiumPath(),
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-dev-shm-usage',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
          ],
        },
      },
    },
  ],
  webServer: process.env.E2E_FRONTEND_URL
    ? []
    : [
        {
          command: 'node scripts/example-app.mjs',
          // One example component gets GitHub data from a fake GitHub API
          // that replays the GitHub module's recorded answers.
          env: { ...process.env, E2E_FAKE_GITHUB: '1' } as Record<
            string,
            string
          >,
          // Raced with the line below: whichever comes first.
          url: FRONTEND,
          wait: { stdout: /Example app is up/ },
          reuseExistingServer: true,
          timeout: 300_000,
          stdout: 'pipe',
          gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
        },
      ],
});
