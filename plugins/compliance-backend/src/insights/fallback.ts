import {
  INSIGHT_SCHEMA_VERSION,
  type Insight,
  type InsightClaim,
  type InsightDraft,
  type InsightSource,
} from 'backstage-plugin-compliance-common';
import {
  InsightControl,
  InsightInput,
  insightInputHash,
  isRiskStatus,
  PROMPT_VERSION,
} from './input';

const factValue = (input: InsightInput, id: string) =>
  input.facts.find(f => f.id === id)?.value ?? null;

const STATUS_WORD: Record<string, string> = {
  fail: 'Failing',
  warn: 'Partly met',
  unknown: 'Not checked',
};

const UNKNOWN_HINT: Record<string, string> = {
  insufficient_permission:
    'grant the collector read access so it can be checked',
  no_credentials: 'configure credentials so it can be checked',
  no_repo: 'add a source repository annotation so it can be checked',
  feature_unavailable: 'the data source does not offer it on this plan',
  rate_limited: 'collection was rate limited; it is retried',
  error: 'collection failed; it is retried',
  not_collected: 'not collected yet',
};

function riskText(c: InsightControl): string {
  const status = STATUS_WORD[c.status] ?? c.status;
  const hint =
    c.status === 'unknown' && c.unknownReason
      ? `: ${UNKNOWN_HINT[c.unknownReason] ?? 'unknown'}`
      : '';
  return `${status} (${c.severity}): ${c.title}${hint}.`;
}

function stepText(c: InsightControl): string {
  if (c.status === 'unknown') {
    const hint = c.unknownReason ? UNKNOWN_HINT[c.unknownReason] : undefined;
    return `Make "${c.title}" checkable${hint ? `: ${hint}` : ''}.`;
  }
  if (!c.remediation) return `Make "${c.title}" pass.`;
  return /[.!?]$/.test(c.remediation) ? c.remediation : `${c.remediation}.`;
}

/** The CI claims of the fallback. */
function ciClaims(input: InsightInput): InsightClaim[] {
  const summaryMissing = factValue(input, 'ci.summary');
  if (summaryMissing !== null) {
    return [
      {
        text: 'No CI statistics are available for this entity.',
        cites: ['ci.summary'],
      },
    ];
  }
  const claims: InsightClaim[] = [];
  const head = factValue(input, 'ci.headState');
  const pass = factValue(input, 'ci.passRatePercent');
  const flaky = factValue(input, 'ci.flakyRatePercent');
  const window = factValue(input, 'ci.windowDays');
  if (head === 'FAILURE' || head === 'ERROR') {
    claims.push({
      text: 'The latest commit on the default branch has failing checks.',
      cites: ['ci.headState'],
    });
  }
  if (typeof flaky === 'number' && flaky >= 4) {
    claims.push({
      text: `About ${flaky}% of runs in the last ${window} days were flaky (failed, then passed on the same commit): unstable tests or infrastructure rather than code changes.`,
      cites: ['ci.flakyRatePercent', 'ci.windowDays'],
    });
  }
  if (typeof pass === 'number' && pass < 90) {
    const check = factValue(input, 'ci.failingCheck.1');
    claims.push({
      text:
        typeof check === 'string'
          ? `About ${pass}% of runs passed in the last ${window} days; most failures come from the check quoted in ci.failingCheck.1.`
          : `About ${pass}% of runs passed in the last ${window} days.`,
      cites: [
        'ci.passRatePercent',
        'ci.windowDays',
        ...(typeof check === 'string' ? ['ci.failingCheck.1'] : []),
      ],
    });
  }
  return claims.slice(0, 4);
}

