import { mockServices } from '@backstage/backend-test-utils';
import { describeOnEachDatabase } from '../__testUtils__/databases';
import { ReadModel } from '../service/ReadModel';
import { commonAggregate, figuresOf } from '../lib/overviewAggregates';
import { counts, result, snapshot } from './__testUtils__/fixtures';

describeOnEachDatabase('DatabaseReadModelStore', setup => {
  it('reads the version and whether the engine knows an entity in one query', async () => {
    const { stores } = await setup();
    const now = new Date('2026-12-01T10:00:00Z');
    await stores.entities.upsertEntities([snapshot('known')], now);
    const before = await stores.readModel.getVersion();
    expect(
      await stores.readModel.getVersionOf('component:default/known'),
    ).toEqual({
      version: before,
      known: true,
    });
    const bumped = await stores.readModel.bumpVersion();
    expect(bumped).toBeGreaterThan(before);
    expect(
      await stores.readModel.getVersionOf('component:default/unknown'),
    ).toEqual({
      version: bumped,
      known: false,
    });
  });

  it('precomputes the same aggregates the live overview computes, and bumps the version', async () => {
    const { stores } = await setup();
    const now = new Date('2026-12-01T10:00:00Z');
    const entities = Array.from({ length: 9 }, (_, i) =>
      snapshot(`svc-${i}`, {
        owner: `group:default/t${i % 3}`,
        ...(i % 2 ? { system: 'system:default/s' } : {}),
      }),
    );
    await stores.entities.upsertEntities(entities, now);
    await stores.evaluations.saveEvaluations(
      entities.map((e, i) => ({
        entityRef: e.entityRef,
        upsertResults: [
          result(e.entityRef, 'A', i % 2 ? 'fail' : 'pass'),
          result(e.entityRef, 'B', i % 3 ? 'fail' : 'pass'),
        ],
        deleteResults: [],
        changes: [],
        score: {
          entityRef: e.entityRef,
          score: i === 8 ? null : i * 11,
          coverage: 1,
          level: i > 5 ? 'gold' : null,
          counts: counts({}),
          summary: {
            knownWeight: 1,
            applicableWeight: 1,
            categories: {},
            frameworks: {},
          },
          inputsHash: 'h',
        },
      })),
      entities.map(e => e.entityRef),
      undefined,
      now,
    );
    const before = await stores.readModel.getVersion();
    const after = await stores.readModel.refreshAggregates(now);
    expect(after).toBeGreaterThan(before);
    const stored = (await stores.readModel.getAggregates())!;
    expect(stored.version).toBe(after);
    const base = {
      sort: 'score' as const,
      order: 'asc' as const,
      page: 1,
      pageSize: 50,
    };
    for (const filter of [
      base,
      { ...base, owners: ['group:default/t0', 'group:default/t2'] },
      { ...base, system: ['system:default/s'] },
    ]) {
      const live = await stores.overview.getOverview(filter);
      const { items: _i, nextCursor: _n, ...liveFigures } = live;
      expect(figuresOf(commonAggregate(filter, stored.aggregates)!)).toEqual(
        liveFigures,
      );
    }

    // The read model hands over each common filter's figures with the size
    // of the unfiltered overview, which the store plans its page read on
    // (SQLite walks the sort index for a broad filter): every page is the
    // one the live overview answers.
    const model = new ReadModel({
      store: stores.readModel,
      logger: mockServices.logger.mock(),
    });
    for (const owners of [
      undefined,
      ['group:default/t0', 'group:default/t2'],
    ]) {
      for (const page of [1, 2, 3, 4, 5]) {
        const filter = {
          ...base,
          pageSize: 2,
          page,
          ...(owners ? { owners } : {}),
        };
        const figures = await model.figuresFor(filter);
        expect(figures?.universe).toBe(entities.length);
        expect(await stores.overview.getOverview(filter, figures)).toEqual(
          await stores.overview.getOverview(filter),
        );
      }
    }
    expect(await stores.readModel.bumpVersion()).toBe(after + 1);
  });

  it('replaces the group hierarchy as a whole', async () => {
    const { stores } = await setup();
    await stores.groups.replaceGroupEdges([
      { parent: 'group:default/a', child: 'group:default/b' },
      { parent: 'group:default/a', child: 'group:default/b' },
    ]);
    await stores.groups.replaceGroupEdges([
      { parent: 'group:default/x', child: 'group:default/y' },
    ]);
    expect(await stores.groups.getGroupEdges()).toEqual([
      { parent: 'group:default/x', child: 'group:default/y' },
    ]);
  });
});
