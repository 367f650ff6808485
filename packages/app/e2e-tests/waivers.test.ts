/*
 * The waiver workflow end to end in Chromium: request a waiver on the
 * Compliance tab, approve it (the example app's permission policy allows
 * everything, so the signed-in guest holds compliance.waiver.approve like an
 * admin), and see the control shown as waived with the approver and expiry.
 * The request reaches the approvers through the notifications backend.
 */
import { expect, test, type Page } from '@playwright/test';
import {
  BACKEND,
  SCREENSHOTS,
  getJson,
  guestToken,
  signInAsGuest,
  waitForEvaluation,
} from './support';

/** Not used by the other specs: its waivers change nothing they check. */
const ENTITY = 'ledger-service';
const path = `/api/compliance/entities/component/default/${ENTITY}`;

type Result = {
  controlId: string;
  status: string;
  reason: string;
  control: { title: string };
};
type Waiver = {
  id: string;
  controlId: string;
  source: string;
  status: string;
};

async function post(token: string, url: string, body: object = {}) {
  const res = await fetch(`${BACKEND}${url}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${url}: HTTP ${res.status}`);
}

/** A control the catalog data fails or warns on, and no open waiver for it. */
async function candidate(token: string): Promise<Result> {
  const { items } = await getJson<{ items: Result[] }>(
    token,
    `${path}/results`,
  );
  const open = await getJson<{ items: Waiver[] }>(token, `${path}/waivers`);
  const control = items.find(
    r =>
      (r.status === 'fail' || r.status === 'warn') &&
      !open.items.some(w => w.controlId === r.controlId),
  );
  if (control) return control;
  // A reused app keeps the waivers of an earlier run: revoke them.
  for (const w of open.items) {
    if (w.source === 'api' && ['requested', 'approved'].includes(w.status)) {
      await post(token, `/api/compliance/waivers/${w.id}/revoke`);
    }
  }
  const again = await getJson<{ items: Result[] }>(token, `${path}/results`);
  const found = again.items.find(
    r => r.status === 'fail' || r.status === 'warn',
  );
  if (!found) throw new Error(`${ENTITY} has no failing or warning control`);
  return found;
}

async function openTab(page: Page) {
  await page.evaluate(to => {
    window.history.pushState({}, '', to);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, `/catalog/default/component/${ENTITY}`);
  await page
    .locator(`a[href$="/component/${ENTITY}/compliance"]`)
    .first()
    .click({ timeout: 120_000 });
  await page.waitForURL(/\/compliance$/);
  await expect(page.getByRole('meter', { name: 'Score' })).toBeVisible({
    timeout: 60_000,
  });
}

test('request a waiver on the tab, approve it, see the control waived with approver and expiry', async ({
  page,
}) => {
  const token = await guestToken();
  await waitForEvaluation(token, { kind: 'component', name: ENTITY });
  const control = await candidate(token);
  const expires = new Date(Date.now() + 20 * 86_400_000)
    .toISOString()
    .slice(0, 10);

  await signInAsGuest(page, 'light');
  await openTab(page);

  // Request.
  const form = page.getByRole('form', { name: 'Request a waiver' });
  await form.scrollIntoViewIfNeeded();
  await form.getByRole('button', { name: /Control/ }).click();
  await page
    .getByRole('option', { name: new RegExp(`^${control.controlId} `) })
    .click();
  await form
    .getByLabel('Reason')
    .fill('Accepted until the service moves to the new platform');
  await form.getByLabel('Expires').fill(expires);
  await form.getByRole('button', { name: 'Request waiver' }).click();

  const row = page.getByTestId(`waiver-${control.controlId}`).first();
  await expect(row).toContainText('requested');
  await expect(row).toContainText(/user:[a-z]+\/guest/);

  // The approvers are notified (the example lists the guest among them),
  // through the notifications backend, with a link to the Compliance tab.
  const title = new RegExp(`^Waiver requested for ${control.controlId} `);
  await expect
    .poll(
      async () => {
        const { notifications } = await getJson<{
          notifications: { payload: { title: string; link?: string } }[];
        }>(token, '/api/notifications/notifications?limit=50');
        return notifications.find(n => title.test(n.payload.title))?.payload
          .link;
      },
      { timeout: 30_000, intervals: [1000] },
    )
    .toBe(`/catalog/default/component/${ENTITY}/compliance`);

  // Approve.
  await row.getByRole('button', { name: 'Approve' }).click();
  await expect(row).toContainText('approved');
  const cells = row.getByRole('cell');
  // Approver and expiry columns.
  await expect(cells.nth(4)).toHaveText(/user:[a-z]+\/guest/);
  await expect(cells.nth(5)).not.toHaveText('—');

  // The control itself is waived, naming the approver and the expiry.
  const id = control.controlId.replace(/[^A-Za-z0-9_-]/g, '_');
  const header = page.locator(`#compliance-control-${id}-header`).first();
  await expect(header).toContainText(/waived/i, { timeout: 60_000 });
  await header.click();
  const details = page.locator(`#compliance-control-${id}-content`).first();
  await expect(details).toContainText(/approved by user:[a-z]+\/guest/);
  await expect(details).toContainText(`until ${expires}`);

  // The API agrees.
  const { items } = await getJson<{ items: Result[] }>(
    token,
    `${path}/results`,
  );
  expect(items.find(r => r.controlId === control.controlId)?.status).toBe(
    'waived',
  );
  await page.screenshot({
    path: `${SCREENSHOTS}/waiver-approved.png`,
    fullPage: true,
  });

  // The request in the approver's notifications page.
  await page.evaluate(() => {
    window.history.pushState({}, '', '/notifications');
    window.dispatchEvent(new PopStateEvent('popstate'));
  });
  await expect(page.getByText(title).first()).toBeVisible({ timeout: 60_000 });
  await page.screenshot({
    path: `${SCREENSHOTS}/waiver-notification.png`,
    fullPage: true,
  });
});
