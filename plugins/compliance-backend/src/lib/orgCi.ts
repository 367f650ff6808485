import type {
  CiCheckStats,
  CiSummary,
  OrgCiCheck,
} from 'backstage-plugin-compliance-common';

/** Entities listed per check. */
const MAX_ENTITIES_PER_CHECK = 20;

/** One entity's CI summaries: collected from GitHub and pushed. */
export interface EntityCi {
  entityRef: string;
  github?: CiSummary;
  pushed?: CiSummary;
}

/**
 * The checks of an entity: GitHub's, plus pushed checks GitHub does not
 * have under the same name. Only checks with enough runs count.
 */
function checksOf(entity: EntityCi): CiCheckStats[] {
  const own = entity.github?.checks ?? [];
  const names = new Set(own.map(c => c.name));
  return [
    ...own,
    ...(entity.pushed?.checks ?? []).filter(c => !names.has(c.name)),
  ].filter(c => c.status === 'ok');
}

const ratio = (part: number, whole: number) =>
  whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null;

/**
 * The flakiest and slowest checks (by name) across entities, each with the
 * entities it affects, worst first. Flaky rate is over every run of the
 * check in all entities; p95 durations do not add up, so a check's is the
 * highest of its entities'. Pure.
 */
export function aggregateOrgCi(
  entities: EntityCi[],
  limit: number,
): { flakiest: OrgCiCheck[]; slowest: OrgCiCheck[]; withCi: number } {
  const byName = new Map<string, OrgCiCheck>();
  let withCi = 0;
  for (const entity of entities) {
    const checks = checksOf(entity);
    if (entity.github || entity.pushed) withCi++;
    for (const check of checks) {
      const agg = byName.get(check.name) ?? {
        name: check.name,
        sources: [],
        runs: 0,
        flaky: 0,
        flakyRate: null,
        maxP95DurationSeconds: null,
        entityCount: 0,
        entities: [],
      };
      agg.runs += check.runs;
      agg.flaky += check.flaky;
      agg.sources = [...new Set([...agg.sources, ...check.sources])].sort();
      if (
        check.p95DurationSeconds !== null &&
        (agg.maxP95DurationSeconds === null ||
          check.p95DurationSeconds > agg.maxP95DurationSeconds)
      ) {
        agg.maxP95DurationSeconds = check.p95DurationSeconds;
      }
      agg.entityCount += 1;
      agg.entities.push({
        entityRef: entity.entityRef,
        runs: check.runs,
        flakyRate: check.flakyRate,
        p95DurationSeconds: check.p95DurationSeconds,
      });
      byName.set(check.name, agg);
    }
  }
  const all = [...byName.values()].map(c => ({
    ...c,
    flakyRate: ratio(c.flaky, c.runs),
  }));
  /** The first `limit` checks with their affected entities, worst first. */
  const top = (
    list: OrgCiCheck[],
    key: (c: OrgCiCheck['entities'][number]) => number,
  ) =>
    list.slice(0, limit).map(c => {
      const affected = c.entities
        .filter(e => key(e) > 0)
        .sort(
          (a, b) => key(b) - key(a) || a.entityRef.localeCompare(b.entityRef),
        );
      return {
        ...c,
        entityCount: affected.length,
        entities: affected.slice(0, MAX_ENTITIES_PER_CHECK),
      };
    });
  const flakiest = all
    .filter(c => c.flaky > 0)
    .sort(
      (a, b) =>
        (b.flakyRate ?? 0) - (a.flakyRate ?? 0) ||
        b.flaky - a.flaky ||
        a.name.localeCompare(b.name),
    );
  const slowest = all
    .filter(c => c.maxP95DurationSeconds !== null)
    .sort(
      (a, b) =>
        (b.maxP95DurationSeconds ?? 0) - (a.maxP95DurationSeconds ?? 0) ||
        a.name.localeCompare(b.name),
    );
  return {
    flakiest: top(flakiest, e => e.flakyRate ?? 0),
    slowest: top(slowest, e => e.p95DurationSeconds ?? 0),
    withCi,
  };
}
