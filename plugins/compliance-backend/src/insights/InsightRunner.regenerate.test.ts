import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { entityInsightResponseSchema } from 'backstage-plugin-compliance-common';
import { setupServer } from 'msw/node';
import { describeOnEachDatabase } from '../__testUtils__/databases';
import { createRunnerWorld, TestClock } from './__testUtils__/runnerWorld';

const server = setupServer();
registerMswTestHooks(server);

describeOnEachDatabase('InsightRunner regeneration and outages', setup => {
  const clock: TestClock = { now: new Date('2026-12-01T10:00:00Z') };
  const world = async (options: Parameters<typeof createRunnerWorld>[3]) =>
    createRunnerWorld((await setup()).knex, server, clock, options);
  const later = (ms: number) => {
    clock.now = new Date(clock.now.getTime() + ms);
  };

  it('regenerates an unchanged insight on request, once per cooldown', async () => {
    const { runner, counters, refs } = await world({
      openai: () => ({ kind: 'answer' }),
    });
    await runner.runCycle();
    expect(counters.openai).toBe(refs.length);
    const before = await runner.getEntityInsight(refs[0]);
    later(11 * 60_000);

    expect(await runner.regenerate(refs[0])).toEqual({ outcome: 'queued' });
    expect(await runner.regenerate(refs[0])).toEqual({ outcome: 'pending' });
    expect(await runner.getEntityInsight(refs[0])).toMatchObject({
      status: 'fresh',
      job: { state: 'queued', attempts: 0 },
    });
    later(1000);
    await runner.runCycle();
    // Inputs did not change, yet the requested entity was asked again; no other.
    expect(counters.openai).toBe(refs.length + 1);
    const after = await runner.getEntityInsight(refs[0]);
    expect(after).toMatchObject({ status: 'fresh', job: null });
    expect(after!.insight.generatedAt).not.toBe(before!.insight.generatedAt);

    later(60_000);
    expect(await runner.regenerate(refs[0])).toEqual({
      outcome: 'cooldown',
      retryAt: new Date(
        clock.now.getTime() - 60_000 + 10 * 60_000,
      ).toISOString(),
    });
    expect(await runner.regenerate('component:default/not-evaluated')).toBe(
      undefined,
    );
  });

  it('records the billed tokens of truncated answers in the ledger', async () => {
    const { runner, stores } = await world({
      openai: () => ({ kind: 'truncated' }),
      settings: { budget: { jobsPerCycle: 1, tokensPerCycle: 1_000_000 } },
    });
    const stats = await runner.runCycle();
    expect(stats).toMatchObject({ jobs: 1, failed: 1, requests: 1 });
    expect(stats.inputTokens).toBeGreaterThan(0);
    const [usage] = await stores.insights.usageSince(new Date(0));
    expect(usage).toMatchObject({ provider: 'openai', requests: 1 });
    expect(usage.inputTokens).toBeGreaterThan(0);
    expect(usage.outputTokens).toBeGreaterThan(0);
    expect(usage.costUsd).toBeGreaterThan(0);
  });

  it('leaves failed jobs with reasons and next attempts, and the rules insight, when the provider is killed mid-run', async () => {
    let restarted = false;
    const { runner, counters, refs } = await world({
      openai: n =>
        n <= 2 || restarted ? { kind: 'answer' } : { kind: 'down' },
    });
    const stats = await runner.runCycle();
    expect(stats).toMatchObject({
      jobs: refs.length,
      succeeded: 2,
      failed: refs.length - 2,
      dead: 0,
    });
    const answers = await Promise.all(
      refs.map(r => runner.getEntityInsight(r)),
    );
    for (const a of answers) entityInsightResponseSchema.parse(a);
    const fresh = answers.filter(a => a?.status === 'fresh');
    const failed = answers.filter(a => a?.status === 'fallback');
    expect(fresh).toHaveLength(2);
    expect(failed).toHaveLength(refs.length - 2);
    for (const a of failed) {
      expect(a).toMatchObject({
        insight: { source: { type: 'rules' } },
        job: {
          state: 'retrying',
          attempts: 1,
          lastError: expect.stringMatching(/^openai: unavailable/),
        },
      });
      expect(Date.parse(a!.job!.nextAttemptAt!)).toBeGreaterThan(
        clock.now.getTime(),
      );
    }
    // The server is back: at their next attempt the jobs succeed.
    restarted = true;
    expect(counters.openai).toBe(refs.length);
    later(2 * 60 * 60_000);
    expect(await runner.runCycle()).toMatchObject({
      succeeded: refs.length - 2,
    });
    for (const r of refs) {
      expect(await runner.getEntityInsight(r)).toMatchObject({
        status: 'fresh',
        job: null,
      });
    }
  });
});
