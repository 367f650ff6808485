import { describeOnEachDatabase } from '../__testUtils__/databases';
import { rulesInsight } from '../insights/fallback';
import { buildInsightInput, insightInputHash } from '../insights/input';
import { INSIGHT_FIXTURES } from '../insights/__fixtures__/insightFixtures';

const t0 = new Date('2026-12-01T10:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const hash = (n: number) => n.toString(16).padStart(64, '0');
const job = (i: number, h = 1) => ({
  entityRef: `component:default/e${String(i).padStart(3, '0')}`,
  inputHash: hash(h),
  input: { n: i },
});
const usage = (entityRef: string, tokens: number) => ({
  entityRef,
  inputHash: hash(1),
  provider: 'openai',
  model: 'gpt-test',
  outcome: 'ok',
  inputTokens: tokens,
  outputTokens: tokens / 2,
  costUsd: tokens / 1_000_000,
});
const lease = { leaseMs: 60_000, maxAttempts: 3 };

describeOnEachDatabase('DatabaseInsightStore', setup => {
  it('queues a job once per entity and input hash; new inputs supersede waiting jobs', async () => {
    const { insights } = (await setup()).stores;
    expect(await insights.enqueue([job(1), job(2)], t0)).toBe(2);
    // Unchanged inputs: nothing queued again.
    expect(await insights.enqueue([job(1), job(2)], at(1000))).toBe(0);
    expect((await insights.countJobs()).queued).toBe(2);
    // Entity 1's inputs changed: its old job goes, the new one waits.
    expect(await insights.enqueue([job(1, 2)], at(2000))).toBe(1);
    const jobs = await insights.getJobs([job(1).entityRef]);
    expect(jobs.get(job(1).entityRef)?.inputHash).toBe(hash(2));
    expect((await insights.countJobs()).queued).toBe(2);
  });

  it('never lets two workers claim the same job', async () => {
    const { insights } = (await setup()).stores;
    await insights.enqueue(
      Array.from({ length: 12 }, (_, i) => job(i)),
      t0,
    );
    const claimed: string[] = [];
    const worker = async (owner: string) => {
      for (;;) {
        const j = await insights.claim({ owner, now: at(1), ...lease });
        if (!j) return;
        claimed.push(j.id);
      }
    };
    await Promise.all([worker('a'), worker('b')]);
    expect(claimed).toHaveLength(12);
    expect(new Set(claimed).size).toBe(12);
    expect((await insights.countJobs()).running).toBe(12);
  });

  it("retries a dead worker's job after its lease, and the dead worker cannot complete it", async () => {
    const { insights } = (await setup()).stores;
    const input = buildInsightInput(INSIGHT_FIXTURES[1].sources);
    const entityRef = input.entityRef;
    await insights.enqueue(
      [{ entityRef, inputHash: insightInputHash(input), input }],
      t0,
    );
    const first = await insights.claim({ owner: 'dies', now: t0, ...lease });
    expect(first).toMatchObject({ attempts: 1, state: 'running' });
    expect(first!.input).toEqual(input);
    // Still leased: nobody else gets it.
    expect(
      await insights.claim({ owner: 'b', now: at(30_000), ...lease }),
    ).toBeUndefined();
    const second = await insights.claim({
      owner: 'b',
      now: at(61_000),
      ...lease,
    });
    expect(second).toMatchObject({ id: first!.id, attempts: 2 });
    expect(second!.lastError).toMatch(/lease expired/);

    const stored = {
      entityRef,
      inputHash: insightInputHash(input),
      insight: rulesInsight(input, at(62_000)),
      inputTokens: 100,
      outputTokens: 50,
      costUsd: 0.001,
    };
    expect(
      await insights.complete(
        { id: first!.id, owner: 'dies' },
        stored,
        [usage(entityRef, 100)],
        at(62_000),
      ),
    ).toBe(false);
    expect(await insights.getInsights([entityRef])).toEqual(new Map());
    expect(
      await insights.complete(
        { id: first!.id, owner: 'b' },
        stored,
        [usage(entityRef, 100)],
        at(63_000),
      ),
    ).toBe(true);
    expect((await insights.getInsights([entityRef])).get(entityRef)).toEqual(
      stored,
    );
    expect(await insights.getJobs([entityRef])).toEqual(new Map());
    // Both requests spent tokens; both are in the ledger.
    expect(await insights.usageSince(t0)).toEqual([
      {
        provider: 'openai',
        model: 'gpt-test',
        requests: 2,
        inputTokens: 200,
        outputTokens: 100,
        costUsd: expect.closeTo(0.0002, 6),
      },
    ]);
  });

  it('retries with backoff and dead-letters after the last attempt, keeping the error', async () => {
    const { insights } = (await setup()).stores;
    await insights.enqueue([job(1)], t0);
    const opts = { leaseMs: 60_000, maxAttempts: 2 };
    const a = await insights.claim({ owner: 'w', now: t0, ...opts });
    await insights.fail(
      { id: a!.id, owner: 'w' },
      {
        error: 'openai: unavailable (HTTP 500)',
        dead: false,
        retryAt: at(30_000),
      },
      [],
      at(1),
    );
    expect(
      await insights.claim({ owner: 'w', now: at(10_000), ...opts }),
    ).toBeUndefined();
    const b = await insights.claim({ owner: 'w', now: at(30_000), ...opts });
    expect(b).toMatchObject({ attempts: 2 });
    await insights.fail(
      { id: b!.id, owner: 'w' },
      { error: 'every provider failed', dead: true, retryAt: at(30_001) },
      [],
      at(30_001),
    );
    const dead = (await insights.getJobs([job(1).entityRef])).get(
      job(1).entityRef,
    );
    expect(dead).toMatchObject({
      state: 'dead',
      attempts: 2,
      lastError: 'every provider failed',
    });
    expect(
      await insights.claim({ owner: 'w', now: at(999_999), ...opts }),
    ).toBeUndefined();
    // Dead jobs are not queued again for the same inputs.
    expect(await insights.enqueue([job(1)], at(1_000_000))).toBe(0);
  });

  it('dead-letters a job whose worker died on its last attempt', async () => {
    const { insights } = (await setup()).stores;
    await insights.enqueue([job(1)], t0);
    const opts = { leaseMs: 1000, maxAttempts: 1 };
    await insights.claim({ owner: 'dies', now: t0, ...opts });
    expect(
      await insights.claim({ owner: 'w', now: at(5000), ...opts }),
    ).toBeUndefined();
    expect(
      (await insights.getJobs([job(1).entityRef])).get(job(1).entityRef),
    ).toMatchObject({
      state: 'dead',
      lastError: expect.stringMatching(/lease/),
    });
  });

  it('refunds the attempt of a rate-limited job', async () => {
    const { insights } = (await setup()).stores;
    await insights.enqueue([job(1)], t0);
    const a = await insights.claim({ owner: 'w', now: t0, ...lease });
    await insights.fail(
      { id: a!.id, owner: 'w' },
      {
        error: 'rate limited',
        dead: false,
        retryAt: at(5000),
        refundAttempt: true,
      },
      [],
      at(1),
    );
    const b = await insights.claim({ owner: 'w', now: at(5000), ...lease });
    expect(b?.attempts).toBe(1);
  });

  it('keeps provider health and removes orphaned insight rows', async () => {
    const { insights, knex } = await setup().then(s => ({
      ...s.stores,
      knex: s.knex,
    }));
    await insights.markProviderUnhealthy(
      'openai',
      at(60_000),
      'auth (HTTP 401)',
    );
    expect(await insights.getUnhealthyProviders(t0)).toEqual(
      new Map([
        [
          'openai',
          { until: at(60_000).toISOString(), reason: 'auth (HTTP 401)' },
        ],
      ]),
    );
    expect(await insights.getUnhealthyProviders(at(60_001))).toEqual(new Map());
    await insights.enqueue([job(1)], t0);
    expect(await insights.deleteOrphans()).toBe(1);
    expect(await knex('compliance_insight_jobs').count('* as n')).toEqual([
      { n: expect.anything() },
    ]);
    expect((await insights.countJobs()).queued).toBe(0);
  });
});
