/*
 * CI signals end to end: the example backend pushes a CI history for the
 * example components through POST /api/compliance/ci/runs (no GitHub token),
 * and the Compliance tab's CI section lists their checks with figures.
 */
import { expect, test } from '@playwright/test';
import { getJson, guestToken, signInAsGuest } from './support';

/**
 * Jenkins-built in the example history; its repository is not on the fake
 * GitHub, so its CI section shows the pushed runs.
 */
const COMPONENT = 'ledger-service';

test('the CI section shows the checks of the pushed history', async ({
  page,
}) => {
  const token = await guestToken();
  // The example module pushes once the catalog has the examples.
  let summary: any;
  await expect
    .poll(
      async () => {
        const facts = await getJson<{ items: any[] }>(
          token,
          `/api/compliance/entities/component/default/${COMPONENT}/facts?prefix=ci.pushed`,
        ).catch(() => ({ items: [] }));
        summary = facts.items.find(
          f => f.factId === 'ci.pushed.summary',
        )?.value;
        return summary?.runs ?? 0;
      },
      { timeout: 240_000, intervals: [5_000] },
    )
    .toBeGreaterThan(0);
  const integration = summary.checks.find((c: any) => c.name === 'e2e');
  expect(integration.runs).toBeGreaterThan(5);

  await signInAsGuest(page, 'light');
  await page.goto(`/catalog/default/component/${COMPONENT}/compliance`);
  const rows = page.getByTestId('ci-check-row');
  await expect(rows.first()).toBeVisible({ timeout: 120_000 });
  const row = rows.filter({ hasText: /^e2e/ });
  await expect(row).toContainText('push');
  // The figures of the pushed history: its run count and pass rate.
  await expect(row).toContainText(String(integration.runs));
  await expect(row).toContainText(`${Math.round(integration.passRate * 100)}%`);
  await expect(page.getByTestId('ci-pass-rate')).toHaveText(
    `${Math.round(summary.passRate * 100)}%`,
  );
});
