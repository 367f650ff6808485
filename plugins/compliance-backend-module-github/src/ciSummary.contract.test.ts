import { registerMswTestHooks } from '@backstage/backend-test-utils';
import {
  CI_SUMMARY_FACT_ID,
  parseCiSummary,
} from 'backstage-plugin-compliance-common';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import { setupServer } from 'msw/node';
import { resolve } from 'path';
import {
  byId,
  collector,
  context,
  githubHandlers,
  payments,
} from './__testUtils__/replayedGithub';

/*
 * Consumer-driven contract of the `github.ci.summary` fact: the value the
 * collector writes from a replayed GitHub run (fixed clock) is committed
 * where its consumer, the Compliance tab, renders it in its own tests.
 * `UPDATE_CONTRACTS=1` rewrites the file instead of comparing.
 */
const CONTRACT = resolve(
  __dirname,
  '../../compliance/src/__fixtures__/ci-summary.collected.json',
);

const server = setupServer();
registerMswTestHooks(server);

describe('github.ci.summary contract', () => {
  it('is what the collector writes for a replayed GitHub run', async () => {
    server.use(...githubHandlers([]));
    const facts = byId(await collector().collect([payments], context().ctx));
    const value = facts.get(CI_SUMMARY_FACT_ID)?.value;

    expect(parseCiSummary(value)).toEqual(value);
    const days = parseCiSummary(value)?.daily.filter(
      d => d.p50DurationSeconds !== null,
    );
    // The duration series has something to draw.
    expect(days?.length).toBeGreaterThanOrEqual(2);

    if (process.env.UPDATE_CONTRACTS === '1') {
      writeFileSync(CONTRACT, `${JSON.stringify(value, null, 2)}\n`);
    }
    expect(existsSync(CONTRACT)).toBe(true);
    expect(value).toEqual(JSON.parse(readFileSync(CONTRACT, 'utf8')));
  });
});
