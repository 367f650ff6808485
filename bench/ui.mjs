// Browser benchmark of the compliance UI: `yarn bench:ui` at the repo root.
//
// 1. Render time, in headless Chromium against the example app: from
//    navigation to the Compliance tab showing 40 controls, then to the
//    365-day trend drawn. The compliance API answers are synthetic
//    (page.route) so every run measures the same 40 controls and 365 points
//    whatever the backend holds; everything else is the real app.
// 2. Initial JavaScript the plugin adds: the example app is built twice,
//    with and without the plugin (app.packages.exclude), and the scripts
//    index.html loads up front are compared. Also reports whether recharts
//    is in an initial chunk and how big the lazy chunks are.
//
// 3. The same render timings on a production build (the adopter's case):
//    `backstage-cli package build` of the app, served statically by the
//    backend's app-backend on :7007 (`yarn workspace backend start`).
//
// Besides navigation -> controls, each run reports the tab's own share on
// the page's clock: from the catalog's answer for the entity (the catalog's
// entity page has done its part then) to the controls and to the trend,
// and the main thread's long tasks after navigation. These move less with
// the machine's load than the navigation times.
//
// The tab shows failing, warning and passing controls one by one and the
// 10 unknown ones grouped by cause, so "controls shown" is 30 rows plus the
// unknown group. "controls + trend" is navigation until both the controls
// and the default 90-day trend are drawn.
//
// Options (env): BENCH_RUNS (default 5), BENCH_SKIP_BUILD=1,
// BENCH_SKIP_BROWSER=1 (dev server), BENCH_SKIP_PROD=1, BENCH_REUSE_DIST=1
// (production: serve packages/app/dist as built), E2E_BACKEND_URL (another
// port than 7007). Prints figures, the last run's requests and long tasks
// after navigation, and a final JSON line.
import { execFileSync } from 'node:child_process';
import {
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  writeFile,
  cp,
} from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BACKEND,
  FRONTEND,
  launchBrowser,
  log,
  signInAsGuest,
  startApp,
  startServer,
} from '../scripts/example-app.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ENTITY = 'bench-service';

// ---------------------------------------------------------------- fixtures
function counts(p = {}) {
  return {
    pass: 0,
    warn: 0,
    fail: 0,
    unknown: 0,
    not_applicable: 0,
    waived: 0,
    ...p,
  };
}

function syntheticData() {
  const now = Date.now();
  const iso = h => new Date(now - h * 3600_000).toISOString();
  const ref = `component:default/${ENTITY}`;
  const statuses = ['pass', 'fail', 'warn', 'unknown'];
  const categories = [
    'branch-protection',
    'ci',
    'repository',
    'security',
    'ownership',
  ];
  const items = Array.from({ length: 40 }, (_, i) => {
    const id = `control-${i + 1}`;
    const status = statuses[i % statuses.length];
    return {
      entityRef: ref,
      controlId: id,
      status,
      reason: `Synthetic reason for ${id}`,
      unknownReason: status === 'unknown' ? 'no_credentials' : undefined,
      evidence: [
        { factId: `github.fact${i}`, value: i % 2 === 0, observedAt: iso(2) },
      ],
      controlVersion: 'v1',
      evaluatedAt: iso(1),
      statusSince: iso(30),
      control: {
        id,
        title: `Synthetic control ${i + 1}`,
        description: 'Benchmark control',
        category: categories[i % categories.length],
        severity: ['critical', 'high', 'medium', 'low'][i % 4],
        weight: 5,
        version: 'v1',
        source: 'builtin',
        facts: [`github.fact${i}`],
        rule: {
          pass: { fact: `github.fact${i}`, operator: 'equal', value: true },
        },
        frameworks: { soc2: ['CC8.1'] },
        remediation: { text: 'Fix it', url: 'https://example.com' },
      },
    };
  });
  const summary = {
    entityRef: ref,
    kind: 'component',
    namespace: 'default',
    name: ENTITY,
    score: 61.5,
    coverage: 0.75,
    knownWeight: 150,
    applicableWeight: 200,
    counts: counts({ pass: 10, fail: 10, warn: 10, unknown: 10 }),
    level: { id: 'bronze', title: 'Bronze' },
    categories: {},
    frameworks: {
      soc2: {
        score: 60,
        coverage: 0.8,
        knownWeight: 8,
        applicableWeight: 10,
        counts: counts(),
      },
      iso27001: {
        score: 70,
        coverage: 0.7,
        knownWeight: 7,
        applicableWeight: 10,
        counts: counts(),
      },
      openssf: {
        score: 50,
        coverage: 0.6,
        knownWeight: 6,
        applicableWeight: 10,
        counts: counts(),
      },
    },
    evaluatedAt: iso(1),
    collectedAt: { github: iso(2) },
  };
  const history = days => ({
    entityRef: ref,
    points: Array.from({ length: days }, (_, i) => ({
      day: new Date(now - (days - 1 - i) * 86400_000)
        .toISOString()
        .slice(0, 10),
      score: 40 + ((i * 7) % 50),
      coverage: 0.7 + (i % 10) / 100,
      level: 'bronze',
      counts: counts({ pass: 10, fail: 10 }),
    })),
    changes: [],
  });
  return { summary, results: { items }, history, facts: { items: [] } };
}

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: ENTITY,
    namespace: 'default',
    uid: 'bench-uid',
    etag: 'bench',
    title: 'Bench Service',
  },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/guests',
  },
  relations: [],
};

