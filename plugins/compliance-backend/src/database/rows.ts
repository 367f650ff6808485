import type {
  EntityComplianceSummary,
  StatusCounts,
} from 'backstage-plugin-compliance-common';
import type { Knex } from 'knex';
import { Dialect, Timestamp, parse, toIso } from './util';

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

/** What `summary_json` holds. */
type StoredSummary = {
  knownWeight?: number;
  applicableWeight?: number;
  categories?: EntityComplianceSummary['categories'];
  frameworks?: EntityComplianceSummary['frameworks'];
  nextLevel?: EntityComplianceSummary['nextLevel'];
};

/**
 * The weights and next level of `summary_json` extracted by the database
 * (overview rows without categories): `brief_known`, `brief_applicable` and
 * `brief_next` (JSON text, or parsed JSON where the driver parses it).
 */
export type BriefSummaryColumns = {
  brief_known: number | string | null;
  brief_applicable: number | string | null;
  brief_next: string | object | null;
};

/**
 * Select expressions of {@link BriefSummaryColumns} over `<alias>.summary_json`:
 * a page of overview rows is not worth parsing each row's categories and
 * frameworks in JavaScript when they are not shown.
 */
export function briefSummarySelect(
  db: Knex,
  dialect: Dialect,
  alias: string,
): Record<keyof BriefSummaryColumns, Knex.Raw> {
  const col = `${alias}.summary_json`;
  if (dialect.isPostgres) {
    return {
      brief_known: db.raw(`(??::json ->> 'knownWeight')`, [col]),
      brief_applicable: db.raw(`(??::json ->> 'applicableWeight')`, [col]),
      brief_next: db.raw(`(??::json ->> 'nextLevel')`, [col]),
    };
  }
  // SQLite's JSON1 and MySQL share json_extract.
  return {
    brief_known: db.raw(`json_extract(??, '$.knownWeight')`, [col]),
    brief_applicable: db.raw(`json_extract(??, '$.applicableWeight')`, [col]),
    brief_next: db.raw(`json_extract(??, '$.nextLevel')`, [col]),
  };
}

function briefSummary(row: Partial<BriefSummaryColumns>): StoredSummary {
  const num = (v: number | string | null | undefined) =>
    v === null || v === undefined ? undefined : Number(v);
  const next =
    typeof row.brief_next === 'string'
      ? parse<StoredSummary['nextLevel']>(row.brief_next, undefined)
      : (row.brief_next as StoredSummary['nextLevel'] | null) ?? undefined;
  return {
    knownWeight: num(row.brief_known),
    applicableWeight: num(row.brief_applicable),
    ...(next ? { nextLevel: next } : {}),
  };
}

/**
 * The stored summary of an entity row; `collectedAt` is left empty. A row
 * read with {@link briefSummarySelect} instead of `summary_json` has empty
 * categories and frameworks.
 */
export function summaryFromRow(
  row: Omit<EntityRow, 'summary_json'> &
    ({ summary_json: string | null } | BriefSummaryColumns),
): EntityComplianceSummary {
  const summary =
    'summary_json' in row
      ? parse<StoredSummary>(row.summary_json, {})
      : briefSummary(row);
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
