import type { Fact } from 'backstage-plugin-compliance-common';

/** The fact id of the CI summary written by the GitHub CI collector. */
export const CI_SUMMARY_FACT_ID = 'github.ci.summary';

/** One day of CI runs. */
export interface CiSeriesPoint {
  day: string;
  runs: number;
  passed: number;
  failed: number;
  flaky: number;
  p50DurationSeconds?: number;
}

/** The CI summary, normalised defensively from the fact value. */
export interface CiSummary {
  latestStatus?: string;
  windowDays?: number;
  runs?: number;
  /** 0..1 */
  passRate?: number;
  /** 0..1 */
  flakyRate?: number;
  p50DurationSeconds?: number;
  p95DurationSeconds?: number;
  topFailingChecks: Array<{ name: string; count: number }>;
  series: CiSeriesPoint[];
  observedAt?: string;
  url?: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) {
    return Number(v);
  }
  return undefined;
}

function ratio(v: unknown): number | undefined {
  const n = num(v);
  if (n === undefined) return undefined;
  // Accept percentages as well as ratios.
  return n > 1 ? Math.min(n / 100, 1) : Math.max(n, 0);
}

/**
 * Reads the CI summary out of the facts; `undefined` when there is no usable
 * summary (absent, unknown or malformed).
 */
export function readCiSummary(
  facts: Fact[] | undefined,
): CiSummary | undefined {
  const fact = facts?.find(f => f.factId === CI_SUMMARY_FACT_ID);
  if (!fact || !isRecord(fact.value)) return undefined;
  const v = fact.value;
  const top = Array.isArray(v.topFailingChecks) ? v.topFailingChecks : [];
  const series = Array.isArray(v.series) ? v.series : [];
  return {
    latestStatus:
      typeof v.latestStatus === 'string' ? v.latestStatus : undefined,
    windowDays: num(v.windowDays),
    runs: num(v.runs),
    passRate: ratio(v.passRate),
    flakyRate: ratio(v.flakyRate),
    p50DurationSeconds: num(v.p50DurationSeconds),
    p95DurationSeconds: num(v.p95DurationSeconds),
    topFailingChecks: top.flatMap(c =>
      isRecord(c) && typeof c.name === 'string'
        ? [{ name: c.name, count: num(c.count) ?? 0 }]
        : [],
    ),
    series: series.flatMap(p =>
      isRecord(p) && typeof p.day === 'string'
        ? [
            {
              day: p.day,
              runs: num(p.runs) ?? 0,
              passed: num(p.passed) ?? 0,
              failed: num(p.failed) ?? 0,
              flaky: num(p.flaky) ?? 0,
              p50DurationSeconds: num(p.p50DurationSeconds),
            },
          ]
        : [],
    ),
    observedAt: fact.observedAt,
    url: fact.evidence?.url,
  };
}
