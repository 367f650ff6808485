import {
  buildCiSummaryFromStatistics,
  CI_PUSHED_FACTS as P,
  CiObservation,
  CiSummary,
  computeCiStatistics,
  DEFAULT_CI_MIN_RUNS,
  FactEvidence,
  JsonValue,
  UnknownReason,
} from 'backstage-plugin-compliance-common';

/** The collector id the facts of pushed runs are written under. */
export const PUSHED_CI_COLLECTOR_ID = 'ci.pushed';
/** Where pushed facts say they come from. */
export const PUSH_ROUTE = 'POST /api/compliance/ci/runs';
/** Days of pushed runs the statistics cover (as the GitHub collector's default). */
export const PUSHED_CI_WINDOW_DAYS = 30;

/** One fact of pushed runs: a value, or why it is unknown. */
export interface PushedCiFact {
  factId: string;
  value?: JsonValue;
  unknownReason?: UnknownReason;
  message?: string;
  evidence?: FactEvidence;
}

/**
 * The combined state of the newest commit that reported: failure if any
 * check's latest result failed, pending if any is still running, else
 * success; `NONE` without observations.
 */
export function pushedHeadState(
  observations: CiObservation[],
): CiSummary['headState'] {
  if (!observations.length) return 'NONE';
  const newest = observations.reduce((a, b) =>
    Date.parse(a.at) >= Date.parse(b.at) ? a : b,
  );
  const onHead = observations.filter(o =>
    newest.sha ? o.sha === newest.sha : true,
  );
  const latest = new Map<string, CiObservation>();
  for (const o of onHead) {
    const seen = latest.get(o.name);
    if (!seen || Date.parse(o.at) >= Date.parse(seen.at)) latest.set(o.name, o);
  }
  const outcomes = [...latest.values()].map(o => o.outcome);
  if (outcomes.includes('failure')) return 'FAILURE';
  if (outcomes.includes('pending')) return 'PENDING';
  if (outcomes.includes('success')) return 'SUCCESS';
  return 'NONE';
}

/**
 * The facts of one entity's pushed runs: the same statistics the GitHub
 * collector writes (`computeCiStatistics` of `-common`), under
 * `ci.pushed.*`, with the CI systems that pushed them in the evidence. Pure.
 */
export function pushedCiFacts(
  observations: CiObservation[],
  options: {
    now: Date;
    windowDays: number;
    minRuns?: number;
    /** The CI systems that pushed, for the evidence. */
    systems: string[];
  },
): PushedCiFact[] {
  const minRuns = options.minRuns ?? DEFAULT_CI_MIN_RUNS;
  const statistics = computeCiStatistics(observations, {
    now: options.now,
    windowDays: options.windowDays,
    minRuns,
  });
  const evidence: FactEvidence = {
    source: `${PUSH_ROUTE} (pushed by ${
      options.systems.length ? options.systems.join(', ') : 'no CI yet'
    })`,
  };
  const { overall, worst } = statistics;
  const facts: PushedCiFact[] = [
    { factId: P.runs, value: overall.runs, evidence },
    { factId: P.passRate, value: overall.passRate, evidence },
    { factId: P.flakyRate, value: overall.flakyRate, evidence },
    {
      factId: P.p95DurationSeconds,
      value: overall.p95DurationSeconds,
      evidence,
    },
    { factId: P.headState, value: pushedHeadState(observations), evidence },
  ];
  const checkFacts: Array<[string, number | null]> = [
    [P.checksMaxFlakyRate, worst.flakyRate],
    [P.checksMaxP95DurationSeconds, worst.p95DurationSeconds],
    [P.checksMinPassRate, worst.passRate],
  ];
  const enough = statistics.checks.some(c => c.status === 'ok');
  for (const [factId, value] of checkFacts) {
    facts.push(
      enough
        ? { factId, value, evidence }
        : {
            factId,
            unknownReason: 'insufficient_data',
            message: `No pushed check has ${minRuns} or more completed runs in the last ${options.windowDays} days`,
            evidence,
          },
    );
  }
  try {
    const summary = buildCiSummaryFromStatistics(
      {
        defaultBranch: 'default',
        headSha:
          [...observations]
            .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
            .find(o => o.sha)?.sha ?? null,
        headState: pushedHeadState(observations),
      },
      statistics,
      minRuns,
    );
    facts.push({ factId: P.summary, value: summary, evidence });
  } catch (error) {
    facts.push({
      factId: P.summary,
      unknownReason: 'error',
      message: `The CI summary does not satisfy its contract: ${String(
        error,
      ).slice(0, 300)}`,
      evidence,
    });
  }
  return facts;
}