/** The trend claim of the fallback. */
function trendClaim(input: InsightInput): InsightClaim {
  const delta = factValue(input, 'trend.scoreDelta');
  const days = factValue(input, 'trend.days');
  if (typeof delta !== 'number') {
    return {
      text: 'Not enough history yet to tell a trend.',
      cites: ['trend.scoreDelta'],
    };
  }
  if (delta === 0) {
    return {
      text: `The score held steady over the last ${days} recorded days.`,
      cites: ['trend.scoreDelta', 'trend.days'],
    };
  }
  return {
    text: `The score ${delta > 0 ? 'rose' : 'fell'} by ${Math.abs(
      delta,
    )} points over the last ${days} recorded days.`,
    cites: ['trend.scoreDelta', 'trend.days'],
  };
}

/**
 * The deterministic insight: the same schema as a model's, from the
 * results and CI statistics only. Shown when no provider is configured,
 * while a job is pending, when the budget is spent or every provider
 * failed.
 */
export function rulesDraft(input: InsightInput): InsightDraft {
  const risky = input.controls.filter(c => isRiskStatus(c.status));
  const score = factValue(input, 'score.total');
  const coverage = factValue(input, 'score.coveragePercent');
  const level = factValue(input, 'level.current');
  const fail = factValue(input, 'results.fail');
  const warn = factValue(input, 'results.warn');
  const unknown = factValue(input, 'results.unknown');

  const summary: InsightClaim =
    score === null
      ? {
          text: `Nothing could be checked yet (coverage ${coverage}%); ${unknown} controls are unknown.`,
          cites: ['score.total', 'score.coveragePercent', 'results.unknown'],
        }
      : {
          text: `Score ${score} with ${coverage}% coverage, level ${level}: ${fail} failing, ${warn} warning and ${unknown} unknown controls.${
            risky.length === 0 ? ' Every checked control passes.' : ''
          }`,
          cites: [
            'score.total',
            'score.coveragePercent',
            'level.current',
            'results.fail',
            'results.warn',
            'results.unknown',
          ],
        };

  // Risks: the heaviest fails and warns, then unknowns.
  const risks = risky
    .slice()
    .sort(
      (a, b) =>
        (a.status === 'unknown' ? 1 : 0) - (b.status === 'unknown' ? 1 : 0) ||
        b.weight - a.weight ||
        b.expectedScoreGain - a.expectedScoreGain ||
        a.id.localeCompare(b.id),
    )
    .slice(0, 5)
    .map(c => ({ text: riskText(c), controlId: c.id, cites: [c.id] }));

  // Steps: the largest expected gain first; unknowns (no gain on the score
  // until known) after them, by weight.
  const steps = risky
    .slice()
    .sort(
      (a, b) =>
        b.expectedScoreGain - a.expectedScoreGain ||
        b.weight - a.weight ||
        a.id.localeCompare(b.id),
    )
    .slice(0, 6)
    .map(c => ({ text: stepText(c), controlId: c.id, cites: [c.id] }));

  return {
    summary,
    risks,
    steps,
    ciCauses: ciClaims(input),
    trend: trendClaim(input),
  };
}

/**
 * Turns a validated draft into the stored insight: the engine adds each
 * step's expected score gain (never the model's), the source and the
 * versions.
 */
export function toInsight(
  draft: InsightDraft,
  input: InsightInput,
  source: InsightSource,
  generatedAt: Date,
): Insight {
  const gains = new Map(input.controls.map(c => [c.id, c.expectedScoreGain]));
  return {
    entityRef: input.entityRef,
    summary: draft.summary,
    risks: draft.risks,
    steps: draft.steps.map(s => ({
      ...s,
      expectedScoreGain: gains.get(s.controlId) ?? 0,
    })),
    ciCauses: draft.ciCauses,
    trend: draft.trend,
    source,
    inputHash: insightInputHash(input),
    promptVersion: PROMPT_VERSION,
    schemaVersion: INSIGHT_SCHEMA_VERSION,
    generatedAt: generatedAt.toISOString(),
  };
}

/** The rules insight of an input. */
export function rulesInsight(input: InsightInput, now: Date): Insight {
  return toInsight(rulesDraft(input), input, { type: 'rules' }, now);
}
