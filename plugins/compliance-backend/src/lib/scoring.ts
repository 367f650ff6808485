import type {
  ComplianceLevel,
  ComplianceStatus,
  Control,
  ScoreBreakdown,
  StatusCounts,
} from 'backstage-plugin-compliance-common';

const STATUS_VALUE: Partial<Record<ComplianceStatus, number>> = {
  pass: 1,
  warn: 0.5,
  fail: 0,
};

/** Zero counts for every status. */
export function emptyCounts(): StatusCounts {
  return {
    pass: 0,
    warn: 0,
    fail: 0,
    unknown: 0,
    not_applicable: 0,
    waived: 0,
  };
}

/** A result as scoring needs it. */
export interface ScoredResult {
  controlId: string;
  status: ComplianceStatus;
}

/**
 * Weighted score: pass 1, warn 0.5, fail 0; unknown and not-applicable are
 * left out of numerator and denominator, as are waived controls. Coverage = known weight /
 * applicable weight. Scores are 0..100 rounded to one decimal.
 */
export function scoreResults(
  results: ScoredResult[],
  weights: Map<string, number>,
): ScoreBreakdown {
  const counts = emptyCounts();
  let known = 0;
  let applicable = 0;
  let earned = 0;
  for (const r of results) {
    counts[r.status] += 1;
    const w = weights.get(r.controlId) ?? 0;
    // A waiver is accepted risk: like not-applicable it neither helps nor hurts.
    if (r.status === 'not_applicable' || r.status === 'waived') continue;
    applicable += w;
    if (r.status === 'unknown') continue;
    known += w;
    earned += w * (STATUS_VALUE[r.status] ?? 0);
  }
  return {
    score: known > 0 ? Math.round((earned / known) * 1000) / 10 : null,
    coverage:
      applicable > 0 ? Math.round((known / applicable) * 1000) / 1000 : 0,
    knownWeight: known,
    applicableWeight: applicable,
    counts,
  };
}

/** Entity, per-category and per-framework scores. */
export function scoreEntity(results: ScoredResult[], controls: Control[]) {
  const byId = new Map(controls.map(c => [c.id, c]));
  const weights = new Map(controls.map(c => [c.id, c.weight]));
  const relevant = results.filter(r => byId.has(r.controlId));
  const group = (key: (c: Control) => string[]) => {
    const groups = new Map<string, ScoredResult[]>();
    for (const r of relevant) {
      for (const k of key(byId.get(r.controlId)!)) {
        groups.set(k, [...(groups.get(k) ?? []), r]);
      }
    }
    return Object.fromEntries(
      [...groups.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, rs]) => [k, scoreResults(rs, weights)]),
    );
  };
  return {
    total: scoreResults(relevant, weights),
    categories: group(c => [c.category]),
    frameworks: group(c => Object.keys(c.frameworks ?? {})),
  };
}

/**
 * The highest level whose required controls all pass (or are waived, or do
 * not apply to the entity) and whose minimum coverage the entity has, and
 * the next level with what it is missing. Levels are ordered lowest first;
 * a level is reached only when every lower level is reached.
 */
export function determineLevel(
  levels: ComplianceLevel[],
  statuses: Map<string, ComplianceStatus>,
  coverage: number = 1,
): {
  level: ComplianceLevel | null;
  next?: { level: ComplianceLevel; missing: string[]; minCoverage?: number };
} {
  let reached: ComplianceLevel | null = null;
  for (const level of levels) {
    const missing = level.requiredControls.filter(id => {
      const s = statuses.get(id);
      // A control that does not apply to the entity does not hold it back.
      return s !== 'pass' && s !== 'waived' && s !== 'not_applicable';
    });
    const lacksCoverage =
      level.minCoverage !== undefined && coverage < level.minCoverage;
    if (missing.length > 0 || lacksCoverage) {
      return {
        level: reached,
        next: {
          level,
          missing,
          ...(lacksCoverage ? { minCoverage: level.minCoverage } : {}),
        },
      };
    }
    reached = level;
  }
  return { level: reached };
}

/**
 * Everything an entity's headline needs from its results: total, category
 * and framework scores, the level reached and what the next level misses.
 */
export function summarizeEntity(
  results: ScoredResult[],
  controls: Control[],
  levels: ComplianceLevel[],
) {
  const scores = scoreEntity(results, controls);
  const { level, next } = determineLevel(
    levels,
    new Map(results.map(r => [r.controlId, r.status])),
    scores.total.coverage,
  );
  return {
    ...scores,
    level: level ? { id: level.id, title: level.title } : null,
    ...(next
      ? {
          nextLevel: {
            id: next.level.id,
            title: next.level.title,
            missingControls: next.missing,
            ...(next.minCoverage !== undefined
              ? { minCoverage: next.minCoverage }
              : {}),
          },
        }
      : {}),
  };
}
