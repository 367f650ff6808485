import type {
  ControlResult,
  ScoreBreakdown,
  StatusCounts,
} from 'backstage-plugin-compliance-common';
import type { Knex } from 'knex';
import type { EntitySnapshot } from '../../lib/evaluate';
import type {
  EntityEvaluationWrite,
  EntityScoreWrite,
} from '../ComplianceStore';

export function snapshot(
  name: string,
  extra: Partial<EntitySnapshot> = {},
): EntitySnapshot {
  return {
    entityRef: `component:default/${name}`,
    kind: 'component',
    namespace: 'default',
    name,
    tags: [],
    annotations: {},
    ...extra,
  };
}

export function result(
  entityRef: string,
  controlId: string,
  status: ControlResult['status'],
): ControlResult {
  return {
    entityRef,
    controlId,
    status,
    reason: status,
    evidence: [{ factId: 'f', value: 1 }],
    controlVersion: 'v1',
    evaluatedAt: '2026-11-20T10:00:00.000Z',
    statusSince: '2026-11-20T10:00:00.000Z',
  };
}

export const counts = (
  n: Partial<Record<ControlResult['status'], number>>,
): StatusCounts => ({
  pass: 0,
  warn: 0,
  fail: 0,
  unknown: 0,
  not_applicable: 0,
  waived: 0,
  ...n,
});

/** A framework score over one control of weight 1. */
export function breakdown(value: number | null): ScoreBreakdown {
  return {
    score: value,
    coverage: 1,
    knownWeight: 1,
    applicableWeight: 1,
    counts: counts(value === null ? {} : { pass: 1 }),
  };
}

/** A score summary with these framework scores. */
export function withFrameworks(
  frameworks: Record<string, ScoreBreakdown>,
): EntityScoreWrite['summary'] {
  return { knownWeight: 1, applicableWeight: 1, categories: {}, frameworks };
}

/** A score write with no frameworks and no categories. */
export function score(
  entityRef: string,
  extra: Partial<EntityScoreWrite> = {},
): EntityScoreWrite {
  return {
    entityRef,
    score: 80,
    coverage: 1,
    level: null,
    counts: counts({}),
    summary: withFrameworks({}),
    inputsHash: 'h',
    ...extra,
  };
}

/** An evaluation write with nothing to delete and no status changes. */
export function evaluation(
  entityRef: string,
  extra: Partial<EntityEvaluationWrite> = {},
): EntityEvaluationWrite {
  return {
    entityRef,
    upsertResults: [],
    deleteResults: [],
    changes: [],
    ...extra,
  };
}

/** The number of rows in a table. */
export async function countRows(knex: Knex, table: string): Promise<number> {
  const row = await knex(table).count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}
