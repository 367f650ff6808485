import type {
  CiSummary,
  ComplianceStatus,
  ControlSeverity,
  UnknownReason,
} from 'backstage-plugin-compliance-common';
import { INSIGHT_SCHEMA_VERSION } from 'backstage-plugin-compliance-common';
import { hashOf } from '../lib/hash';
import { scoreResults } from '../lib/scoring';

/**
 * Version of the prompt and of the rules fallback. Part of the input hash:
 * changing either regenerates every insight.
 */
export const PROMPT_VERSION = '2026-12-10.1';

/** Longest free text (from the catalog or a repository) passed on. */
export const MAX_FREE_TEXT = 200;

/** One control of the insight input. */
export interface InsightControl {
  id: string;
  title: string;
  category: string;
  severity: ControlSeverity;
  weight: number;
  status: ComplianceStatus;
  /** The engine's reason; may quote repository text. Bounded. */
  reason: string;
  unknownReason?: UnknownReason;
  /** Remediation text of the control definition. Bounded. */
  remediation?: string;
  /** Points of the total score the entity gains when this control passes. */
  expectedScoreGain: number;
}

/** One citable fact of the insight input. */
export interface InsightFact {
  id: string;
  value: string | number | boolean | null;
}

/**
 * The normalized inputs of one entity's insight: what the model sees, what
 * the fallback reads, and what the input hash covers. CI statistics are
 * bucketed so run-to-run noise does not change it.
 */
export interface InsightInput {
  entityRef: string;
  /** Citable facts (score, coverage, level, counts, CI, trend). */
  facts: InsightFact[];
  /** Every control with a result, heaviest non-passing first. */
  controls: InsightControl[];
  /** Catalog free text about the entity, bounded (quoted data). */
  entity: {
    kind: string;
    type?: string;
    lifecycle?: string;
    title?: string;
  };
}

/** What the input is built from (read by the runner from the stores). */
export interface InsightSources {
  entityRef: string;
  entity: { kind: string; type?: string; lifecycle?: string; title?: string };
  score: number | null;
  coverage: number;
  level: string | null;
  nextLevel?: { id: string; missingControls: string[] };
  results: Array<{
    controlId: string;
    status: ComplianceStatus;
    reason: string;
    unknownReason?: UnknownReason;
    control: {
      title: string;
      category: string;
      severity: ControlSeverity;
      weight: number;
      remediation?: { text: string };
    };
  }>;
  /** The parsed CI summary; `undefined` when absent or unknown. */
  ci?: CiSummary;
  /** Why the CI summary is missing, when it is. */
  ciUnknownReason?: string;
  /** Daily scores, oldest first (the history). */
  history: Array<{ day: string; score: number | null }>;
}

/**
 * Bounds free text: control characters removed, whitespace collapsed,
 * at most `max` characters. The text stays data: it is only ever placed in
 * JSON string values and rendered as plain text.
 */
export function boundText(text: string | undefined, max = MAX_FREE_TEXT) {
  if (!text) return '';
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  const collapsed = clean.replace(/\s+/g, ' ').trim();
  return collapsed.length > max ? `${collapsed.slice(0, max - 1)}…` : collapsed;
}

const NOT_PASSING: ComplianceStatus[] = ['fail', 'warn', 'unknown'];

/** Whether a status makes a control a possible risk (fail, warn, unknown). */
export function isRiskStatus(status: ComplianceStatus | undefined) {
  return status !== undefined && NOT_PASSING.includes(status);
}

/**
 * Points of the total score gained if each non-passing control passed,
 * everything else unchanged (one decimal). Computed by the engine's own
 * scoring, never guessed.
 */
export function expectedScoreGains(
  results: Array<{ controlId: string; status: ComplianceStatus }>,
  weights: Map<string, number>,
): Map<string, number> {
  const base = scoreResults(results, weights).score ?? 0;
  const gains = new Map<string, number>();
  for (const r of results) {
    if (!isRiskStatus(r.status)) continue;
    const after = scoreResults(
      results.map(x =>
        x.controlId === r.controlId ? { ...x, status: 'pass' as const } : x,
      ),
      weights,
    ).score;
    gains.set(
      r.controlId,
      Math.max(0, Math.round(((after ?? 0) - base) * 10) / 10),
    );
  }
  return gains;
}

const pct = (ratio: number | null) =>
  ratio === null ? null : Math.round(ratio * 100);

/** Rounds to the nearest `step`. */
function bucket(value: number, step: number) {
  return Math.round(value / step) * step;
}

/** Run counts in coarse buckets, so a few more runs do not change the hash. */
export function runsBucket(runs: number): string {
  if (runs === 0) return '0';
  if (runs < 10) return '1-9';
  if (runs < 50) return '10-49';
  if (runs < 200) return '50-199';
  return '200+';
}

