/*
 * The compliance UI in the example app, end to end in Chromium: the
 * Compliance tab of a component and the org overview, in light and dark
 * themes. Screenshots go to e2e-output/ (ignored).
 */
import { expect, test } from '@playwright/test';
import {
  SCREENSHOTS,
  entityNames,
  guestToken,
  signInAsGuest,
  waitForEvaluation,
} from './support';

const target = { component: 'payments-api' };

test.beforeAll(async () => {
  const token = await guestToken();
  const names = await entityNames(token, 'component');
  expect(names.length, 'the catalog has components').toBeGreaterThan(0);
  target.component =
    process.env.E2E_ENTITY ??
    (names.includes(target.component) ? target.component : names[0]);
  await waitForEvaluation(token, { kind: 'component', name: target.component });
});

for (const theme of ['light', 'dark'] as const) {
  test(`the Compliance tab and the overview (${theme} theme)`, async ({
    page,
  }) => {
    const { component } = target;
    await signInAsGuest(page, theme);

    await page.goto(`/catalog/default/component/${component}`);
    // Entity page tabs are links to the tab's sub-path.
    await page
      .locator(`a[href$="/component/${component}/compliance"]`)
      .first()
      .click({ timeout: 120_000 });
    await page.waitForURL(/\/compliance$/);

    const meter = page.getByRole('meter', { name: 'Score' });
    await expect(meter).toHaveAttribute('aria-valuetext', /.+/);
    const controls = page.getByTestId('compliance-control');
    await expect(controls.first()).toBeVisible();
    expect(await controls.count()).toBeGreaterThan(0);
    await expect(page.getByText('No AI insight yet')).toBeVisible();
    await page.waitForTimeout(1000); // let the lazily loaded charts paint
    await page.screenshot({
      path: `${SCREENSHOTS}/tab-no-github-${theme}.png`,
      fullPage: true,
    });

    await page.locator('a[href="/compliance"]').first().click();
    await page.waitForURL(/\/compliance$/);
    const rows = page.getByTestId('compliance-overview-row');
    await expect(rows.first()).toBeVisible({ timeout: 60_000 });
    await expect(
      page
        .locator(
          `[data-testid="compliance-overview-row"] a[href$="/component/${component}"]`,
        )
        .first(),
    ).toBeVisible();
    await page.waitForTimeout(1000);
    await page.screenshot({
      path: `${SCREENSHOTS}/overview-${theme}.png`,
      fullPage: true,
    });
  });
}
