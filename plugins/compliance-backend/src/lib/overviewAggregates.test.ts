import {
  commonAggregate,
  figuresOf,
  sumAggregates,
} from './overviewAggregates';

const agg = (n: number, failing: Record<string, number>) => ({
  totalCount: n,
  distribution: { '90-100': n },
  levels: { none: n },
  failing,
});
const aggregates = {
  all: agg(5, { A: 3, B: 1 }),
  owner: {
    'group:default/a': agg(2, { A: 2 }),
    'group:default/b': agg(3, { A: 1, B: 1 }),
  },
  system: { 'system:default/s': agg(1, { B: 1 }) },
};
const base = {
  sort: 'score' as const,
  order: 'asc' as const,
  page: 1,
  pageSize: 50,
};

describe('commonAggregate', () => {
  it('sums the owners of an owner filter and answers the unfiltered set', () => {
    expect(
      commonAggregate(
        {
          ...base,
          owners: ['group:default/a', 'group:default/b', 'group:default/a'],
        },
        aggregates,
      ),
    ).toEqual(
      sumAggregates([
        aggregates.owner['group:default/a'],
        aggregates.owner['group:default/b'],
      ]),
    );
    expect(commonAggregate(base, aggregates)).toBe(aggregates.all);
    expect(
      commonAggregate({ ...base, owners: ['group:default/none'] }, aggregates)
        ?.totalCount,
    ).toBe(0);
  });

  it('leaves every other filter, and a permission subset, to the live query', () => {
    for (const f of [
      { allowedRefs: [] },
      { search: 'x' },
      { framework: 'soc2' },
      { kind: ['component'] },
      { lifecycle: ['production'] },
      { level: ['gold'] },
      { owners: ['group:default/a'], system: ['system:default/s'] },
      { failing: 'A' },
      { someFilterAddedLater: 'x' },
    ]) {
      expect(
        commonAggregate({ ...base, ...f } as any, aggregates),
      ).toBeUndefined();
    }
  });

  it('answers in the overview shape, top failing first with ties by id', () => {
    const figures = figuresOf(agg(4, { B: 2, A: 2, C: 0, D: 5 }));
    expect(figures.topFailing).toEqual([
      { controlId: 'D', count: 5 },
      { controlId: 'A', count: 2 },
      { controlId: 'B', count: 2 },
    ]);
    expect(figures.distribution.find(d => d.bucket === '90-100')?.count).toBe(
      4,
    );
  });
});
