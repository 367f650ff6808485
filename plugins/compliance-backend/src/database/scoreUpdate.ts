import type { Knex } from 'knex';
import type { EntityScoreWrite } from './ComplianceStore';
import { countColumns } from './rows';
import { Dialect, chunks } from './util';

type ScoreColumns = Record<string, string | number | null>;

/** The score columns of `compliance_entities` and their SQL types. */
const SCORE_COLUMN_TYPES: Record<string, string> = {
  score: 'double precision',
  coverage: 'double precision',
  level: 'varchar(63)',
  pass_count: 'integer',
  warn_count: 'integer',
  fail_count: 'integer',
  unknown_count: 'integer',
  na_count: 'integer',
  waived_count: 'integer',
  summary_json: 'text',
  inputs_hash: 'varchar(64)',
};
const SCORE_COLUMNS = Object.keys(SCORE_COLUMN_TYPES);

function scoreColumns(s: EntityScoreWrite): ScoreColumns {
  const columns: ScoreColumns = {
    score: s.score,
    coverage: s.coverage,
    level: s.level,
    ...countColumns(s.counts),
    summary_json: JSON.stringify(s.summary),
    inputs_hash: s.inputsHash,
  };
  return Object.fromEntries(SCORE_COLUMNS.map(c => [c, columns[c]]));
}

/**
 * SQLite and PostgreSQL: one `UPDATE ... FROM (VALUES ...)` per chunk, which
 * touches only rows that exist and returns their refs. The values come in as
 * a common table expression, the one way both name the columns of VALUES.
 */
export async function updateScoresFromValues(
  tx: Knex.Transaction,
  scores: EntityScoreWrite[],
  now: Date,
): Promise<string[]> {
  const updated: string[] = [];
  const row = `(${['?', '?', '?', ...SCORE_COLUMNS.map(() => '?')].join(
    ', ',
  )})`;
  const assignments = SCORE_COLUMNS.map(
    c => `${c} = cast(v.${c} as ${SCORE_COLUMN_TYPES[c]})`,
  ).join(', ');
  // Optimistic check: only while the stored inputs hash is still the one
  // the evaluation read (null-safe equality), unless the write skips it.
  const unchanged =
    'compliance_entities.inputs_hash is not distinct from cast(v.prev_hash as varchar(64))';
  for (const part of chunks(scores, 500)) {
    const sql = `with v (entity_ref, check_prev, prev_hash, ${SCORE_COLUMNS.join(
      ', ',
    )})
        as (values ${part.map(() => row).join(', ')})
      update compliance_entities set ${assignments}, evaluated_at = ?
      from v where compliance_entities.entity_ref = v.entity_ref
        and (cast(v.check_prev as integer) = 0 or ${unchanged})
      returning compliance_entities.entity_ref`;
    const bindings = part.flatMap(s => [
      s.entityRef,
      s.previousInputsHash === undefined ? 0 : 1,
      s.previousInputsHash ?? null,
      ...Object.values(scoreColumns(s)),
    ]);
    const result:
      | Array<{ entity_ref: string }>
      | { rows: Array<{ entity_ref: string }> } = await tx.raw(sql, [
      ...bindings,
      now,
    ]);
    const rows = Array.isArray(result) ? result : result.rows;
    updated.push(...rows.map(r => r.entity_ref));
  }
  return updated;
}

/** Other databases (MySQL has no UPDATE ... FROM): an UPDATE per row. */
export async function updateScoresRowByRow(
  tx: Knex.Transaction,
  scores: EntityScoreWrite[],
  now: Date,
): Promise<string[]> {
  const updated: string[] = [];
  for (const s of scores) {
    const q = tx('compliance_entities').where('entity_ref', s.entityRef);
    if (s.previousInputsHash === null) q.whereNull('inputs_hash');
    else if (s.previousInputsHash !== undefined) {
      q.where('inputs_hash', s.previousInputsHash);
    }
    const count = await q.update({ ...scoreColumns(s), evaluated_at: now });
    if (count > 0) updated.push(s.entityRef);
  }
  return updated;
}

/**
 * Writes the score columns of entities that still exist, within `tx`; an
 * entity deleted meanwhile is not re-created. Returns the refs updated.
 * Updating locks those rows until the transaction ends, so a concurrent
 * delete of them waits for it.
 */
export function updateScores(
  tx: Knex.Transaction,
  dialect: Dialect,
  scores: EntityScoreWrite[],
  now: Date,
): Promise<string[]> {
  if (scores.length === 0) return Promise.resolve([]);
  return dialect.isSqlite || dialect.isPostgres
    ? updateScoresFromValues(tx, scores, now)
    : updateScoresRowByRow(tx, scores, now);
}
