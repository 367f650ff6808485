import type { Knex } from 'knex';
import type { RunRecord, RunStore } from './ComplianceStore';
import { Timestamp, toIso } from './util';

/** A row of `compliance_collector_runs`. */
interface RunRow {
  id: string | number;
  collector_id: string;
  status: string;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  duration_ms: number | null;
  entities_processed: number;
  facts_written: number;
  errors: number;
  message: string | null;
}

function runRecord(r: RunRow): RunRecord {
  return {
    id: String(r.id),
    startedAt: toIso(r.started_at),
    ...(r.finished_at ? { finishedAt: toIso(r.finished_at) } : {}),
    ...(r.duration_ms !== null ? { durationMs: Number(r.duration_ms) } : {}),
    entitiesProcessed: Number(r.entities_processed),
    factsWritten: Number(r.facts_written),
    errors: Number(r.errors),
    status: r.status as RunRecord['status'],
    ...(r.message ? { message: r.message } : {}),
  };
}

/** The knex implementation of {@link RunStore}. */
export class DatabaseRunStore implements RunStore {
  constructor(private readonly db: Knex) {}

  async startRun(runKey: string, now: Date): Promise<string> {
    // The scheduler runs a task on one replica at a time: a run of this key
    // still "running" belongs to a process that died. Say so.
    await this.db('compliance_collector_runs')
      .where({ collector_id: runKey, status: 'running' })
      .update({
        status: 'failed',
        finished_at: now,
        message:
          'Interrupted: the process stopped before the run finished; it resumed in the next run',
      });
    const [row] = await this.db('compliance_collector_runs')
      .insert({ collector_id: runKey, status: 'running', started_at: now })
      .returning('id');
    return String(typeof row === 'object' ? row.id : row);
  }

  async finishRun(
    id: string,
    data: Parameters<RunStore['finishRun']>[1],
    now: Date,
  ): Promise<void> {
    const row: RunRow | undefined = await this.db('compliance_collector_runs')
      .where('id', id)
      .first();
    if (!row) return;
    const started = new Date(toIso(row.started_at)).getTime();
    await this.db('compliance_collector_runs')
      .where('id', id)
      .update({
        status: data.status,
        finished_at: now,
        duration_ms: Math.max(0, now.getTime() - started),
        entities_processed: data.entitiesProcessed,
        facts_written: data.factsWritten,
        errors: data.errors,
        message: data.message?.slice(0, 2000) ?? null,
      });
  }

  async getLatestRuns(): Promise<Map<string, RunRecord>> {
    const latest = this.db('compliance_collector_runs')
      .groupBy('collector_id')
      .select(this.db.raw('max(id) as id'));
    const rows: RunRow[] = await this.db('compliance_collector_runs').whereIn(
      'id',
      latest,
    );
    return new Map(rows.map(r => [r.collector_id, runRecord(r)]));
  }

  async deleteBefore(cutoff: Date): Promise<number> {
    return this.db('compliance_collector_runs')
      .where('started_at', '<', cutoff)
      .delete();
  }
}
