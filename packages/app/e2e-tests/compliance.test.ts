/*
 * The compliance UI in the example app, end to end in Chromium, in light and
 * dark themes: the Compliance tab of a component without GitHub data (no
 * repository), of one with GitHub data (replayed from the GitHub module's
 * recorded answers by scripts/fake-github.mjs), a System's tab, and the org
 * overview. Screenshots go to e2e-output/ (ignored, never committed).
 */
import { expect, test, type Page } from '@playwright/test';
import {
  SCREENSHOTS,
  expectNoAxeViolations,
  getJson,
  guestToken,
  signInAsGuest,
  waitForEvaluation,
} from './support';

/** No repository annotation: every GitHub control is unknown. */
const NO_GITHUB = 'recommendations-ml';
/** The fake GitHub API replays recorded answers for this one. */
const WITH_GITHUB = 'payments-api';
const SYSTEM = 'payments';

type Result = {
  controlId: string;
  status: string;
  control: { title: string; weight: number };
};
type Summary = {
  coverage: number;
  knownWeight: number;
  nextLevel?: { missingControls: string[] };
};

const entityPath = (kind: string, name: string) =>
  `/api/compliance/entities/${kind}/default/${name}`;

async function load(token: string, kind: string, name: string) {
  const summary = await getJson<Summary>(token, entityPath(kind, name));
  const { items } = await getJson<{ items: Result[] }>(
    token,
    `${entityPath(kind, name)}/results`,
  );
  return { summary, results: items };
}

/** The fix-first order as the tab must show it, from the API's answers. */
function expectedFixOrder(summary: Summary, results: Result[]) {
  const required = new Set(summary.nextLevel?.missingControls ?? []);
  const gain = (r: Result) =>
    (r.control.weight * (r.status === 'fail' ? 1 : 0.5)) / summary.knownWeight;
  return results
    .filter(r => r.status === 'fail' || r.status === 'warn')
    .sort(
      (a, b) =>
        Number(required.has(b.controlId)) - Number(required.has(a.controlId)) ||
        Math.round(gain(b) * 1000) - Math.round(gain(a) * 1000) ||
        a.control.title.localeCompare(b.control.title),
    )
    .map(r => r.controlId);
}

/**
 * Client-side navigation, as a click on a link does: a full page load of the
 * development bundle costs tens of seconds on a busy machine.
 */
