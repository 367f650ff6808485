import {
  CI_PUSHED_FACTS,
  CI_SUMMARY_FACT_ID,
  CiSummary,
  Fact,
  parseCiSummary,
} from 'backstage-plugin-compliance-common';

/** The CI summary of an entity, with when and where it was observed. */
export interface CiSignalsData {
  summary: CiSummary;
  observedAt?: string;
  url?: string;
}

/** One bar of the duration chart. */
export interface CiDurationPoint {
  day: string;
  p50DurationSeconds: number;
}

/**
 * Reads the CI summary out of the facts through the contract in
 * `backstage-plugin-compliance-common`; `undefined` when there is no usable
 * summary (absent, unknown or not satisfying the contract).
 */
export function readCiSummary(
  facts: Fact[] | undefined,
): CiSignalsData | undefined {
  // Collected from GitHub first, else pushed by any CI.
  for (const id of [CI_SUMMARY_FACT_ID, CI_PUSHED_FACTS.summary]) {
    const fact = facts?.find(f => f.factId === id);
    const summary = fact ? parseCiSummary(fact.value) : undefined;
    if (fact && summary) {
      return { summary, observedAt: fact.observedAt, url: fact.evidence?.url };
    }
  }
  return undefined;
}

/** The days of the window with runs: passed, failed and flaky. */
export function ciOutcomeSeries(summary: CiSummary) {
  return summary.daily.flatMap(({ day, passed, failed, flaky }) =>
    passed + failed > 0 ? [{ day, passed, failed, flaky }] : [],
  );
}

/** The days of the window with a median run duration, oldest first. */
export function ciDurationSeries(summary: CiSummary): CiDurationPoint[] {
  return summary.daily.flatMap(({ day, p50DurationSeconds }) =>
    p50DurationSeconds === null ? [] : [{ day, p50DurationSeconds }],
  );
}

/** The latest default-branch state as shown, e.g. `success`. */
export function formatCiHeadState(state: CiSummary['headState']): string {
  return state.toLocaleLowerCase('en-US');
}
