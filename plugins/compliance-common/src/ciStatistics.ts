import {
  CI_SOURCES,
  CiCheckStats,
  CiObservation,
  CiStatistics,
  CiStatisticsDay,
  DEFAULT_CI_MIN_RUNS,
  MAX_CI_CHECK_NAME,
  MAX_CI_CHECKS,
  MAX_CI_FAILURE_SUMMARY,
} from './ciChecks';

/*
 * The CI statistics computed from observations of every source: pure, shared
 * by the GitHub collector and the push collector.
 */

const DAY_MS = 86_400_000;
const TOP_FAILING_CHECKS = 5;

/**
 * Nearest-rank percentile of sorted numbers.
 *
 * @public
 */
export function ciPercentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

function round(value: number, digits = 4) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function dayOf(ms: number) {
  return new Date(ms).toISOString().slice(0, 10);
}

function durationsOf(list: CiObservation[]) {
  return list
    .map(o => o.durationSeconds)
    .filter((d): d is number => typeof d === 'number' && d >= 0)
    .sort((a, b) => a - b);
}

function isHttpUrl(value: string | null | undefined): value is string {
  return (
    typeof value === 'string' &&
    value.length <= 2000 &&
    /^https?:\/\//i.test(value)
  );
}

function bounded(value: string | null | undefined, max: number) {
  if (typeof value !== 'string') return null;
  // Control characters never reach the UI; text is shown, never followed.
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return clean ? clean.slice(0, max) : null;
}

/**
 * The flaky observations: successes on a commit where the same check
 * failed before (across sources), or that the source knows followed a
 * failed attempt.
 */
function flakyOf(sortedCounted: CiObservation[]): Set<CiObservation> {
  const failedBefore = new Set<string>();
  const flaky = new Set<CiObservation>();
  for (const o of sortedCounted) {
    const key = `${o.name}\u0000${o.sha ?? `#${o.id}`}`;
    if (o.outcome === 'failure') {
      failedBefore.add(key);
    } else if (o.rerunAfterFailure || (o.sha && failedBefore.has(key))) {
      flaky.add(o);
    }
  }
  return flaky;
}

/**
 * CI statistics over a window, per check and overall, from observations of
 * any source (workflow runs, check runs, commit statuses, pushed runs).
 * Pure: the GitHub collector and the push collector share it, so collected
 * and pushed runs give the same figures.
 *
 * Only `success` and `failure` outcomes within the window count. A check
 * with fewer than `minRuns` counted runs is `insufficient_data` and stays
 * out of the worst values.
 *
 * @public
 */