async function navigate(page: Page, path: string) {
  await page.evaluate(to => {
    window.history.pushState({}, '', to);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, path);
}

async function openTab(
  page: Page,
  kind: string,
  name: string,
  onEntityPage?: () => Promise<void>,
) {
  await navigate(page, `/catalog/default/${kind}/${name}`);
  await onEntityPage?.();
  await page
    .locator(`a[href$="/${kind}/${name}/compliance"]`)
    .first()
    .click({ timeout: 120_000 });
  await page.waitForURL(/\/compliance$/);
  await expect(page.getByRole('meter', { name: 'Score' })).toBeVisible({
    timeout: 60_000,
  });
}

async function screenshot(page: Page, name: string) {
  await page.waitForTimeout(500); // let the lazily loaded charts paint
  await page.screenshot({
    path: `${SCREENSHOTS}/${name}.png`,
    fullPage: true,
  });
}

const auth = { token: '' };

test.beforeAll(async () => {
  auth.token = await guestToken();
  const { token } = auth;
  await waitForEvaluation(token, { kind: 'component', name: NO_GITHUB });
  await waitForEvaluation(token, { kind: 'system', name: SYSTEM });
  // The GitHub collector runs 15 s after start; wait for its data.
  await expect
    .poll(
      async () =>
        (
          await load(token, 'component', WITH_GITHUB)
        ).results.filter(
          r => r.controlId.startsWith('GH-') && r.status !== 'unknown',
        ).length,
      { timeout: 240_000, intervals: [3000] },
    )
    .toBeGreaterThan(0);
});

for (const theme of ['light', 'dark'] as const) {
  test.describe(`${theme} theme`, () => {
    // One signed-in page per theme, navigated client-side from screen to
    // screen like a user would.
    test.describe.configure({ mode: 'serial' });
    let page: Page;
    test.beforeAll(async ({ browser }) => {
      // A page of its own context: the axe checks need one.
      const context = await browser.newContext({
        viewport: { width: 1440, height: 1000 },
      });
      page = await context.newPage();
      await signInAsGuest(page, theme);
    });
    test.afterAll(async () => {
      await page?.context().close();
    });

    test('a component without GitHub data: not enough evidence, unknowns grouped', async () => {
      const { summary, results } = await load(
        auth.token,
        'component',
        NO_GITHUB,
      );
      expect(summary.coverage).toBeLessThan(0.5);
      await openTab(page, 'component', NO_GITHUB, async () => {
        // The card on the entity's overview tab says the same, accessibly.
        const card = page.getByTestId('compliance-card');
        await expect(card).toContainText('Not enough evidence', {
          timeout: 60_000,
        });
        await expectNoAxeViolations(page, '[data-testid="compliance-card"]');
        await screenshot(page, `card-no-github-${theme}`);
      });

      const headline = page.getByTestId('compliance-headline');
      await expect(headline).toContainText('Not enough evidence');
      await expect(headline).toContainText(
        `Only ${Math.round(
          summary.coverage * 100,
        )}% of the weighted controls are known`,
      );
      await expect(page.getByRole('meter', { name: 'Score' })).toHaveAttribute(
        'aria-valuetext',
        /^Not enough evidence/,
      );
      const unknown = results.filter(r => r.status === 'unknown').length;
      const groups = page.getByTestId('compliance-unknown-group');
      // One group for "no repository" holds the GitHub controls, not one row each.
      await expect(
        groups.filter({ hasText: 'No repository annotation' }),
      ).toHaveCount(1);
      expect(await groups.count()).toBeLessThan(unknown);
      await expect(page.getByTestId('compliance-why')).toContainText(
        /\d+ controls need a linked repository/,
      );
      await groups.filter({ hasText: 'No repository annotation' }).click();
      await expect(page.getByTestId('compliance-unknown-fix')).toContainText(
        'github.com/project-slug',
      );
      await expectNoAxeViolations(page, '[data-testid="compliance-tab"]');
      await screenshot(page, `tab-no-github-${theme}`);
    });

    test('a component with GitHub data: fix-first order', async () => {
      const { summary, results } = await load(
        auth.token,
        'component',
        WITH_GITHUB,
      );
      const expected = expectedFixOrder(summary, results);
      expect(expected.length).toBeGreaterThan(0);
      await openTab(page, 'component', WITH_GITHUB);

      const fixFirst = page.getByTestId('compliance-fix-first');
      await expect(fixFirst).toBeVisible();
      const shown = await fixFirst
        .locator('[data-control-nav]')
        .evaluateAll(els =>
          els.map(e =>
            (e.getAttribute('id') ?? '')
              .replace(/^compliance-control-/, '')
              .replace(/-header$/, ''),
          ),
        );
      expect(shown).toEqual(
        expected.map(id => id.replace(/[^A-Za-z0-9_-]/g, '_')),
      );
      // Keyboard: the arrow keys move between the controls.
      const headers = fixFirst.locator('[data-control-nav]');
      if ((await headers.count()) > 1) {
        await headers.first().focus();
        await page.keyboard.press('ArrowDown');
        await expect(headers.nth(1)).toBeFocused();
      }
      await expect(page.getByTestId('compliance-trend')).toBeVisible({
        timeout: 60_000,
      });
      await expectNoAxeViolations(page, '[data-testid="compliance-tab"]');
      await screenshot(page, `tab-with-github-${theme}`);
    });

    test("a System's tab rolls up its components", async () => {
      await openTab(page, 'system', SYSTEM);
      const rows = page.getByTestId('compliance-system-row');
      await expect(rows.first()).toBeVisible({ timeout: 60_000 });
      await expect(
        rows
          .filter({ hasText: WITH_GITHUB })
          .or(rows.filter({ hasText: 'Payments API' })),
      ).toHaveCount(1);
      await expect(page.getByTestId('compliance-system-average')).toBeVisible();
      await expectNoAxeViolations(page, '[data-testid="compliance-tab"]');
      await screenshot(page, `tab-system-${theme}`);
    });

    test('the overview', async () => {
      await page.locator('a[href="/compliance"]').first().click();
      await page.waitForURL(/\/compliance/);
      const rows = page.getByTestId('compliance-overview-row');
      await expect(rows.first()).toBeVisible({ timeout: 60_000 });
      await expect(
        page
          .locator(
            `[data-testid="compliance-overview-row"] a[href$="/component/${WITH_GITHUB}"]`,
          )
          .first(),
      ).toBeVisible();
      await expectNoAxeViolations(page, '[data-testid="compliance-overview"]');
      await screenshot(page, `overview-${theme}`);

      // The owner filter is a type-ahead catalog picker kept in the URL.
      const owner = page.getByRole('textbox', { name: 'Owner' });
      await owner.fill('guest');
      await page
        .getByRole('option', { name: /^guests/ })
        .first()
        .click();
      await expect(page).toHaveURL(/[?&]owner=group%3Adefault%2Fguests/);
      await page.getByRole('button', { name: 'Clear filters' }).click();
      await expect(page).not.toHaveURL(/[?&]owner=/);
    });
  });
}
