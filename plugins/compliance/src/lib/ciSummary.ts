import {
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
  const fact = facts?.find(f => f.factId === CI_SUMMARY_FACT_ID);
  const summary = fact ? parseCiSummary(fact.value) : undefined;
  if (!fact || !summary) return undefined;
  return { summary, observedAt: fact.observedAt, url: fact.evidence?.url };
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
