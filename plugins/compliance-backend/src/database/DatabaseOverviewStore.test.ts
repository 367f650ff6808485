import { SCORE_BUCKETS } from 'backstage-plugin-compliance-common';
import { describeOnEachDatabase } from '../__testUtils__/databases';
import { scoreBucketSql } from './DatabaseOverviewStore';
import {
  breakdown,
  counts,
  evaluation,
  result,
  score,
  snapshot,
  withFrameworks,
} from './__testUtils__/fixtures';

describe('scoreBucketSql', () => {
  it('tries the buckets from the highest bound down', () => {
    const { sql, bindings } = scoreBucketSql('e.score', [
      { id: 'low', min: 0 },
      { id: 'high', min: 50 },
      { id: 'none', min: null },
    ]);
    expect(sql).toBe(
      'case when ?? is null then ? when ?? >= ? then ? else ? end',
    );
    expect(bindings).toEqual(['e.score', 'none', 'e.score', 50, 'high', 'low']);
  });

  it('covers every score bucket of the common package', () => {
    const { bindings } = scoreBucketSql('e.score');
    for (const b of SCORE_BUCKETS) expect(bindings).toContain(b.id);
  });
});

describeOnEachDatabase('DatabaseOverviewStore', setup => {
  it('filters, sorts and pages the overview, with distribution and top failing controls', async () => {
    const { stores } = await setup();
    const { overview } = stores;
    const now = new Date('2026-11-20T10:00:00Z');
    const entities = Array.from({ length: 12 }, (_, i) =>
      snapshot(`svc-${String(i).padStart(2, '0')}`, {
        owner: i % 2 ? 'group:default/odd' : 'group:default/even',
        system: 'system:default/s',
      }),
    );
    await stores.entities.upsertEntities(entities, now);
    await stores.evaluations.saveEvaluations(
      entities.map((e, i) => ({
        entityRef: e.entityRef,
        upsertResults: [
          result(e.entityRef, 'A', i < 4 ? 'fail' : 'pass'),
          result(e.entityRef, 'B', i < 2 ? 'fail' : 'pass'),
        ],
        deleteResults: [],
        changes: [],
        score: {
          entityRef: e.entityRef,
          score: i === 11 ? null : i * 9,
          coverage: 1,
          level: i > 8 ? 'gold' : null,
          counts: counts({ fail: i < 4 ? 1 : 0 }),
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
    const base = {
      sort: 'score' as const,
      order: 'asc' as const,
      page: 1,
      pageSize: 5,
    };
    const page1 = await overview.getOverview(base);
    expect(page1.totalCount).toBe(12);
    expect(page1.items.map(i => i.score)).toEqual([0, 9, 18, 27, 36]);
    const last = await overview.getOverview({ ...base, page: 3 });
    expect(last.items.map(i => i.name)).toEqual(['svc-10', 'svc-11']); // null scores sort last
    const odd = await overview.getOverview({
      ...base,
      owners: ['group:default/odd'],
      order: 'desc',
    });
    expect(odd.totalCount).toBe(6);
    expect(odd.items[0].name).toBe('svc-09');
    expect(odd.topFailing).toEqual([
      { controlId: 'A', count: 2 },
      { controlId: 'B', count: 1 },
    ]);
    const gold = await overview.getOverview({ ...base, level: ['gold'] });
    expect(gold.totalCount).toBe(3);
    const none = await overview.getOverview({ ...base, level: ['none'] });
    expect(none.totalCount).toBe(9);
    const allowed = await overview.getOverview({
      ...base,
      allowedRefs: ['component:default/svc-03'],
    });
    expect(allowed.items.map(i => i.name)).toEqual(['svc-03']);
    const nothing = await overview.getOverview({ ...base, allowedRefs: [] });
    expect(nothing.totalCount).toBe(0);
    const search = await overview.getOverview({ ...base, search: 'SVC-1' });
    expect(search.totalCount).toBe(2);
    // Entities on which one control fails (a top failing control clicked).
    const failingB = await overview.getOverview({ ...base, failing: 'B' });
    expect(failingB.items.map(i => i.name)).toEqual(['svc-00', 'svc-01']);
    expect(failingB.topFailing).toEqual([
      { controlId: 'A', count: 2 },
      { controlId: 'B', count: 2 },
    ]);
    const failingOdd = await overview.getOverview({
      ...base,
      failing: 'A',
      owners: ['group:default/odd'],
    });
    expect(failingOdd.items.map(i => i.name)).toEqual(['svc-01', 'svc-03']);
    expect(page1.distribution.find(d => d.bucket === '90-100')!.count).toBe(1);
    expect(page1.distribution.find(d => d.bucket === 'none')!.count).toBe(1);
    expect(page1.distribution.find(d => d.bucket === '0-9')!.count).toBe(2);
    expect(page1.levels).toEqual({ gold: 3, none: 9 });
  });

  it('lists every score bucket in order and counts each score in one', async () => {
    const { stores } = await setup();
    const now = new Date('2026-11-20T10:00:00Z');
    const scores = [0, 9.99, 10, 55, 89.5, 90, 100, null];
    const entities = scores.map((_, i) => snapshot(`s-${i}`));
    await stores.entities.upsertEntities(entities, now);
    await stores.evaluations.saveEvaluations(
      entities.map((e, i) =>
        evaluation(e.entityRef, {
          score: score(e.entityRef, { score: scores[i] }),
        }),
      ),
      [],
      undefined,
      now,
    );
    const { distribution } = await stores.overview.getOverview({
      sort: 'name',
      order: 'asc',
      page: 1,
      pageSize: 1,
    });
    expect(distribution).toEqual(
      SCORE_BUCKETS.map(b => ({
        bucket: b.id,
        count:
          (
            {
              '0-9': 2,
              '10-19': 1,
              '50-59': 1,
              '80-89': 1,
              '90-100': 2,
              none: 1,
            } as Record<string, number>
          )[b.id] ?? 0,
      })),
    );
  });

  it('scores, sorts and counts by a framework when one is chosen', async () => {
    const { stores } = await setup();
    const now = new Date('2026-11-20T10:00:00Z');
    const entities = ['a', 'b', 'c'].map(n => snapshot(n));
    await stores.entities.upsertEntities(entities, now);
    const soc2 = [95, 15, undefined];
    await stores.evaluations.saveEvaluations(
      entities.map((e, i) =>
        evaluation(e.entityRef, {
          upsertResults: [result(e.entityRef, 'A', 'fail')],
          score: score(e.entityRef, {
            score: 50,
            summary: withFrameworks(
              soc2[i] === undefined ? {} : { soc2: breakdown(soc2[i]!) },
            ),
          }),
        }),
      ),
      [],
      undefined,
      now,
    );
    const page = await stores.overview.getOverview({
      framework: 'soc2',
      sort: 'score',
      order: 'desc',
      page: 1,
      pageSize: 10,
    });
    expect(page.totalCount).toBe(2);
    expect(page.items.map(i => [i.name, i.score])).toEqual([
      ['a', 95],
      ['b', 15],
    ]);
    expect(
      page.distribution.filter(d => d.count > 0).map(d => d.bucket),
    ).toEqual(['10-19', '90-100']);
    expect(page.topFailing).toEqual([{ controlId: 'A', count: 2 }]);
  });
  it('gives rows without categories the weights and next level of the stored summary', async () => {
    const { stores } = await setup();
    const now = new Date('2026-11-20T10:00:00Z');
    const entities = ['a', 'b'].map(n => snapshot(n));
    await stores.entities.upsertEntities(entities, now);
    const nextLevel = {
      id: 'gold',
      title: 'Gold',
      missingControls: ['GH-BP-01', 'GH-SEC-03'],
      minCoverage: 0.8,
    };
    await stores.evaluations.saveEvaluations(
      entities.map((e, i) =>
        evaluation(e.entityRef, {
          score: score(e.entityRef, {
            score: 40 + i,
            summary: {
              knownWeight: 7.5 + i,
              applicableWeight: 12,
              categories: { security: breakdown(40) },
              frameworks: { soc2: breakdown(30) },
              ...(i === 0 ? { nextLevel } : {}),
            },
          }),
        }),
      ),
      [],
      undefined,
      now,
    );
    const query = {
      sort: 'name' as const,
      order: 'asc' as const,
      page: 1,
      pageSize: 10,
    };
    const slim = await stores.overview.getOverview(query);
    const full = await stores.overview.getOverview({
      ...query,
      categories: true,
    });
    const stored = await Promise.all(
      entities.map(e => stores.evaluations.getSummary(e.entityRef)),
    );
    expect(
      slim.items.map(i => [i.knownWeight, i.applicableWeight, i.nextLevel]),
    ).toEqual([
      [7.5, 12, nextLevel],
      [8.5, 12, undefined],
    ]);
    expect(slim.items.every(i => Object.keys(i.categories).length === 0)).toBe(
      true,
    );
    expect(full.items).toEqual(stored);
  });
});
