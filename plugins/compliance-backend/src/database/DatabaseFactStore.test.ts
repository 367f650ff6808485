import { describeOnEachDatabase } from '../__testUtils__/databases';
import { countRows, snapshot } from './__testUtils__/fixtures';

describeOnEachDatabase('DatabaseFactStore', setup => {
  it('writes only changed facts and records their history', async () => {
    const { stores, knex } = await setup();
    const { facts } = stores;
    await stores.entities.upsertEntities([snapshot('a')], new Date());
    const observedAt = new Date('2026-11-20T10:00:00Z');
    const first = await facts.writeFacts('c', [
      {
        entityRef: 'component:default/a',
        factId: 'x',
        value: { n: 1 },
        observedAt,
      },
      {
        entityRef: 'component:default/a',
        factId: 'y',
        value: true,
        observedAt,
      },
    ]);
    expect(first.written).toBe(4);
    const again = await facts.writeFacts('c', [
      {
        entityRef: 'component:default/a',
        factId: 'x',
        value: { n: 1 },
        observedAt: new Date(),
      },
      {
        entityRef: 'component:default/a',
        factId: 'y',
        value: true,
        observedAt: new Date(),
      },
    ]);
    expect(again.written).toBe(0);
    await facts.writeFacts('c', [
      {
        entityRef: 'component:default/a',
        factId: 'y',
        value: false,
        observedAt: new Date(),
      },
    ]);
    const history = await knex('compliance_fact_history').where({
      fact_id: 'y',
    });
    expect(history).toHaveLength(2);
    const stored = (await facts.getFacts(['component:default/a'])).get(
      'component:default/a',
    )!;
    expect(stored.map(f => [f.factId, f.value, f.known])).toEqual([
      ['x', { n: 1 }, true],
      ['y', false, true],
    ]);
  });

  it('marks the entity of a changed fact dirty, not for a message-only change', async () => {
    const { stores } = await setup();
    const ref = 'component:default/a';
    const now = new Date('2026-11-20T10:00:00Z');
    await stores.entities.upsertEntities([snapshot('a')], now);
    const unknown = (message: string) => ({
      entityRef: ref,
      factId: 'p',
      unknownReason: 'error' as const,
      message,
      observedAt: new Date(),
    });
    await stores.facts.writeFacts('gh', [unknown('HTTP 502')]);
    await stores.evaluations.saveEvaluations([], [ref], undefined, now);
    expect(await stores.entities.getDirtyEntityRefs(10)).toEqual([]);

    // The row and a history row: results evaluated on 'HTTP 502' still
    // resolve their evidence.
    expect(await stores.facts.writeFacts('gh', [unknown('HTTP 503')])).toEqual({
      written: 2,
    });
    expect(await stores.entities.getDirtyEntityRefs(10)).toEqual([]);
    const [fact] = (await stores.facts.getFacts([ref])).get(ref)!;
    expect(fact.message).toBe('HTTP 503');
  });

  it('keeps the last good value on a transient failure, and drops it on a permission error', async () => {
    const { stores, knex } = await setup();
    const { facts } = stores;
    await stores.entities.upsertEntities([snapshot('a')], new Date());
    const ref = 'component:default/a';
    const goodAt = new Date('2026-11-01T00:00:00Z');
    const storedLastGood = async () =>
      (await knex('compliance_facts').first('last_good_value')).last_good_value;
    await facts.writeFacts('gh', [
      { entityRef: ref, factId: 'p', value: 2, observedAt: goodAt },
    ]);
    // A known value is its own last good value: not stored twice.
    expect(await storedLastGood()).toBeNull();

    await facts.writeFacts('gh', [
      {
        entityRef: ref,
        factId: 'p',
        unknownReason: 'error',
        message: 'HTTP 502',
        observedAt: new Date(),
      },
    ]);
    let [fact] = (await facts.getFacts([ref])).get(ref)!;
    expect(fact).toMatchObject({
      value: 2,
      known: true,
      stale: true,
      unknownReason: 'error',
      message: 'HTTP 502',
    });
    expect(fact.lastGoodObservedAt).toBe(goodAt.toISOString());

    await facts.writeFacts('gh', [
      {
        entityRef: ref,
        factId: 'p',
        unknownReason: 'insufficient_permission',
        observedAt: new Date(),
      },
    ]);
    [fact] = (await facts.getFacts([ref])).get(ref)!;
    expect(fact).toMatchObject({
      value: null,
      known: false,
      unknownReason: 'insufficient_permission',
    });
    // Kept apart while the value is unknown.
    expect(await storedLastGood()).toBe('2');

    // The good value is still there for the next transient failure.
    await facts.writeFacts('gh', [
      {
        entityRef: ref,
        factId: 'p',
        unknownReason: 'rate_limited',
        observedAt: new Date(),
      },
    ]);
    [fact] = (await facts.getFacts([ref])).get(ref)!;
    expect(fact).toMatchObject({ value: 2, known: true, stale: true });
  });

  it('filters facts by prefix', async () => {
    const { stores } = await setup();
    const ref = 'component:default/a';
    const observedAt = new Date('2026-11-20T10:00:00Z');
    await stores.facts.writeFacts(
      'c',
      ['github.a', 'github.b', 'catalog.a'].map(factId => ({
        entityRef: ref,
        factId,
        value: 1,
        observedAt,
      })),
    );
    const found = await stores.facts.getFacts([ref], 'github.');
    expect(found.get(ref)!.map(f => f.factId)).toEqual([
      'github.a',
      'github.b',
    ]);
    expect((await stores.facts.getFacts(['component:default/b'])).size).toBe(0);
  });

  it('deletes fact history observed before the cut-off', async () => {
    const { stores, knex } = await setup();
    const ref = 'component:default/a';
    for (const [value, at] of [
      [1, '2026-01-01T00:00:00Z'],
      [2, '2026-02-01T00:00:00Z'],
      [3, '2026-03-01T00:00:00Z'],
    ] as const) {
      await stores.facts.writeFacts('c', [
        { entityRef: ref, factId: 'x', value, observedAt: new Date(at) },
      ]);
    }
    expect(await countRows(knex, 'compliance_fact_history')).toBe(3);
    expect(
      await stores.facts.deleteHistoryBefore(new Date('2026-02-01T00:00:00Z')),
    ).toBe(1);
    expect(await countRows(knex, 'compliance_fact_history')).toBe(2);
    // The current value is not history.
    expect((await stores.facts.getFacts([ref])).get(ref)![0].value).toBe(3);
  });

  it('records collector state', async () => {
    const { stores } = await setup();
    const { facts } = stores;
    await facts.setState(
      'gh',
      [{ key: 'etag:/repos/a/b', value: 'W/"1"' }],
      new Date(),
    );
    await facts.setState(
      'gh',
      [{ key: 'etag:/repos/a/b', value: 'W/"2"' }],
      new Date(),
    );
    expect(await facts.getState('gh', ['etag:/repos/a/b', 'missing'])).toEqual(
      new Map([['etag:/repos/a/b', 'W/"2"']]),
    );
    expect((await facts.getState('other', ['etag:/repos/a/b'])).size).toBe(0);
    await facts.deleteState('gh', ['etag:/repos/a/b']);
    expect((await facts.getState('gh', ['etag:/repos/a/b'])).size).toBe(0);
  });
});
