import runsFixture from '../__fixtures__/workflow-runs.json';
import {
  computeCiStats,
  mergeRuns,
  nextWatermark,
  percentile,
  RestWorkflowRun,
  runsNeedingAttemptLookup,
  StoredRun,
  toStoredRun,
} from './ciStats';

const now = new Date('2025-06-15T12:00:00Z');
const windowStart = new Date('2025-05-17T00:00:00Z');
const stored = (runsFixture.workflow_runs as RestWorkflowRun[]).map(
  toStoredRun,
);

describe('ciStats', () => {
  it('computes pass rate without cancelled or in-progress runs', () => {
    const stats = computeCiStats(stored, { now, windowDays: 30 });
    // 10 runs: 1 cancelled, 1 in progress → 8 counted, 2 failed.
    expect(stats.runs).toBe(8);
    expect(stats.passed).toBe(6);
    expect(stats.failed).toBe(2);
    expect(stats.passRate).toBe(0.75);
    expect(stats.topFailingChecks).toEqual([
      { name: 'CI', count: 1 },
      { name: 'Lint', count: 1 },
    ]);
    expect(stats.daily).toHaveLength(30);
    expect(stats.daily[29].day).toBe('2025-06-15');
    expect(stats.daily.find(d => d.day === '2025-06-11')).toMatchObject({
      runs: 2,
      passed: 1,
      failed: 1,
    });
  });

  it('counts a successful re-run after a failed attempt as flaky', () => {
    const runs = stored.map(r =>
      r.id === 103 ? { ...r, rerunAfterFailure: true } : r,
    );
    const stats = computeCiStats(runs, { now, windowDays: 30 });
    expect(stats.flaky).toBe(1);
    expect(stats.flakyRate).toBe(0.125);
  });

  it('does not count a re-run whose earlier attempt was not a failure', () => {
    const runs = stored.map(r =>
      r.id === 103 ? { ...r, rerunAfterFailure: false } : r,
    );
    expect(computeCiStats(runs, { now, windowDays: 30 }).flaky).toBe(0);
    // not looked up yet: assumed flaky
    expect(computeCiStats(stored, { now, windowDays: 30 }).flaky).toBe(1);
  });

  it('counts a success after a failed run of the same workflow and commit as flaky', () => {
    const runs: StoredRun[] = [
      {
        id: 1,
        name: 'CI',
        sha: 'x',
        status: 'completed',
        conclusion: 'failure',
        attempt: 1,
        createdAt: '2025-06-14T10:00:00Z',
        durationSeconds: 100,
      },
      {
        id: 2,
        name: 'CI',
        sha: 'x',
        status: 'completed',
        conclusion: 'success',
        attempt: 1,
        createdAt: '2025-06-14T11:00:00Z',
        durationSeconds: 100,
      },
      {
        id: 3,
        name: 'Lint',
        sha: 'x',
        status: 'completed',
        conclusion: 'success',
        attempt: 1,
        createdAt: '2025-06-14T11:00:00Z',
        durationSeconds: 10,
      },
    ];
    expect(computeCiStats(runs, { now, windowDays: 30 }).flaky).toBe(1);
  });

  it('reports percentiles by nearest rank', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    const stats = computeCiStats(stored, { now, windowDays: 30 });
    expect(stats.p50DurationSeconds).toBe(290);
    expect(stats.p95DurationSeconds).toBe(320);
  });

  it('has no rates without runs', () => {
    const stats = computeCiStats([], { now, windowDays: 7 });
    expect(stats).toMatchObject({
      runs: 0,
      passRate: null,
      flakyRate: null,
      p50DurationSeconds: null,
    });
    expect(stats.daily).toHaveLength(7);
  });

  it('merges incremental pages, marks re-runs after a seen failure and prunes old runs', () => {
    const failedFirst: StoredRun = {
      id: 9,
      name: 'CI',
      sha: 'z',
      status: 'completed',
      conclusion: 'failure',
      attempt: 1,
      createdAt: '2025-06-12T10:00:00Z',
      durationSeconds: 50,
    };
    const old: StoredRun = {
      ...failedFirst,
      id: 8,
      createdAt: '2025-01-01T00:00:00Z',
    };
    const merged = mergeRuns(
      [failedFirst, old],
      [{ ...failedFirst, conclusion: 'success', attempt: 2 }],
      windowStart,
    );
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({
      id: 9,
      attempt: 2,
      rerunAfterFailure: true,
    });
    expect(runsNeedingAttemptLookup(merged)).toHaveLength(0);
    expect(runsNeedingAttemptLookup(stored).map(r => r.id)).toEqual([103]);
  });

  it('resumes from the oldest unfinished run', () => {
    expect(nextWatermark(stored, windowStart)).toBe('2025-06-15T11:50:00Z');
    const done = stored.filter(r => r.status === 'completed');
    expect(nextWatermark(done, windowStart)).toBe('2025-06-13T10:00:00Z');
    expect(nextWatermark([], windowStart)).toBe('2025-05-17T00:00:00Z');
  });
});