// ---------------------------------------------------------------- browser
function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const pick = q =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return {
    runs: values.length,
    min: Math.round(sorted[0]),
    median: Math.round(pick(0.5)),
    p90: Math.round(pick(0.9)),
    max: Math.round(sorted[sorted.length - 1]),
  };
}

/** Rows of the synthetic entity the tab lists one by one (not unknown). */
const ROWS = 30;

async function benchBrowser(
  base = FRONTEND,
  start = () => startApp({ cwd: root }),
) {
  const stop = await start();
  const data = syntheticData();
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({
      viewport: { width: 1440, height: 1000 },
    });
    // Serve the bench entity from the catalog and its compliance data.
    await context.route(
      /\/api\/catalog\/entities\/by-name\/component\/default\/bench-service/,
      r => r.fulfill({ json: entity }),
    );
    await context.route(/\/api\/catalog\/entities\/by-refs/, r =>
      r.fulfill({ json: { items: [entity] } }),
    );
    await context.route(
      /\/api\/compliance\/entities\/component\/default\/bench-service(\/.*)?(\?.*)?$/,
      r => {
        const url = new URL(r.request().url());
        const tail = url.pathname.split('/bench-service')[1] ?? '';
        if (tail === '' || tail === '/')
          return r.fulfill({ json: data.summary });
        if (tail === '/results') return r.fulfill({ json: data.results });
        if (tail === '/history') {
          return r.fulfill({
            json: data.history(Number(url.searchParams.get('days') ?? 90)),
          });
        }
        if (tail === '/facts') return r.fulfill({ json: data.facts });
        return r.continue();
      },
    );
    const page = await context.newPage();
    await signInAsGuest(page, base);

    let profile;
    const toControls = [];
    const toControlsAndTrend = [];
    const toTrend = [];
    const total = [];
    // The tab's own share, less skewed by the catalog's page and the
    // machine's load: from the entity's answer (the catalog page has then
    // done its part) to the controls and the trend, on the page's clock;
    // and the main thread's long tasks after navigation.
    const entityToControls = [];
    const entityToControlsAndTrend = [];
    const blocked = [];
    for (let i = 0; i < RUNS + 1; i++) {
      // Leave the entity page so each run mounts the tab from scratch.
      await page.goto(`${base}/catalog`);
      await page.locator('a[href="/compliance"]').first().waitFor();
      const cdp =
        i === RUNS && process.env.BENCH_CPU_PROFILE
          ? await startCpuProfile(page)
          : undefined;
      const t0 = Date.now();
      await page.evaluate(path => {
        performance.setResourceTimingBufferSize(1000);
        performance.clearResourceTimings();
        window.__benchT0 = performance.now();
        window.__benchLongTasks = [];
        if (
          !window.__benchObserver &&
          PerformanceObserver.supportedEntryTypes?.includes('longtask')
        ) {
          window.__benchObserver = new PerformanceObserver(list => {
            window.__benchLongTasks?.push(
              ...list.getEntries().map(e => [e.startTime, e.duration]),
            );
          });
          window.__benchObserver.observe({ entryTypes: ['longtask'] });
        }
        window.history.pushState({}, '', path);
        window.dispatchEvent(new PopStateEvent('popstate'));
      }, `/catalog/default/component/${ENTITY}/compliance`);
      await page.waitForFunction(
        rows => {
          const shown =
            document.querySelectorAll('[data-testid="compliance-control"]')
              .length >= rows &&
            document.querySelector('[data-testid="compliance-unknown-group"]');
          if (shown) window.__benchControlsAt = performance.now();
          return shown;
        },
        ROWS,
        { timeout: 60_000, polling: 'raf' },
      );
      const t1 = Date.now();
      await page.waitForFunction(
        () => {
          const drawn =
            document.querySelector(
              '[data-testid="compliance-trend"][data-points="90"] .recharts-line-curve',
            ) !== null;
          if (drawn) window.__benchTrendAt = performance.now();
          return drawn;
        },
        null,
        { timeout: 60_000, polling: 'raf' },
      );
      const t1b = Date.now();
      const tab = await tabTimes(page);
      if (i === RUNS) profile = await waterfall(page);
      if (cdp) await stopCpuProfile(cdp, process.env.BENCH_CPU_PROFILE);
      await page.getByRole('button', { name: '1 year' }).click();
      await page.waitForFunction(
        () =>
          document.querySelector(
            '[data-testid="compliance-trend"][data-points="365"] .recharts-line-curve',
          ) !== null,
        null,
        { timeout: 60_000, polling: 'raf' },
      );
      const t2 = Date.now();
      if (i === 0) {
        log(`warm-up: controls ${t1 - t0} ms, +365-day trend ${t2 - t1} ms`);
        continue; // the first run also loads the lazy chunks
      }
      toControls.push(t1 - t0);
      toControlsAndTrend.push(t1b - t0);
      entityToControls.push(tab.entityToControls);
      entityToControlsAndTrend.push(tab.entityToTrend);
      blocked.push(tab.longTaskMs);
      toTrend.push(t2 - t1b);
      total.push(t2 - t0);
    }

    // A cold load: a fresh page straight onto the tab (includes app boot).
    const cold = await context.newPage();
    const c0 = Date.now();
    await cold.goto(`${base}/catalog/default/component/${ENTITY}/compliance`);
    await cold.waitForFunction(
      rows =>
        document.querySelectorAll('[data-testid="compliance-control"]')
          .length >= rows,
      ROWS,
      { timeout: 120_000, polling: 'raf' },
    );
    const coldMs = Date.now() - c0;
    return {
      controls: 40,
      trendDays: 365,
      navigationToControlsMs: stats(toControls),
      navigationToControlsAnd90DayTrendMs: stats(toControlsAndTrend),
      rangeClickTo365DayTrendMs: stats(toTrend),
      navigationToControlsAndTrendMs: stats(total),
      entityToControlsMs: stats(entityToControls),
      entityToControlsAnd90DayTrendMs: stats(entityToControlsAndTrend),
      longTaskMsAfterNavigation: stats(blocked),
      coldLoadToControlsMs: coldMs,
      server: base,
      profile,
    };
  } finally {
    await browser.close();
    await stop();
  }
}

