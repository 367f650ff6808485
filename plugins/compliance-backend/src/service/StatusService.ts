import type {
  CollectorStatus,
  ComplianceStatusResponse,
} from 'backstage-plugin-compliance-common';
import type { ComplianceCollector } from 'backstage-plugin-compliance-node';
import type { CollectorSettings } from '../config';
import type {
  EntityStore,
  RunRecord,
  RunStore,
} from '../database/ComplianceStore';
import { collectorRunKeys, EVALUATION_RUN_KEY } from './taskIds';

type RunStatus = RunRecord['status'];
type LastRun = NonNullable<CollectorStatus['lastRun']>;

function worstStatus(a: RunStatus, b: RunStatus): RunStatus {
  if (a === 'running' || b === 'running') return 'running';
  if (a === 'failed' || b === 'failed') return 'failed';
  return 'succeeded';
}

function withoutId({ id: _id, ...run }: RunRecord): LastRun {
  return run;
}

/** One collector's shards as one run: earliest start, latest finish, summed figures. */
export function combineShardRuns(runs: RunRecord[]): LastRun | undefined {
  if (runs.length === 0) return undefined;
  return runs.map(withoutId).reduce((acc, r) => ({
    ...acc,
    startedAt: acc.startedAt < r.startedAt ? acc.startedAt : r.startedAt,
    finishedAt: [acc.finishedAt, r.finishedAt].filter(Boolean).sort().pop(),
    durationMs: Math.max(acc.durationMs ?? 0, r.durationMs ?? 0),
    entitiesProcessed: acc.entitiesProcessed + r.entitiesProcessed,
    factsWritten: acc.factsWritten + r.factsWritten,
    errors: acc.errors + r.errors,
    status: worstStatus(acc.status, r.status),
  }));
}

/** What the collectors and the evaluation last did (`GET /status`). */
export class StatusService {
  readonly #runs: RunStore;
  readonly #entities: EntityStore;
  readonly #collectors: ComplianceCollector[];
  readonly #settings: Record<string, CollectorSettings>;
  readonly #controlCount: number;

  constructor(options: {
    runs: RunStore;
    entities: EntityStore;
    collectors: ComplianceCollector[];
    settings: Record<string, CollectorSettings>;
    controlCount: number;
  }) {
    this.#runs = options.runs;
    this.#entities = options.entities;
    this.#collectors = options.collectors;
    this.#settings = options.settings;
    this.#controlCount = options.controlCount;
  }

  /** When each collector last finished a run, by collector id. */
  async collectedAt(): Promise<Record<string, string>> {
    const runs = await this.#runs.getLatestRuns();
    const out: Record<string, string> = {};
    for (const c of this.#collectors) {
      const last = combineShardRuns(this.#runsOf(c.id, runs));
      if (last?.finishedAt) out[c.id] = last.finishedAt;
    }
    return out;
  }

  #runsOf(collectorId: string, runs: Map<string, RunRecord>): RunRecord[] {
    const shards = this.#settings[collectorId]?.shards ?? 1;
    return collectorRunKeys(collectorId, shards).flatMap(k => {
      const run = runs.get(k);
      return run ? [run] : [];
    });
  }

  async status(): Promise<ComplianceStatusResponse> {
    const [runs, entities] = await Promise.all([
      this.#runs.getLatestRuns(),
      this.#entities.countEntities(),
    ]);
    const collectors = this.#collectors.map(c => {
      const lastRun = combineShardRuns(this.#runsOf(c.id, runs));
      return {
        collectorId: c.id,
        title: c.title ?? c.id,
        facts: c.facts.map(f => f.id),
        running: lastRun?.status === 'running',
        ...(lastRun ? { lastRun } : {}),
      };
    });
    const evaluation = runs.get(EVALUATION_RUN_KEY);
    return {
      collectors,
      ...(evaluation ? { evaluation: withoutId(evaluation) } : {}),
      entities,
      controls: this.#controlCount,
    };
  }
}
