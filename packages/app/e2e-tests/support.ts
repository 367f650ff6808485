/*
 * Helpers of the end-to-end tests: sign in, REST calls to the example
 * backend with a guest token, waiting for the first evaluation.
 */
import { expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const BACKEND = process.env.E2E_BACKEND_URL ?? 'http://localhost:7007';

/** Where screenshots go: an ignored output directory, never committed. */
export const SCREENSHOTS = 'e2e-output';

/** Opens the app and signs in as guest ("Enter"). */
export async function signInAsGuest(page: Page, theme: 'light' | 'dark') {
  // The user settings plugin keeps the theme in local storage.
  await page.addInitScript(t => {
    window.localStorage.setItem('theme', t);
  }, theme);
  await page.goto('/', { waitUntil: 'domcontentloaded' });
  const enter = page.getByRole('button', { name: 'Enter' });
  await enter.waitFor({ timeout: 120_000 });
  await enter.click();
  await enter.waitFor({ state: 'detached', timeout: 60_000 });
}

/** A guest token for REST calls. */
export async function guestToken(): Promise<string> {
  const res = await fetch(`${BACKEND}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  if (!res.ok) throw new Error(`guest refresh failed: ${res.status}`);
  const body = await res.json();
  return body.backstageIdentity.token;
}

export async function getJson<T = any>(token: string, path: string) {
  const res = await fetch(`${BACKEND}${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** Names of the catalog's entities of a kind. */
export async function entityNames(token: string, kind: string) {
  const body = await getJson<{ items: { metadata: { name: string } }[] }>(
    token,
    `/api/catalog/entities/by-query?filter=kind=${kind}&fields=metadata.name&limit=200`,
  );
  return body.items.map(i => i.metadata.name);
}

/**
 * Waits until the compliance backend has results for the entity (a fresh
 * backend collects and evaluates on its first scheduler runs).
 */
export async function waitForEvaluation(
  token: string,
  ref: { kind: string; name: string; namespace?: string },
  timeoutMs = 240_000,
) {
  const path = `/api/compliance/entities/${ref.kind.toLocaleLowerCase(
    'en-US',
  )}/${ref.namespace ?? 'default'}/${ref.name}/results`;
  let count = 0;
  await expect
    .poll(
      async () => {
        try {
          count = (await getJson<{ items: unknown[] }>(token, path)).items
            .length;
        } catch {
          count = 0;
        }
        return count;
      },
      {
        message: `${ref.kind}:${ref.name} is evaluated`,
        timeout: timeoutMs,
        intervals: [2000],
      },
    )
    .toBeGreaterThan(0);
  return count;
}

/**
 * No axe violations (WCAG 2.1 A and AA rules) inside the element of a
 * selector: the compliance UI, not the rest of the app.
 */
export async function expectNoAxeViolations(page: Page, selector: string) {
  await page.locator(selector).first().waitFor();
  const { violations } = await new AxeBuilder({ page })
    .include(selector)
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  expect(
    violations.map(
      v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(' | ')}`,
    ),
  ).toEqual([]);
}
