import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { entityInsightResponseSchema } from 'backstage-plugin-compliance-common';
import { setupServer } from 'msw/node';
import { describeOnEachDatabase } from '../__testUtils__/databases';
import { goodAnswer } from './__testUtils__/fakeLlm';
import { createRunnerWorld, TestClock } from './__testUtils__/runnerWorld';

const server = setupServer();
registerMswTestHooks(server);

describeOnEachDatabase('InsightRunner', setup => {
  const clock: TestClock = { now: new Date('2026-12-01T10:00:00Z') };
  const world = async (options: Parameters<typeof createRunnerWorld>[3]) =>
    createRunnerWorld((await setup()).knex, server, clock, options);

  it('shows the rules insight for every evaluated entity without a provider', async () => {
    const { runner, refs } = await world({});
    expect(refs.length).toBeGreaterThanOrEqual(5);
    expect(await runner.runCycle()).toMatchObject({ queued: 0, jobs: 0 });
    for (const ref of refs) {
      const answer = await runner.getEntityInsight(ref);
      expect(entityInsightResponseSchema.parse(answer)).toEqual(answer);
      expect(answer).toMatchObject({
        status: 'fallback',
        job: null,
        providersConfigured: false,
        insight: { source: { type: 'rules' } },
      });
    }
  });

  it('generates model insights once; unchanged inputs cost no request', async () => {
    const { runner, counters, refs, stores } = await world({
      openai: () => ({ kind: 'answer' }),
    });
    const first = await runner.runCycle();
    expect(first).toMatchObject({
      queued: refs.length,
      jobs: refs.length,
      succeeded: refs.length,
    });
    expect(counters.openai).toBe(refs.length);
    const answer = await runner.getEntityInsight(refs[0]);
    expect(answer).toMatchObject({
      status: 'fresh',
      insight: {
        source: {
          type: 'model',
          provider: 'openai',
          model: 'gpt-test-2026-01-01',
        },
      },
    });
    // The engine's gains, not the model's.
    expect(
      answer!.insight.steps.every(s => typeof s.expectedScoreGain === 'number'),
    ).toBe(true);
    const usage = await stores.insights.usageSince(new Date(0));
    expect(usage).toEqual([
      expect.objectContaining({
        provider: 'openai',
        model: 'gpt-test-2026-01-01',
        requests: refs.length,
      }),
    ]);
    expect(usage[0].costUsd).toBeGreaterThan(0);

    clock.now = new Date('2026-12-01T10:10:00Z');
    const second = await runner.runCycle();
    expect(second).toMatchObject({ queued: 0, jobs: 0 });
    expect(counters.openai).toBe(refs.length);
  });

  it('stops the cycle cleanly when the budget is spent', async () => {
    const { runner, counters, refs, stores } = await world({
      openai: () => ({ kind: 'answer' }),
      settings: { budget: { jobsPerCycle: 2, tokensPerCycle: 1_000_000 } },
    });
    const first = await runner.runCycle();
    expect(first).toMatchObject({ jobs: 2, stoppedByBudget: true });
    expect(counters.openai).toBe(2);
    expect((await stores.insights.countJobs()).queued).toBe(refs.length - 2);
    const tokenBound = await runner.drain();
    expect(tokenBound.jobs).toBe(2);
  });

  it('stops on the token budget', async () => {
    const { runner, counters } = await world({
      openai: () => ({ kind: 'answer' }),
      settings: { budget: { jobsPerCycle: 100, tokensPerCycle: 10 } },
    });
    const stats = await runner.runCycle();
    expect(stats).toMatchObject({ jobs: 1, stoppedByBudget: true });
    expect(counters.openai).toBe(1);
  });

  it('fails over to the next provider on 5xx and on a schema-violating answer', async () => {
    const { runner, counters, refs, stores } = await world({
      openai: n =>
        n % 2
          ? { kind: 'server_error' }
          : { kind: 'answer', text: '{"summary":"not an object"}' },
      anthropic: () => ({ kind: 'answer' }),
    });
    const stats = await runner.runCycle();
    expect(stats.succeeded).toBe(refs.length);
    expect(counters).toEqual({
      openai: refs.length,
      anthropic: refs.length,
    });
    const answer = await runner.getEntityInsight(refs[0]);
    expect(answer?.insight.source).toEqual({
      type: 'model',
      provider: 'anthropic',
      model: 'claude-test',
    });
    const outcomes = await stores.insights.usageSince(new Date(0));
    expect([...new Set(outcomes.map(o => o.provider))].sort()).toEqual([
      'anthropic',
      'openai',
    ]);
  });

  it('rejects an ungrounded answer and falls back to the rules', async () => {
    const { runner, refs } = await world({
      openai: () => ({
        kind: 'answer',
        body: data => ({
          ...goodAnswer(data),
          summary: { text: 'All good.', cites: ['GH-NOT-A-CONTROL'] },
        }),
      }),
    });
    await runner.runCycle();
    const answer = await runner.getEntityInsight(refs[0]);
    expect(answer).toMatchObject({
      status: 'fallback',
      insight: { source: { type: 'rules' } },
      job: {
        state: 'retrying',
        attempts: 1,
        lastError: expect.stringContaining('cites unknown id GH-NOT-A-CONTROL'),
      },
    });
  });

  it('keeps failed jobs with reasons and next attempt times while the provider is down, then dead-letters them', async () => {
    const { runner, counters, refs } = await world({
      openai: () => ({ kind: 'server_error' }),
      settings: { maxAttempts: 2 },
    });
    await runner.runCycle();
    const answer = await runner.getEntityInsight(refs[0]);
    expect(answer).toMatchObject({
      status: 'fallback',
      insight: { source: { type: 'rules' } },
      job: {
        state: 'retrying',
        attempts: 1,
        maxAttempts: 2,
        lastError: expect.stringContaining('openai: unavailable (HTTP 500)'),
      },
    });
    expect(Date.parse(answer!.job!.nextAttemptAt!)).toBeGreaterThan(
      clock.now.getTime(),
    );
    // Not due yet: no request.
    await runner.runCycle();
    expect(counters.openai).toBe(refs.length);
    clock.now = new Date('2026-12-01T12:00:00Z');
    await runner.runCycle();
    expect(counters.openai).toBe(2 * refs.length);
    expect(await runner.getEntityInsight(refs[0])).toMatchObject({
      job: { state: 'dead', attempts: 2 },
    });
  });

  it('waits for retry-after on a rate limit without spending an attempt', async () => {
    const { runner, counters, refs } = await world({
      openai: n =>
        n === 1
          ? { kind: 'rate_limited', retryAfterSeconds: 30 }
          : { kind: 'answer' },
      anthropic: () => ({ kind: 'answer' }),
      settings: { budget: { jobsPerCycle: 1, tokensPerCycle: 1_000_000 } },
    });
    await runner.runCycle();
    // Rate limited: retried later, not failed over.
    expect(counters).toEqual({ openai: 1, anthropic: 0 });
    const [job] = (
      await Promise.all(refs.map(r => runner.getEntityInsight(r)))
    ).flatMap(a => (a?.job?.state === 'retrying' ? [a.job] : []));
    expect(job).toMatchObject({ attempts: 0 });
    expect(Date.parse(job.nextAttemptAt!) - clock.now.getTime()).toBe(30_000);
  });

  it('shrinks the input when the context is too long', async () => {
    const { runner, counters } = await world({
      openai: n => (n === 1 ? { kind: 'context_length' } : { kind: 'answer' }),
      settings: { budget: { jobsPerCycle: 1, tokensPerCycle: 1_000_000 } },
    });
    const stats = await runner.runCycle();
    expect(stats).toMatchObject({ succeeded: 1, requests: 2 });
    expect(counters.openai).toBe(2);
  });

  it('marks a provider with bad credentials unhealthy and stops asking it', async () => {
    const { runner, counters, refs, stores } = await world({
      openai: () => ({ kind: 'unauthorized' }),
      anthropic: () => ({ kind: 'answer' }),
    });
    const stats = await runner.runCycle();
    expect(stats.succeeded).toBe(refs.length);
    expect(counters).toEqual({ openai: 1, anthropic: refs.length });
    expect([
      ...(await stores.insights.getUnhealthyProviders(clock.now)).keys(),
    ]).toEqual(['openai']);
  });

  it('retries the job of a worker that died mid-job after its lease', async () => {
    const { runner, counters, refs, stores } = await world({
      openai: () => ({ kind: 'answer' }),
    });
    await runner.enqueueChanged();
    const lost = await stores.insights.claim({
      owner: 'dead-worker',
      now: clock.now,
      leaseMs: 60_000,
      maxAttempts: 3,
    });
    expect(lost).toBeDefined();
    await runner.drain();
    expect(counters.openai).toBe(refs.length - 1);
    clock.now = new Date(clock.now.getTime() + 61_000);
    await runner.drain();
    expect(counters.openai).toBe(refs.length);
    expect(await runner.getEntityInsight(lost!.entityRef)).toMatchObject({
      status: 'fresh',
    });
  });
});
