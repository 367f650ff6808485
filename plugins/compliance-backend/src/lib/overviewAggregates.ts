import { SCORE_BUCKETS } from 'backstage-plugin-compliance-common';
import type {
  OverviewAggregate,
  OverviewAggregates,
  OverviewFigures,
  OverviewFilter,
} from '../database/ComplianceStore';

/** Keys of a filter that never change its aggregates (paging, sorting, rows). */
const AGGREGATE_NEUTRAL_KEYS = new Set([
  'owners',
  'system',
  'sort',
  'order',
  'page',
  'pageSize',
  'cursor',
  'categories',
]);

/**
 * The precomputed aggregate of a filter, when it is a common one: nothing,
 * only owners, or only systems, over every entity (no permission subset,
 * no framework). Undefined otherwise: the filter is computed per request.
 * Pure.
 */
export function commonAggregate(
  filter: OverviewFilter,
  aggregates: OverviewAggregates,
): OverviewAggregate | undefined {
  // Any other filter (including ones added later) is computed per request.
  const other = Object.entries(filter).some(
    ([key, value]) =>
      !AGGREGATE_NEUTRAL_KEYS.has(key) &&
      value !== undefined &&
      !(Array.isArray(value) && value.length === 0 && key !== 'allowedRefs'),
  );
  if (other) return undefined;
  const owners = filter.owners;
  const systems = filter.system?.length ? filter.system : undefined;
  if (owners && systems) return undefined;
  if (!owners && !systems) return aggregates.all;
  const [dimension, keys] = owners
    ? [aggregates.owner, owners]
    : [aggregates.system, systems!];
  return sumAggregates([...new Set(keys)].map(k => dimension[k]));
}

/** The sum of disjoint sets' aggregates. Pure. */
export function sumAggregates(
  parts: Array<OverviewAggregate | undefined>,
): OverviewAggregate {
  const out: OverviewAggregate = {
    totalCount: 0,
    distribution: {},
    levels: {},
    failing: {},
  };
  const add = (to: Record<string, number>, from: Record<string, number>) => {
    for (const [k, n] of Object.entries(from)) to[k] = (to[k] ?? 0) + n;
  };
  for (const p of parts) {
    if (!p) continue;
    out.totalCount += p.totalCount;
    add(out.distribution, p.distribution);
    add(out.levels, p.levels);
    add(out.failing, p.failing);
  }
  return out;
}

/** An aggregate in the shape of the overview answer (top 10 failing). Pure. */
export function figuresOf(aggregate: OverviewAggregate): OverviewFigures {
  return {
    totalCount: aggregate.totalCount,
    distribution: SCORE_BUCKETS.map(b => ({
      bucket: b.id,
      count: aggregate.distribution[b.id] ?? 0,
    })),
    topFailing: Object.entries(aggregate.failing)
      .filter(([, n]) => n > 0)
      .sort(([a, x], [b, y]) => y - x || byCodeUnits(a, b))
      .slice(0, 10)
      .map(([controlId, count]) => ({ controlId, count })),
    levels: Object.fromEntries(
      Object.entries(aggregate.levels).filter(([, n]) => n > 0),
    ),
  };
}

function byCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
