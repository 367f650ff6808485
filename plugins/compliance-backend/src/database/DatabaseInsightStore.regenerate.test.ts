import { describeOnEachDatabase } from '../__testUtils__/databases';

const t0 = new Date('2026-12-01T10:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const MIN = 60_000;
const hash = 'a'.repeat(64);
const job = { entityRef: 'component:default/svc', inputHash: hash, input: {} };
const cooldown = { cooldownMs: 10 * MIN };
const lease = { leaseMs: MIN, maxAttempts: 2 };
const usage = (outcome: string) => [
  {
    entityRef: job.entityRef,
    inputHash: hash,
    provider: 'openai',
    model: 'gpt-test',
    outcome,
    inputTokens: 100,
    outputTokens: 50,
    costUsd: 0.0001,
  },
];

describeOnEachDatabase('DatabaseInsightStore regeneration', setup => {
  it('queues one forced job, refuses a second while it waits, and enforces the cooldown after a model request', async () => {
    const { insights } = (await setup()).stores;
    expect(
      await insights.requestRegeneration(job, { now: t0, ...cooldown }),
    ).toEqual({ outcome: 'queued' });
    expect(
      await insights.requestRegeneration(job, { now: at(1000), ...cooldown }),
    ).toEqual({ outcome: 'pending' });
    expect((await insights.countJobs()).queued).toBe(1);

    // The worker asks a model and fails (billed): the cooldown starts there.
    const claimed = await insights.claim({
      owner: 'w',
      now: at(MIN),
      ...lease,
    });
    await insights.fail(
      { id: claimed!.id, owner: 'w' },
      { error: 'invalid_output', dead: true, retryAt: at(2 * MIN) },
      usage('invalid_output'),
      at(MIN),
    );
    expect(
      await insights.requestRegeneration(job, {
        now: at(5 * MIN),
        ...cooldown,
      }),
    ).toEqual({ outcome: 'cooldown', retryAt: at(11 * MIN).toISOString() });
    // After the cooldown the dead job is replaced by a fresh one.
    expect(
      await insights.requestRegeneration(job, {
        now: at(12 * MIN),
        ...cooldown,
      }),
    ).toEqual({ outcome: 'queued' });
    const jobs = await insights.getJobs([job.entityRef]);
    expect(jobs.get(job.entityRef)).toMatchObject({
      state: 'queued',
      attempts: 0,
      lastError: null,
    });
    expect(await insights.countJobs()).toEqual({
      queued: 1,
      running: 0,
      retrying: 0,
      dead: 0,
    });
  });

  it('adds a single job when replicas race on the same request', async () => {
    const { insights } = (await setup()).stores;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 4 }, () =>
        insights.requestRegeneration(job, { now: t0, ...cooldown }),
      ),
    );
    expect(outcomes.some(o => o.status === 'fulfilled')).toBe(true);
    expect((await insights.countJobs()).queued).toBe(1);
  });
});
