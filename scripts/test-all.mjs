#!/usr/bin/env node
/*
 * Runs every test of the suite and prints the totals as one last line:
 * "N passed, N failed".
 *
 *   1. all Jest projects (unit, store on every configured database, router,
 *      backend wiring, UI) through `backstage-cli repo test --ci`
 *   2. the packaging check (`node scripts/packaging-check.mjs`): builds and
 *      packs every published package and checks what adopters would install,
 *      unless SKIP_PACKAGING=1
 *   3. the browser end-to-end tests against the example app (`yarn test:e2e`:
 *      @playwright/test, packages/app/e2e-tests, the machine's Chromium),
 *      unless SKIP_E2E=1
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

function run(cmd, args, env = {}) {
  return new Promise(resolve => {
    let out = '';
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    const tee = stream => chunk => {
      out += chunk.toString();
      stream.write(chunk);
    };
    child.stdout.on('data', tee(process.stdout));
    child.stderr.on('data', tee(process.stderr));
    child.on('close', code => resolve({ code: code ?? 1, out }));
  });
}

const strip = s => s.replace(/\u001b\[[0-9;]*m/g, '');
let passed = 0;
let failed = 0;

// Jest's own totals come from its JSON report: a large run's console
// output can be cut short when the process exits into a pipe.
const report = join(
  mkdtempSync(join(tmpdir(), 'compliance-tests-')),
  'jest.json',
);
const jest = await run(
  'yarn',
  ['backstage-cli', 'repo', 'test', '--ci', '--json', `--outputFile=${report}`],
  { CI: 'true' },
);
let counted = false;
if (existsSync(report)) {
  try {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    // A suite that failed to run (compile error) counts as a failure.
    failed += r.numRuntimeErrorTestSuites ?? 0;
    counted = true;
  } catch {
    counted = false;
  }
}
if (!counted) {
  const summary = strip(jest.out)
    .split('\n')
    .filter(l => /^Tests:\s/.test(l))
    .pop();
  if (summary) {
    passed += Number(/(\d+) passed/.exec(summary)?.[1] ?? 0);
    failed += Number(/(\d+) failed/.exec(summary)?.[1] ?? 0);
  }
  if (jest.code !== 0 && !/(\d+) failed/.test(summary ?? '')) failed += 1;
} else if (jest.code !== 0 && failed === 0) {
  // Jest failed without a failing test (for example a coverage or config
  // error): never report a clean run.
  failed += 1;
}
console.log(`jest: ${passed} passed, ${failed} failed`);

/** Adds the totals of a step that prints "N passed, N failed" last. */
function addTotals({ code, out }) {
  const line = strip(out)
    .split('\n')
    .filter(l => /\d+ passed, \d+ failed/.test(l))
    .pop();
  if (line) {
    passed += Number(/(\d+) passed/.exec(line)[1]);
    failed += Number(/(\d+) failed/.exec(line)[1]);
  } else if (code === 0) {
    passed += 1;
  } else {
    failed += 1;
  }
}

if (process.env.SKIP_PACKAGING !== '1') {
  addTotals(await run('node', ['scripts/packaging-check.mjs']));
}

if (process.env.SKIP_E2E !== '1' && existsSync('playwright.config.ts')) {
  // Playwright's own totals come from its JSON report.
  const e2eReport = join(dirname(report), 'e2e.json');
  const e2e = await run(
    'yarn',
    ['playwright', 'test', '--reporter=list,json'],
    { PLAYWRIGHT_JSON_OUTPUT_NAME: e2eReport },
  );
  let e2ePassed = 0;
  let e2eFailed = 0;
  try {
    const { stats, errors } = JSON.parse(readFileSync(e2eReport, 'utf8'));
    e2ePassed = stats.expected + (stats.flaky ?? 0);
    e2eFailed = stats.unexpected + (errors?.length ?? 0);
  } catch {
    e2eFailed = 1;
  }
  // A run that failed without a failing test (web server, config) counts.
  if (e2e.code !== 0 && e2eFailed === 0) e2eFailed = 1;
  console.log(`e2e: ${e2ePassed} passed, ${e2eFailed} failed`);
  passed += e2ePassed;
  failed += e2eFailed;
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
