// End-to-end test of the compliance UI in headless Chromium against the
// example app: `yarn test:e2e` at the repository root.
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import {
  FRONTEND,
  guestToken,
  launchBrowser,
  log,
  pickComponent,
  signInAsGuest,
  startApp,
  waitForEvaluation,
} from './lib.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(root, 'e2e-output');

async function main() {
  await mkdir(outDir, { recursive: true });
  const stop = await startApp({ cwd: root });
  let browser;
  try {
    browser = await launchBrowser();
    const page = await browser.newPage({
      viewport: { width: 1440, height: 1000 },
    });
    page.on('pageerror', e => log('page error:', e.message));

    await signInAsGuest(page);
    log('Signed in as guest');

    const token = await guestToken();
    const name = await pickComponent(token);
    const evaluated = await waitForEvaluation(token, name);
    log(`${name} has ${evaluated} control results in the backend`);
    log(`Opening the Compliance tab of ${name}`);
    await page.goto(`${FRONTEND}/catalog/default/component/${name}`);
    // Entity page tabs are links to the tab's sub-path.
    const tab = page
      .locator(`a[href$="/component/${name}/compliance"]`)
      .first();
    await tab.waitFor({ timeout: 120_000 });
    await tab.click();
    await page.waitForURL(/\/compliance$/);

    const meter = page.getByRole('meter', { name: 'Score' });
    await meter.waitFor({ timeout: 60_000 });
    const scoreText = await meter.getAttribute('aria-valuetext');
    log(`Score: ${scoreText}`);
    assert.ok(scoreText, 'the score gauge has a value');

    const controls = page.getByTestId('compliance-control');
    await controls.first().waitFor({ timeout: 30_000 });
    const count = await controls.count();
    log(`Controls shown: ${count}`);
    assert.ok(count > 0, 'controls are listed');
    await page.getByText('No AI insight yet').waitFor();
    await page.waitForTimeout(1000); // let the lazily loaded charts paint
    await page.screenshot({
      path: resolve(outDir, 'compliance-tab.png'),
      fullPage: true,
    });
    log('Saved e2e-output/compliance-tab.png');

    log('Opening the overview page from the sidebar');
    await page.locator('a[href="/compliance"]').first().click();
    await page.waitForURL(/\/compliance$/);
    const rows = page.getByTestId('compliance-overview-row');
    await rows.first().waitFor({ timeout: 60_000 });
    const rowCount = await rows.count();
    log(`Overview rows: ${rowCount}`);
    assert.ok(rowCount > 0, 'the overview lists entities');
    await page
      .locator(
        `[data-testid="compliance-overview-row"] a[href$="/component/${name}"]`,
      )
      .first()
      .waitFor({ timeout: 10_000 });
    await page.waitForTimeout(1000);
    await page.screenshot({
      path: resolve(outDir, 'compliance-overview.png'),
      fullPage: true,
    });
    log('Saved e2e-output/compliance-overview.png');
    log('E2E PASSED');
  } finally {
    await browser?.close();
    await stop();
  }
}

main().catch(e => {
  console.error('E2E FAILED:', e);
  process.exit(1);
});
