import type {
  CiCheckStats,
  CiSummary,
} from 'backstage-plugin-compliance-common';
import { aggregateOrgCi } from './orgCi';

const check = (
  name: string,
  runs: number,
  flaky: number,
  p95: number | null,
  status: CiCheckStats['status'] = 'ok',
): CiCheckStats => ({
  name,
  sources: ['status'],
  status,
  runs,
  passed: runs - flaky,
  failed: 0,
  flaky,
  passRate: 1,
  flakyRate: runs ? flaky / runs : null,
  p50DurationSeconds: p95,
  p95DurationSeconds: p95,
  lastFailure: null,
  daily: [],
});

const summary = (checks: CiCheckStats[]) =>
  ({ checks } as unknown as CiSummary);

describe('aggregateOrgCi', () => {
  it('ranks checks by flaky rate over all their runs and by worst p95, with the entities they affect', () => {
    const out = aggregateOrgCi(
      [
        {
          entityRef: 'component:default/a',
          github: summary([
            check('build', 10, 2, 300),
            check('e2e', 5, 0, 900),
          ]),
        },
        {
          entityRef: 'component:default/b',
          pushed: summary([
            check('build', 30, 0, 100),
            check('lint', 5, 1, 20),
          ]),
        },
        {
          entityRef: 'component:default/c',
          github: summary([check('build', 2, 2, 9000, 'insufficient_data')]),
          pushed: summary([check('build', 50, 50, 50)]),
        },
        { entityRef: 'component:default/none' },
      ],
      2,
    );
    expect(out.withCi).toBe(3);
    // lint 1/5 = 0.2 beats build 2/40 = 0.05 (c's build has too few runs; its
    // pushed namesake is hidden by the collected check of the same name).
    expect(out.flakiest.map(c => [c.name, c.flakyRate])).toEqual([
      ['lint', 0.2],
      ['build', 0.05],
    ]);
    expect(out.flakiest[1].entities.map(e => e.entityRef)).toEqual([
      'component:default/a',
    ]);
    expect(out.slowest.map(c => [c.name, c.maxP95DurationSeconds])).toEqual([
      ['e2e', 900],
      ['build', 300],
    ]);
    expect(out.slowest[1].entities.map(e => e.entityRef)).toEqual([
      'component:default/a',
      'component:default/b',
    ]);
  });
});
