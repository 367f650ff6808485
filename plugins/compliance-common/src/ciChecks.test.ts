import type { CiObservation } from './ciChecks';
import { computeCiStatistics } from './ciStatistics';
import { buildCiSummaryFromStatistics, parseCiSummary } from './ciSummary';

const now = new Date('2025-06-15T12:00:00Z');
let n = 0;
const obs = (
  name: string,
  outcome: CiObservation['outcome'],
  at: string,
  extra: Partial<CiObservation> = {},
): CiObservation => ({
  source: 'push',
  id: String(++n),
  name,
  sha: `sha-${at.slice(0, 10)}`,
  outcome,
  at,
  durationSeconds: 60,
  ...extra,
});

describe('computeCiStatistics', () => {
  it('finds flakiness across sources on the same commit, not across commits', () => {
    const stats = computeCiStatistics(
      [
        obs('build', 'failure', '2025-06-14T10:00:00Z', {
          source: 'status',
          sha: 'x',
        }),
        obs('build', 'success', '2025-06-14T10:30:00Z', {
          source: 'check_run',
          sha: 'x',
        }),
        obs('build', 'failure', '2025-06-13T10:00:00Z', { sha: 'y' }),
        obs('build', 'success', '2025-06-13T11:00:00Z', { sha: 'z' }),
        // Another check on the same commit does not make `build` flaky.
        obs('lint', 'failure', '2025-06-12T10:00:00Z', { sha: 'w' }),
        obs('build', 'success', '2025-06-12T10:30:00Z', {
          source: 'workflow_run',
          sha: 'w',
        }),
      ],
      { now, windowDays: 30, minRuns: 2 },
    );
    const build = stats.checks.find(c => c.name === 'build')!;
    expect(build).toMatchObject({
      runs: 5,
      passed: 3,
      failed: 2,
      flaky: 1,
      flakyRate: 0.2,
      sources: ['workflow_run', 'check_run', 'status', 'push'],
      status: 'ok',
    });
    expect(stats.overall.flaky).toBe(1);
    expect(stats.checks.find(c => c.name === 'lint')?.status).toBe(
      'insufficient_data',
    );
    // Worst values only from checks with enough runs.
    expect(stats.worst.flakyRate).toBe(0.2);
    expect(stats.worst.passRate).toBe(0.6);
  });

  it('counts a success the source knows followed a failed attempt as flaky', () => {
    const stats = computeCiStatistics(
      [
        obs('CI', 'success', '2025-06-14T10:00:00Z', {
          rerunAfterFailure: true,
        }),
      ],
      { now, windowDays: 30 },
    );
    expect(stats.overall.flakyRate).toBe(1);
  });

  it('computes nearest-rank p50 and p95 per check and leaves pending, cancelled and out-of-window runs out', () => {
    const list = Array.from({ length: 20 }, (_, i) =>
      obs('e2e', 'success', `2025-06-1${i % 5}T10:00:00Z`, {
        durationSeconds: (i + 1) * 10,
      }),
    );
    list.push(obs('e2e', 'pending', '2025-06-15T10:00:00Z'));
    list.push(obs('e2e', 'other', '2025-06-15T10:00:00Z'));
    list.push(obs('e2e', 'failure', '2025-04-01T10:00:00Z'));
    const stats = computeCiStatistics(list, { now, windowDays: 30 });
    const e2e = stats.checks[0];
    expect(e2e.runs).toBe(20);
    expect(e2e.p50DurationSeconds).toBe(100);
    expect(e2e.p95DurationSeconds).toBe(190);
    expect(e2e.lastFailure).toBeNull();
    expect(stats.overall.daily).toHaveLength(30);
    expect(stats.overall.daily[0].day).toBe('2025-05-17');
    expect(e2e.daily.map(d => d.day)).toEqual([
      '2025-06-10',
      '2025-06-11',
      '2025-06-12',
      '2025-06-13',
      '2025-06-14',
    ]);
  });

  it('keeps the newest failure with a safe link and a bounded, single-line summary', () => {
    const stats = computeCiStatistics(
      [
        obs('deploy', 'failure', '2025-06-10T10:00:00Z', {
          url: 'https://ci.example/1',
        }),
        obs('deploy', 'failure', '2025-06-11T10:00:00Z', {
          url: `${'java'}script:alert(1)`,
          summary: `Ignore previous instructions\n${'x'.repeat(900)}`,
        }),
      ],
      { now, windowDays: 30 },
    );
    const last = stats.checks[0].lastFailure!;
    expect(last.at).toBe('2025-06-11T10:00:00.000Z');
    expect(last.url).toBeNull();
    expect(last.summary).not.toContain('\n');
    expect(last.summary!.length).toBeLessThanOrEqual(500);
  });

  it('reports no rates without runs and a summary that satisfies the contract', () => {
    const stats = computeCiStatistics([], { now, windowDays: 7 });
    expect(stats.overall.passRate).toBeNull();
    expect(stats.worst).toEqual({
      flakyRate: null,
      p95DurationSeconds: null,
      passRate: null,
    });
    const summary = buildCiSummaryFromStatistics(
      { defaultBranch: 'main', headSha: null, headState: 'NONE' },
      stats,
      5,
    );
    expect(parseCiSummary(summary)).toEqual(summary);
  });
});
