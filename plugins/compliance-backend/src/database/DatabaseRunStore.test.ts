import { describeOnEachDatabase } from '../__testUtils__/databases';

describeOnEachDatabase('DatabaseRunStore', setup => {
  it('records collector runs', async () => {
    const { runs } = (await setup()).stores;
    const id = await runs.startRun('catalog', new Date('2026-11-20T10:00:00Z'));
    expect((await runs.getLatestRuns()).get('catalog')).toMatchObject({
      status: 'running',
    });
    await runs.finishRun(
      id,
      {
        status: 'succeeded',
        entitiesProcessed: 5,
        factsWritten: 3,
        errors: 0,
      },
      new Date('2026-11-20T10:00:02Z'),
    );
    expect((await runs.getLatestRuns()).get('catalog')).toMatchObject({
      status: 'succeeded',
      durationMs: 2000,
      entitiesProcessed: 5,
    });
  });

  it('marks a run left "running" by a dead process as interrupted when the next one starts', async () => {
    const { runs, knex } = await setup().then(w => ({
      ...w.stores,
      knex: w.knex,
    }));
    const dead = await runs.startRun(
      'github#1',
      new Date('2026-11-20T10:00:00Z'),
    );
    await runs.startRun('github#1', new Date('2026-11-20T11:00:00Z'));
    const row = await knex('compliance_collector_runs')
      .where('id', dead)
      .first();
    expect(row.status).toBe('failed');
    expect(row.message).toMatch(/Interrupted/);
    // Other keys are left alone.
    await runs.startRun('github#0', new Date('2026-11-20T11:00:00Z'));
    expect((await runs.getLatestRuns()).get('github#1')?.status).toBe(
      'running',
    );
  });

  it('serves the latest run per run key', async () => {
    const { runs } = (await setup()).stores;
    await runs.startRun('catalog', new Date('2026-11-20T10:00:00Z'));
    const failed = await runs.startRun(
      'github',
      new Date('2026-11-20T10:00:00Z'),
    );
    const latest = await runs.startRun(
      'catalog',
      new Date('2026-11-20T11:00:00Z'),
    );
    await runs.finishRun(
      failed,
      {
        status: 'failed',
        entitiesProcessed: 0,
        factsWritten: 0,
        errors: 1,
        message: 'boom',
      },
      new Date('2026-11-20T10:00:01Z'),
    );
    const all = await runs.getLatestRuns();
    expect([...all.keys()].sort()).toEqual(['catalog', 'github']);
    expect(all.get('catalog')).toMatchObject({
      id: latest,
      startedAt: '2026-11-20T11:00:00.000Z',
    });
    expect(all.get('github')).toMatchObject({
      status: 'failed',
      errors: 1,
      message: 'boom',
    });
  });

  it('deletes runs started before the cut-off', async () => {
    const { runs } = (await setup()).stores;
    await runs.startRun('catalog', new Date('2026-01-01T00:00:00Z'));
    await runs.startRun('github', new Date('2026-01-01T00:00:00Z'));
    await runs.startRun('catalog', new Date('2026-02-01T00:00:00Z'));
    expect(await runs.deleteBefore(new Date('2026-02-01T00:00:00Z'))).toBe(2);
    expect([...(await runs.getLatestRuns()).keys()]).toEqual(['catalog']);
  });
});