/** CI statistics as citable facts, bucketed. */
export function ciFacts(
  ci: CiSummary | undefined,
  unknownReason?: string,
): InsightFact[] {
  if (!ci) {
    return [
      {
        id: 'ci.summary',
        value: boundText(unknownReason || 'no CI statistics collected'),
      },
    ];
  }
  const facts: InsightFact[] = [
    { id: 'ci.windowDays', value: ci.windowDays },
    { id: 'ci.runs', value: runsBucket(ci.runs) },
    { id: 'ci.headState', value: ci.headState },
    {
      id: 'ci.passRatePercent',
      value: ci.passRate === null ? null : bucket(pct(ci.passRate)!, 5),
    },
    {
      id: 'ci.flakyRatePercent',
      value: ci.flakyRate === null ? null : bucket(pct(ci.flakyRate)!, 2),
    },
    {
      id: 'ci.p95DurationMinutes',
      value:
        ci.p95DurationSeconds === null
          ? null
          : bucket(ci.p95DurationSeconds / 60, 5),
    },
  ];
  const failing = [...ci.topFailingChecks]
    .filter(c => c.count > 0)
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
    .slice(0, 3);
  failing.forEach((c, i) =>
    facts.push({ id: `ci.failingCheck.${i + 1}`, value: boundText(c.name) }),
  );
  return facts;
}

/** The score trend over the history as citable facts. */
export function trendFacts(
  history: Array<{ day: string; score: number | null }>,
): InsightFact[] {
  const scored = history.filter(p => p.score !== null);
  if (scored.length < 2) {
    return [{ id: 'trend.scoreDelta', value: null }];
  }
  const first = scored[0];
  const last = scored[scored.length - 1];
  return [
    { id: 'trend.days', value: scored.length },
    {
      id: 'trend.scoreDelta',
      value: Math.round(last.score! - first.score!),
    },
  ];
}

/** Builds the normalized insight input of one entity. Pure. */
export function buildInsightInput(sources: InsightSources): InsightInput {
  const weights = new Map(
    sources.results.map(r => [r.controlId, r.control.weight]),
  );
  const gains = expectedScoreGains(sources.results, weights);
  const rank = (s: ComplianceStatus) =>
    ({ fail: 0, warn: 1, unknown: 2 }[s as string] ?? 3);
  const controls: InsightControl[] = sources.results
    .map(r => ({
      id: r.controlId,
      title: boundText(r.control.title),
      category: boundText(r.control.category, 60),
      severity: r.control.severity,
      weight: r.control.weight,
      status: r.status,
      // Numbers in reasons change with every run (rates, counts): masked so
      // the hash follows the status, not the noise. Passing controls need none.
      reason: isRiskStatus(r.status)
        ? boundText(r.reason).replace(/\d+(?:[.,]\d+)?/g, '#')
        : '',
      ...(r.unknownReason ? { unknownReason: r.unknownReason } : {}),
      ...(r.control.remediation
        ? { remediation: boundText(r.control.remediation.text, 300) }
        : {}),
      expectedScoreGain: gains.get(r.controlId) ?? 0,
    }))
    .sort(
      (a, b) =>
        rank(a.status) - rank(b.status) ||
        b.expectedScoreGain - a.expectedScoreGain ||
        b.weight - a.weight ||
        a.id.localeCompare(b.id),
    );
  const count = (s: ComplianceStatus) =>
    sources.results.filter(r => r.status === s).length;
  const facts: InsightFact[] = [
    { id: 'score.total', value: sources.score },
    { id: 'score.coveragePercent', value: Math.round(sources.coverage * 100) },
    { id: 'level.current', value: sources.level ?? 'none' },
    ...(sources.nextLevel
      ? [
          { id: 'level.next', value: sources.nextLevel.id },
          {
            id: 'level.next.missingCount',
            value: sources.nextLevel.missingControls.length,
          },
        ]
      : []),
    { id: 'results.fail', value: count('fail') },
    { id: 'results.warn', value: count('warn') },
    { id: 'results.unknown', value: count('unknown') },
    { id: 'results.pass', value: count('pass') },
    { id: 'results.waived', value: count('waived') },
    ...ciFacts(sources.ci, sources.ciUnknownReason),
    ...trendFacts(sources.history),
  ];
  return {
    entityRef: sources.entityRef,
    facts,
    controls,
    entity: {
      kind: boundText(sources.entity.kind, 63),
      ...(sources.entity.type
        ? { type: boundText(sources.entity.type, 63) }
        : {}),
      ...(sources.entity.lifecycle
        ? { lifecycle: boundText(sources.entity.lifecycle, 63) }
        : {}),
      ...(sources.entity.title
        ? { title: boundText(sources.entity.title) }
        : {}),
    },
  };
}

/**
 * The job key of an insight: the normalized inputs plus the prompt and
 * schema versions. Unchanged inputs mean the same hash, and no tokens.
 */
export function insightInputHash(input: InsightInput): string {
  return hashOf({
    input,
    promptVersion: PROMPT_VERSION,
    schemaVersion: INSIGHT_SCHEMA_VERSION,
  });
}

/** Every id a claim may cite for this input. */
export function citableIds(input: InsightInput): Set<string> {
  return new Set([
    ...input.facts.map(f => f.id),
    ...input.controls.map(c => c.id),
  ]);
}
