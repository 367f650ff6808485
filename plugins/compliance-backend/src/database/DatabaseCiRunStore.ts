import { createHash } from 'crypto';
import type { Knex } from 'knex';
import {
  CI_OUTCOMES,
  CiObservation,
  CiOutcome,
} from 'backstage-plugin-compliance-common';
import { chunks, Timestamp, toIso } from './util';

/** A row of `compliance_ci_runs`. */
interface CiRunRow {
  entity_ref: string;
  observation_key: string;
  system: string;
  run_id: string;
  name: string;
  sha: string | null;
  outcome: string;
  started_at: Timestamp;
  duration_seconds: number | string | null;
  url: string | null;
  summary: string | null;
  received_at: Timestamp;
}

/** A pushed observation to store, with the run it belongs to. */
export interface CiRunWrite {
  system: string;
  runId: string;
  observation: CiObservation;
}

/** Pushed CI runs and check results per entity. */
export interface CiRunStore {
  /**
   * Inserts or replaces observations of one entity (idempotent on the CI
   * system's run id and check name). Returns how many were written.
   */
  upsertRuns(entityRef: string, runs: CiRunWrite[], now: Date): Promise<number>;
  /** The observations of the entities started at or after `since`. */
  getObservations(
    entityRefs: string[],
    since: Date,
  ): Promise<Map<string, CiObservation[]>>;
  /** The entities with observations started at or after `since`. */
  getEntityRefsWithRuns(since: Date): Promise<string[]>;
  /** Deletes observations started before the cut-off. Returns the count. */
  deleteBefore(cutoff: Date): Promise<number>;
}

function keyOf(id: string) {
  return createHash('sha256').update(id).digest('hex');
}

/** The knex implementation of {@link CiRunStore}. */
export class DatabaseCiRunStore implements CiRunStore {
  constructor(private readonly db: Knex) {}

  async upsertRuns(
    entityRef: string,
    runs: CiRunWrite[],
    now: Date,
  ): Promise<number> {
    // One row per key: a push naming the same run twice keeps the last.
    const rows = new Map<string, CiRunRow>();
    for (const { system, runId, observation: o } of runs) {
      const key = keyOf(o.id);
      rows.set(key, {
        entity_ref: entityRef,
        observation_key: key,
        system,
        run_id: runId,
        name: o.name,
        sha: o.sha,
        outcome: o.outcome,
        started_at: new Date(o.at),
        duration_seconds: o.durationSeconds,
        url: o.url ?? null,
        summary: o.summary ?? null,
        received_at: now,
      });
    }
    for (const part of chunks([...rows.values()], 100)) {
      await this.db('compliance_ci_runs')
        .insert(part)
        .onConflict(['entity_ref', 'observation_key'])
        .merge([
          'name',
          'sha',
          'outcome',
          'started_at',
          'duration_seconds',
          'url',
          'summary',
          'received_at',
        ]);
    }
    return rows.size;
  }

  async getObservations(
    entityRefs: string[],
    since: Date,
  ): Promise<Map<string, CiObservation[]>> {
    const out = new Map<string, CiObservation[]>();
    for (const part of chunks(entityRefs)) {
      const rows: CiRunRow[] = await this.db('compliance_ci_runs')
        .whereIn('entity_ref', part)
        .andWhere('started_at', '>=', since)
        .orderBy('started_at', 'asc');
      for (const row of rows) {
        const outcome = CI_OUTCOMES.find(x => x === row.outcome);
        if (!outcome) continue; // one bad row never fails the batch
        const list = out.get(row.entity_ref) ?? [];
        list.push({
          source: 'push',
          id: `${row.system}/${row.observation_key}`,
          name: row.name,
          sha: row.sha,
          outcome: outcome as CiOutcome,
          at: toIso(row.started_at),
          durationSeconds:
            row.duration_seconds === null ? null : Number(row.duration_seconds),
          url: row.url,
          summary: row.summary,
        });
        out.set(row.entity_ref, list);
      }
    }
    return out;
  }

  async getEntityRefsWithRuns(since: Date): Promise<string[]> {
    const rows: Array<{ entity_ref: string }> = await this.db(
      'compliance_ci_runs',
    )
      .distinct('entity_ref')
      .where('started_at', '>=', since)
      .orderBy('entity_ref');
    return rows.map(r => r.entity_ref);
  }

  async deleteBefore(cutoff: Date): Promise<number> {
    return this.db('compliance_ci_runs').where('started_at', '<', cutoff).del();
  }
}
