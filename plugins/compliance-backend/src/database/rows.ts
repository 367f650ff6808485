import type {
  EntityComplianceSummary,
  StatusCounts,
} from 'backstage-plugin-compliance-common';
import { Timestamp, parse, toIso } from './util';

/** A row of `compliance_entities`. */
export interface EntityRow {
  entity_ref: string;
  kind: string;
  namespace: string;
  name: string;
  title: string | null;
  owner: string | null;
  system: string | null;
  lifecycle: string | null;
  type: string | null;
  entity_json: string;
  entity_hash: string;
  score: number | null;
  coverage: number;
  level: string | null;
  pass_count: number;
  warn_count: number;
  fail_count: number;
  unknown_count: number;
  na_count: number;
  waived_count: number;
  summary_json: string | null;
  inputs_hash: string | null;
  dirty: boolean | number;
  facts_changed_at: Timestamp | null;
  evaluated_at: Timestamp | null;
  last_seen_at: Timestamp;
}

/** The status count columns of `compliance_entities`. */
export type CountColumns = Pick<
  EntityRow,
  | 'pass_count'
  | 'warn_count'
  | 'fail_count'
  | 'unknown_count'
  | 'na_count'
  | 'waived_count'
>;

export function countsOf(row: CountColumns): StatusCounts {
  return {
    pass: Number(row.pass_count),
    warn: Number(row.warn_count),
    fail: Number(row.fail_count),
    unknown: Number(row.unknown_count),
    not_applicable: Number(row.na_count),
    waived: Number(row.waived_count),
  };
}

export function countColumns(counts: StatusCounts): CountColumns {
  return {
    pass_count: counts.pass,
    warn_count: counts.warn,
    fail_count: counts.fail,
    unknown_count: counts.unknown,
    na_count: counts.not_applicable,
    waived_count: counts.waived,
  };
}

/** A row of `compliance_history`. */
export interface HistoryRow {
  entity_ref: string;
  day: string;
  score: number | null;
  coverage: number;
  level: string | null;
  /** JSON of the status counts. */
  counts: string;
}

export function historyRow(
  entityRef: string,
  day: string,
  s: {
    score: number | null;
    coverage: number;
    level: string | null;
    counts: StatusCounts;
  },
): HistoryRow {
  return {
    entity_ref: entityRef,
    day,
    score: s.score,
    coverage: s.coverage,
    level: s.level,
    counts: JSON.stringify(s.counts),
  };
}

/** The stored summary of an entity row; `collectedAt` is left empty. */
export function summaryFromRow(row: EntityRow): EntityComplianceSummary {
  const summary = parse<{
    knownWeight?: number;
    applicableWeight?: number;
    categories?: EntityComplianceSummary['categories'];
    frameworks?: EntityComplianceSummary['frameworks'];
    nextLevel?: EntityComplianceSummary['nextLevel'];
  }>(row.summary_json, {});
  return {
    entityRef: row.entity_ref,
    kind: row.kind,
    namespace: row.namespace,
    name: row.name,
    ...(row.title ? { title: row.title } : {}),
    ...(row.owner ? { owner: row.owner } : {}),
    ...(row.system ? { system: row.system } : {}),
    ...(row.lifecycle ? { lifecycle: row.lifecycle } : {}),
    ...(row.type ? { type: row.type } : {}),
    score: row.score === null ? null : Number(row.score),
    coverage: Number(row.coverage),
    knownWeight: summary.knownWeight ?? 0,
    applicableWeight: summary.applicableWeight ?? 0,
    counts: countsOf(row),
    level: row.level ? { id: row.level, title: row.level } : null,
    ...(summary.nextLevel ? { nextLevel: summary.nextLevel } : {}),
    categories: summary.categories ?? {},
    frameworks: summary.frameworks ?? {},
    evaluatedAt: toIso(row.evaluated_at) ?? null,
    collectedAt: {},
  };
}
