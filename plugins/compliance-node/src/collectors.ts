import type {
  BackstageCredentials,
  LoggerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type {
  FactEvidence,
  JsonValue,
  UnknownReason,
} from 'backstage-plugin-compliance-common';

/**
 * Describes one fact a collector produces.
 *
 * @public
 */
export interface FactDescriptor {
  id: string;
  description: string;
  type: 'boolean' | 'number' | 'string' | 'object' | 'array';
}

/**
 * A fact as a collector returns it. Return `unknownReason` (and no value)
 * when the fact could not be observed; the engine keeps the last good value.
 *
 * @public
 */
export interface CollectedFact {
  entityRef: string;
  factId: string;
  value?: JsonValue;
  unknownReason?: UnknownReason;
  message?: string;
  evidence?: FactEvidence;
  /** Defaults to the time the batch was collected. */
  observedAt?: string;
}

/**
 * Durable key/value state a collector keeps between runs (ETags,
 * watermarks, cursors). Values are JSON; keys are scoped to the collector.
 *
 * @public
 */
export interface CollectorStateStore {
  get<T extends JsonValue = JsonValue>(key: string): Promise<T | undefined>;
  getMany<T extends JsonValue = JsonValue>(
    keys: string[],
  ): Promise<Map<string, T>>;
  set(entries: Array<{ key: string; value: JsonValue }>): Promise<void>;
  delete(keys: string[]): Promise<void>;
}

/**
 * What the engine hands a collector for one batch.
 *
 * @public
 */
export interface CollectorContext {
  logger: LoggerService;
  state: CollectorStateStore;
  /** Aborted when the task is cancelled or times out. */
  signal?: AbortSignal;
  /**
   * Set when the collection runs on a caller's behalf (the preview of a
   * proposed entity): a collector that reads the catalog or another plugin
   * uses these credentials instead of its own, so the answer reveals only
   * what the caller may see.
   */
  credentials?: BackstageCredentials;
  /**
   * Set by a collector when it must stop for this cycle (for example its
   * rate-limit budget is spent). The engine stops calling it and marks
   * nothing failed; the rest of the entities are collected next cycle.
   */
  stop(reason: string): void;
}

/**
 * A source of facts, contributed through the collectors extension point.
 *
 * @public
 */
export interface ComplianceCollector {
  /** Unique id, for example `catalog` or `github.repository`. */
  id: string;
  title?: string;
  /** The facts this collector writes. */
  facts: FactDescriptor[];
  /** Default schedule; operators override it under `compliance.collectors.<id>.schedule`. */
  defaultSchedule?: SchedulerServiceTaskScheduleDefinition;
  /** Entities per `collect` call. Defaults to 100. */
  batchSize?: number;
  /** Which entities this collector looks at; all when absent. */
  filter?: (entity: Entity) => boolean;
  /** Collect facts for a batch of entities. */
  collect(
    entities: Entity[],
    context: CollectorContext,
  ): Promise<CollectedFact[]>;
}