export function computeCiStatistics(
  observations: CiObservation[],
  options: { now: Date; windowDays: number; minRuns?: number },
): CiStatistics {
  const minRuns = options.minRuns ?? DEFAULT_CI_MIN_RUNS;
  const todayStart = Math.floor(options.now.getTime() / DAY_MS) * DAY_MS;
  const startMs = todayStart - (options.windowDays - 1) * DAY_MS;
  const counted = observations
    .filter(o => {
      const at = Date.parse(o.at);
      return (
        (o.outcome === 'success' || o.outcome === 'failure') &&
        Number.isFinite(at) &&
        at >= startMs &&
        o.name.trim().length > 0
      );
    })
    .map(o => ({ ...o, name: o.name.trim().slice(0, MAX_CI_CHECK_NAME) }))
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const flaky = flakyOf(counted);

  const byName = new Map<string, CiObservation[]>();
  for (const o of counted) {
    byName.set(o.name, [...(byName.get(o.name) ?? []), o]);
  }

  const checks: CiCheckStats[] = [...byName.entries()].map(([name, list]) => {
    const passed = list.filter(o => o.outcome === 'success').length;
    const failed = list.length - passed;
    const flakyCount = list.filter(o => flaky.has(o)).length;
    const durations = durationsOf(list);
    const lastFailed = [...list].reverse().find(o => o.outcome === 'failure');
    const perDay = new Map<string, CiObservation[]>();
    for (const o of list) {
      const day = dayOf(Date.parse(o.at));
      perDay.set(day, [...(perDay.get(day) ?? []), o]);
    }
    return {
      name,
      sources: CI_SOURCES.filter(s => list.some(o => o.source === s)),
      status: list.length >= minRuns ? 'ok' : 'insufficient_data',
      runs: list.length,
      passed,
      failed,
      flaky: flakyCount,
      passRate: round(passed / list.length),
      flakyRate: round(flakyCount / list.length),
      p50DurationSeconds: ciPercentile(durations, 50),
      p95DurationSeconds: ciPercentile(durations, 95),
      lastFailure: lastFailed
        ? {
            at: new Date(Date.parse(lastFailed.at)).toISOString(),
            sha: bounded(lastFailed.sha, 64),
            url: isHttpUrl(lastFailed.url) ? lastFailed.url : null,
            summary: bounded(lastFailed.summary, MAX_CI_FAILURE_SUMMARY),
            source: lastFailed.source,
          }
        : null,
      daily: [...perDay.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([day, dayList]) => ({
          day,
          passed: dayList.filter(o => o.outcome === 'success').length,
          failed: dayList.filter(o => o.outcome === 'failure').length,
          flaky: dayList.filter(o => flaky.has(o)).length,
          p50DurationSeconds: ciPercentile(durationsOf(dayList), 50),
        })),
    };
  });
  checks.sort(
    (a, b) =>
      (b.flakyRate ?? 0) - (a.flakyRate ?? 0) ||
      b.failed - a.failed ||
      b.runs - a.runs ||
      a.name.localeCompare(b.name),
  );

  const passed = counted.filter(o => o.outcome === 'success');
  const failed = counted.filter(o => o.outcome === 'failure');
  const durations = durationsOf(counted);
  const failingByName = new Map<string, number>();
  for (const o of failed) {
    failingByName.set(o.name, (failingByName.get(o.name) ?? 0) + 1);
  }
  const perDay = new Map<string, CiObservation[]>();
  for (const o of counted) {
    const day = dayOf(Date.parse(o.at));
    perDay.set(day, [...(perDay.get(day) ?? []), o]);
  }
  const daily: CiStatisticsDay[] = [];
  for (let i = 0; i < options.windowDays; i++) {
    const day = dayOf(startMs + i * DAY_MS);
    const list = perDay.get(day) ?? [];
    daily.push({
      day,
      runs: list.length,
      passed: list.filter(o => o.outcome === 'success').length,
      failed: list.filter(o => o.outcome === 'failure').length,
      flaky: list.filter(o => flaky.has(o)).length,
      p50DurationSeconds: ciPercentile(durationsOf(list), 50),
    });
  }

  const enough = checks.filter(c => c.status === 'ok');
  const worstOf = (
    pick: (c: CiCheckStats) => number | null,
    better: 'low' | 'high',
  ) => {
    const values = enough
      .map(pick)
      .filter((v): v is number => typeof v === 'number');
    if (!values.length) return null;
    return better === 'low' ? Math.max(...values) : Math.min(...values);
  };

  return {
    overall: {
      windowDays: options.windowDays,
      runs: counted.length,
      passed: passed.length,
      failed: failed.length,
      flaky: flaky.size,
      passRate: counted.length ? round(passed.length / counted.length) : null,
      flakyRate: counted.length ? round(flaky.size / counted.length) : null,
      p50DurationSeconds: ciPercentile(durations, 50),
      p95DurationSeconds: ciPercentile(durations, 95),
      topFailingChecks: [...failingByName.entries()]
        .map(([name, n]) => ({ name, count: n }))
        .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
        .slice(0, TOP_FAILING_CHECKS),
      daily,
    },
    checks: checks.slice(0, MAX_CI_CHECKS),
    sources: CI_SOURCES.filter(s => counted.some(o => o.source === s)),
    worst: {
      flakyRate: worstOf(c => c.flakyRate, 'low'),
      p95DurationSeconds: worstOf(c => c.p95DurationSeconds, 'low'),
      passRate: worstOf(c => c.passRate, 'high'),
    },
  };
}