/** The tab's share of a run (page clock): see benchBrowser. */
async function tabTimes(page) {
  return page.evaluate(() => {
    const t0 = window.__benchT0;
    const entity = performance
      .getEntriesByType('resource')
      .filter(
        e => e.startTime >= t0 - 1 && e.name.includes('/entities/by-name/'),
      )
      .map(e => e.responseEnd)[0];
    const from = entity ?? t0;
    return {
      entityToControls: window.__benchControlsAt - from,
      entityToTrend: window.__benchTrendAt - from,
      longTaskMs: (window.__benchLongTasks ?? [])
        .filter(([s]) => s >= t0 - 1)
        .reduce((n, [, d]) => n + d, 0),
    };
  });
}

/**
 * What the last run did after navigation, on the page's own clock: every
 * request (start, end, bytes) and the main-thread long tasks, so a waterfall
 * or a blocking script shows up in the output.
 */
async function waterfall(page) {
  return page.evaluate(() => {
    const t0 = window.__benchT0;
    const round = n => Math.round(n);
    const requests = performance
      .getEntriesByType('resource')
      .filter(e => e.startTime >= t0 - 1)
      .map(e => ({
        url: new URL(e.name).pathname.slice(0, 90),
        start: round(e.startTime - t0),
        end: round(e.responseEnd - t0),
        bytes: e.encodedBodySize,
      }))
      .sort((a, b) => a.start - b.start);
    const longTasks = (window.__benchLongTasks ?? [])
      .filter(([s]) => s >= t0 - 1)
      .map(([s, d]) => ({ start: round(s - t0), ms: round(d) }));
    return { requests, longTasks };
  });
}

