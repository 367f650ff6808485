// The example app for the browser end-to-end tests and the UI benchmark:
// start (or reuse) it, launch the machine's Chromium through playwright-core,
// sign in as guest.
//
// Run directly (`node scripts/example-app.mjs`) it starts the app, prints
// "Example app is up" once the frontend and backend answer, and stops the
// whole process tree on SIGTERM/SIGINT: this is the web server that
// playwright.config.ts starts.
import { spawn, execSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';

export const FRONTEND = process.env.E2E_FRONTEND_URL ?? 'http://localhost:3000';
export const BACKEND = process.env.E2E_BACKEND_URL ?? 'http://localhost:7007';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function log(...args) {
  console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...args);
}

async function isUp(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    return res.status < 500;
  } catch {
    return false;
  }
}

async function waitFor(what, check, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(1000);
  }
  throw new Error(`Timed out after ${timeoutMs / 1000}s waiting for ${what}`);
}

/**
 * Starts `yarn start` (backstage-cli repo start: frontend :3000, backend
 * :7007) unless both already answer. Returns a stop function.
 */
export async function startApp({ cwd, timeoutMs = 300_000 } = {}) {
  const backendHealth = `${BACKEND}/.backstage/health/v1/readiness`;
  if ((await isUp(FRONTEND)) && (await isUp(backendHealth))) {
    log('Reusing the running example app');
    return async () => {};
  }
  const env = { ...process.env, BROWSER: 'none', FORCE_COLOR: '0' };
  let fakeGithub;
  if (process.env.E2E_FAKE_GITHUB === '1') {
    // GitHub data for one example component, replayed from the GitHub
    // module's recorded answers (scripts/fake-github.mjs).
    const { startFakeGithub } = await import('./fake-github.mjs');
    fakeGithub = await startFakeGithub(7099);
    env.APP_CONFIG_integrations_github = JSON.stringify([
      {
        host: 'github.com',
        apiBaseUrl: 'http://127.0.0.1:7099',
        token: 'e2e-fake-token',
      },
    ]);
    log('Fake GitHub API on 127.0.0.1:7099 (replayed fixtures)');
  }
  log('Starting the example app: yarn start');
  const stop = await startServer({
    cwd,
    command: 'yarn',
    args: ['start'],
    env,
    what: 'the backend and frontend',
    urls: [backendHealth, FRONTEND],
    timeoutMs,
    onStop: () => fakeGithub?.close(),
  });
  log('Example app is up');
  return stop;
}

/**
 * Starts a command and waits until every url answers (below 500). Returns
 * a stop function that signals the command's whole process tree by pid
 * (the Backstage CLI starts the backend in its own process group).
 */
export async function startServer({
  cwd,
  command,
  args,
  env,
  what,
  urls,
  timeoutMs = 300_000,
  onStop,
}) {
  const child = spawn(command, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  const output = [];
  const keep = chunk => {
    output.push(chunk.toString());
    if (output.length > 400) output.shift();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const stop = async () => {
    // The CLI starts the backend in its own process group, so collect the
    // whole process tree of our child first and signal each process by id.
    const pids = [child.pid, ...descendants(child.pid)];
    const signal = sig => {
      for (const pid of pids) {
        try {
          process.kill(pid, sig);
        } catch {
          /* already gone */
        }
      }
    };
    signal('SIGTERM');
    for (let i = 0; i < 20 && pids.some(alive); i++) await sleep(500);
    signal('SIGKILL');
    onStop?.();
  };
  try {
    await waitFor(
      what,
      async () => {
        if (exited)
          throw new Error(
            `${command} ${args.join(' ')} exited early:\n${output.join('')}`,
          );
        for (const url of urls) if (!(await isUp(url))) return false;
        return true;
      },
      timeoutMs,
    );
  } catch (e) {
    console.error(output.join('').slice(-8000));
    await stop();
    throw e;
  }
  return stop;
}

function descendants(root) {
  const rows = execSync('ps -e -o pid=,ppid=')
    .toString()
    .trim()
    .split('\n')
    .map(l => l.trim().split(/\s+/).map(Number));
  const out = [];
  const walk = pid => {
    for (const [p, pp] of rows) {
      if (pp === pid) {
        out.push(p);
        walk(p);
      }
    }
  };
  walk(root);
  return out;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function chromiumPath() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execSync('command -v chromium', { shell: '/bin/sh' })
      .toString()
      .trim();
  } catch {
    throw new Error('chromium not found: apt-get install -y chromium');
  }
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** Opens the app and signs in as guest ("Enter"). */
export async function signInAsGuest(page, base = FRONTEND) {
  await page.goto(base, { waitUntil: 'domcontentloaded' });
  const enter = page.getByRole('button', { name: 'Enter' });
  await enter.waitFor({ timeout: 120_000 });
  await enter.click();
  await enter.waitFor({ state: 'detached', timeout: 60_000 });
}

/** A guest token for REST calls. */
export async function guestToken() {
  const res = await fetch(`${BACKEND}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  if (!res.ok) throw new Error(`guest refresh failed: ${res.status}`);
  const body = await res.json();
  return body.backstageIdentity.token;
}

/** Picks the example component: E2E_ENTITY, payments-api, or the first component. */
export async function pickComponent(token) {
  if (process.env.E2E_ENTITY) return process.env.E2E_ENTITY;
  const res = await fetch(
    `${BACKEND}/api/catalog/entities/by-query?filter=kind=component&fields=metadata.name&limit=100`,
    { headers: { authorization: `Bearer ${token}` } },
  );
  if (!res.ok) throw new Error(`catalog query failed: ${res.status}`);
  const names = (await res.json()).items.map(i => i.metadata.name);
  if (names.length === 0) throw new Error('no components in the catalog');
  return names.includes('payments-api') ? 'payments-api' : names[0];
}

/**
 * Waits until the compliance backend has evaluated the entity (a fresh
 * backend collects and evaluates on its first scheduler runs).
 */
export async function waitForEvaluation(token, name, timeoutMs = 300_000) {
  const url = `${BACKEND}/api/compliance/entities/component/default/${name}/results`;
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (res.ok) {
        const { items } = await res.json();
        if (items.length > 0) return items.length;
        last = 'no results yet';
      } else {
        last = `HTTP ${res.status}`;
      }
    } catch (e) {
      last = e.message;
    }
    await sleep(2000);
  }
  throw new Error(
    `${name} was not evaluated within ${timeoutMs / 1000}s (${last})`,
  );
}

// ------------------------------------------------------------ as a command
if (
  process.argv[1] &&
  resolve(process.argv[1]) === fileURLToPath(import.meta.url)
) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const stop = await startApp({ cwd: root });
  log('Example app is up');
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await stop();
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  // Stay alive until signalled.
  setInterval(() => {}, 1 << 30);
}