/** BENCH_CPU_PROFILE=file.cpuprofile: the last run's CPU profile (DevTools). */
async function startCpuProfile(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.send('Profiler.start');
  return cdp;
}

async function stopCpuProfile(cdp, file) {
  const { profile } = await cdp.send('Profiler.stop');
  await writeFile(file, JSON.stringify(profile));
  log(`CPU profile of the last run written to ${file}`);
  await cdp.detach();
}

function printWaterfall(label, profile) {
  if (!profile) return;
  console.log(`[${label}] requests after navigation (last run, page clock):`);
  for (const r of profile.requests) {
    console.log(
      `  ${String(r.start).padStart(5)} -> ${String(r.end).padStart(
        5,
      )} ms ${String(r.bytes).padStart(8)} B  ${r.url}`,
    );
  }
  const blocked = profile.longTasks.reduce((n, t) => n + t.ms, 0);
  console.log(
    `[${label}] long tasks: ${
      profile.longTasks.length
    }, ${blocked} ms in total: ${profile.longTasks
      .map(t => `${t.start}+${t.ms}`)
      .join(' ')}`,
  );
}

// ---------------------------------------------------------------- bundle
async function initialScripts(distDir) {
  const html = await readFile(join(distDir, 'index.html'), 'utf8');
  const srcs = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)].map(
    m => m[1],
  );
  let bytes = 0;
  let gzip = 0;
  const files = [];
  for (const src of srcs) {
    const file = join(distDir, src.replace(/^\//, ''));
    const buf = await readFile(file);
    bytes += buf.length;
    gzip += gzipSync(buf).length;
    files.push({ file: src, bytes: buf.length, text: buf.toString('utf8') });
  }
  return { bytes, gzip, files };
}

async function allScripts(distDir) {
  const dir = join(distDir, 'static');
  const names = (await readdir(dir)).filter(n => n.endsWith('.js'));
  return Promise.all(
    names.map(async n => {
      const buf = await readFile(join(dir, n));
      return {
        file: `/static/${n}`,
        bytes: buf.length,
        text: buf.toString('utf8'),
      };
    }),
  );
}

function build(extraConfig) {
  const args = ['workspace', 'app', 'build'];
  if (extraConfig) {
    args.push(
      '--config',
      join(root, 'app-config.yaml'),
      '--config',
      extraConfig,
    );
  }
  execFileSync('yarn', args, {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function benchBundle() {
  const distDir = join(root, 'packages/app/dist');
  const work = await mkdtemp(join(tmpdir(), 'compliance-bench-'));
  try {
    log('Building the example app without the compliance plugin');
    const exclude = join(work, 'exclude.yaml');
    await writeFile(
      exclude,
      'app:\n  packages:\n    exclude:\n      - backstage-plugin-compliance\n',
    );
    let t = Date.now();
    build(exclude);
    const without = await initialScripts(distDir);
    log(`  built in ${Math.round((Date.now() - t) / 1000)} s`);
    await cp(distDir, join(work, 'without'), { recursive: true });

    log('Building the example app with the compliance plugin');
    t = Date.now();
    build();
    log(`  built in ${Math.round((Date.now() - t) / 1000)} s`);
    const withPlugin = await initialScripts(distDir);
    const all = await allScripts(distDir);

    // Markers: recharts' own class name, and strings only our plugin has.
    const isRecharts = f => f.text.includes('recharts-responsive-container');
    const isOurs = f =>
      f.text.includes('compliance-control') ||
      f.text.includes('plugin.compliance.service');
    const initialFiles = new Set(withPlugin.files.map(f => f.file));
    const lazy = all.filter(f => !initialFiles.has(f.file));
    const lazyOurs = lazy.filter(f => isOurs(f) || isRecharts(f));
    return {
      initialJsBytesWithout: without.bytes,
      initialJsBytesWith: withPlugin.bytes,
      initialJsBytesAdded: withPlugin.bytes - without.bytes,
      initialJsGzipAdded: withPlugin.gzip - without.gzip,
      rechartsInInitialChunks: withPlugin.files.some(isRecharts),
      rechartsLazyChunks: lazy
        .filter(isRecharts)
        .map(f => ({ file: f.file, bytes: f.bytes })),
      pluginLazyChunkBytes: lazyOurs.reduce((n, f) => n + f.bytes, 0),
      pluginLazyChunks: lazyOurs.length,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- production
/**
 * The production build served statically by the backend (app-backend) on
 * :7007: builds the app unless packages/app/dist exists from this run.
 */
async function startProduction(built) {
  if (!built) {
    log('Building the example app for production');
    const t = Date.now();
    build();
    log(`  built in ${Math.round((Date.now() - t) / 1000)} s`);
  }
  log(`Starting the backend alone, serving the built app on ${BACKEND}`);
  return startServer({
    cwd: root,
    command: 'yarn',
    args: ['workspace', 'backend', 'start'],
    env: { ...process.env, FORCE_COLOR: '0', ...portConfig(BACKEND) },
    what: 'the backend serving the built app',
    urls: [`${BACKEND}/.backstage/health/v1/readiness`, `${BACKEND}/catalog`],
  });
}

/** Serves the backend on E2E_BACKEND_URL's port when that is not 7007. */
function portConfig(url) {
  const { port } = new URL(url);
  if (!port || port === '7007') return {};
  return {
    APP_CONFIG_backend_listen_port: port,
    APP_CONFIG_backend_baseUrl: url,
    APP_CONFIG_app_baseUrl: url,
  };
}

function printRender(label, r) {
  console.log(
    `[${label}] navigation -> ${ROWS} control rows + unknown group: median ${r.navigationToControlsMs.median} ms (p90 ${r.navigationToControlsMs.p90} ms)`,
  );
  console.log(
    `[${label}] navigation -> controls + 90-day trend drawn: median ${r.navigationToControlsAnd90DayTrendMs.median} ms (p90 ${r.navigationToControlsAnd90DayTrendMs.p90} ms)`,
  );
  console.log(
    `[${label}] "1 year" click -> 365-day trend drawn: median ${r.rangeClickTo365DayTrendMs.median} ms (p90 ${r.rangeClickTo365DayTrendMs.p90} ms)`,
  );
  console.log(
    `[${label}] entity answered -> controls: median ${r.entityToControlsMs.median} ms; -> controls + 90-day trend: median ${r.entityToControlsAnd90DayTrendMs.median} ms; long tasks after navigation: median ${r.longTaskMsAfterNavigation.median} ms`,
  );
  console.log(
    `[${label}] cold page load -> controls: ${r.coldLoadToControlsMs} ms`,
  );
  printWaterfall(label, r.profile);
}

// ---------------------------------------------------------------- main
async function main() {
  const result = { benchmark: 'compliance-ui' };
  // Other work on the machine skews the figures: report its load.
  const loadStart = loadavg()[0];
  if (process.env.BENCH_SKIP_BROWSER !== '1') {
    log(`Dev server: the Compliance tab (${RUNS} runs after a warm-up)`);
    result.render = await benchBrowser();
    printRender('dev', result.render);
  }
  if (process.env.BENCH_SKIP_BUILD !== '1') {
    result.bundle = await benchBundle();
    const b = result.bundle;
    const kb = n => `${(n / 1024).toFixed(1)} KiB`;
    console.log(
      `initial JS without plugin: ${kb(b.initialJsBytesWithout)}; with: ${kb(
        b.initialJsBytesWith,
      )}`,
    );
    console.log(
      `initial JS added by plugin: ${kb(b.initialJsBytesAdded)} (${kb(
        b.initialJsGzipAdded,
      )} gzip)`,
    );
    console.log(`recharts in initial chunks: ${b.rechartsInInitialChunks}`);
    console.log(
      `plugin + recharts lazy chunks: ${b.pluginLazyChunks} files, ${kb(
        b.pluginLazyChunkBytes,
      )}`,
    );
  }
  if (process.env.BENCH_SKIP_PROD !== '1') {
    log(`Production build: the Compliance tab (${RUNS} runs after a warm-up)`);
    // The bundle step left the build; BENCH_REUSE_DIST=1 reuses an earlier one.
    const built =
      Boolean(result.bundle) || process.env.BENCH_REUSE_DIST === '1';
    result.production = await benchBrowser(BACKEND, () =>
      startProduction(built),
    );
    printRender('production', result.production);
  }
  result.loadAverage1m = { start: loadStart, end: loadavg()[0] };
  for (const r of [result.render, result.production]) delete r?.profile;
  console.log(JSON.stringify(result));
}

main().catch(e => {
  console.error('BENCH FAILED:', e);
  process.exit(1);
});
