import type {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { assertError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { isComplianceSkipped } from 'backstage-plugin-compliance-common';
import type {
  CollectedFact,
  ComplianceCollector,
} from 'backstage-plugin-compliance-node';
import type { CollectorSettings } from '../config';
import type {
  EntityStore,
  FactStore,
  RunStore,
} from '../database/ComplianceStore';
import { normalizeRef, shardOf, toSnapshot } from '../lib/snapshot';
import { collectorState, toFactWrites } from './collectorContext';
import { collectorRunKey, Shard, SINGLE_SHARD } from './taskIds';

/** Catalog fields the snapshots and collectors need. */
const ENTITY_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.description',
  'metadata.tags',
  'metadata.annotations',
  'spec.type',
  'spec.lifecycle',
  'spec.owner',
  'spec.system',
];
const PAGE_SIZE = 500;
const ABORTED_MESSAGE =
  'Aborted before the cycle completed (task timeout or shutdown); the rest is collected next cycle';

/** Figures of one collection pass. */
export interface CollectionStats {
  entitiesProcessed: number;
  factsWritten: number;
  errors: number;
  /** Why the collector stopped early (its budget ran out), if it did. */
  stopped?: string;
}

function refOf(entity: Entity): string {
  return normalizeRef(
    `${entity.kind}:${entity.metadata.namespace ?? 'default'}/${
      entity.metadata.name
    }`,
  );
}

/**
 * Runs collectors over the catalog: pages the evaluated kinds, keeps the
 * entity snapshots current, calls each collector in batches, writes the
 * facts that changed, and records each run.
 */
export class CollectionRunner {
  readonly #entities: EntityStore;
  readonly #facts: FactStore;
  readonly #runs: RunStore;
  readonly #catalog: CatalogService;
  readonly #auth: AuthService;
  readonly #logger: LoggerService;
  readonly #collectors: Map<string, ComplianceCollector>;
  readonly #settings: Record<string, CollectorSettings>;
  readonly #kinds: string[];

  constructor(options: {
    entities: EntityStore;
    facts: FactStore;
    runs: RunStore;
    catalog: CatalogService;
    auth: AuthService;
    logger: LoggerService;
    collectors: ComplianceCollector[];
    settings: Record<string, CollectorSettings>;
    kinds: string[];
  }) {
    this.#entities = options.entities;
    this.#facts = options.facts;
    this.#runs = options.runs;
    this.#catalog = options.catalog;
    this.#auth = options.auth;
    this.#logger = options.logger;
    this.#collectors = new Map(options.collectors.map(c => [c.id, c]));
    this.#settings = options.settings;
    this.#kinds = options.kinds;
  }

  /** Every registered collector, enabled or not. */
  get collectors(): ComplianceCollector[] {
    return [...this.#collectors.values()];
  }

  /** Collectors not disabled under `compliance.collectors.<id>.disabled`. */
  get enabledCollectors(): ComplianceCollector[] {
    return this.collectors.filter(c => !this.#settings[c.id]?.disabled);
  }

  async *#pageEntities(signal?: AbortSignal): AsyncGenerator<Entity[]> {
    const credentials = await this.#auth.getOwnServiceCredentials();
    let cursor: string | undefined;
    do {
      if (signal?.aborted) return;
      const res = await this.#catalog.queryEntities(
        cursor
          ? { cursor, limit: PAGE_SIZE, fields: ENTITY_FIELDS }
          : {
              filter: { kind: this.#kinds },
              limit: PAGE_SIZE,
              fields: ENTITY_FIELDS,
              orderFields: { field: 'metadata.name', order: 'asc' },
            },
        { credentials },
      );
      yield res.items.filter(e => !isComplianceSkipped(e));
      cursor = res.pageInfo.nextCursor;
    } while (cursor);
  }

  /**
   * One collection pass of one collector (or one shard of it) over the
   * catalog. Writes only facts that changed.
   */
  async collect(
    collectorId: string,
    options: { shard?: Shard; signal?: AbortSignal } = {},
  ): Promise<CollectionStats> {
    const collector = this.#collectors.get(collectorId);
    if (!collector) {
      throw new NotFoundError(`No collector with id "${collectorId}"`);
    }
    const shard = options.shard ?? SINGLE_SHARD;
    const logger = this.#logger.child({
      task: 'collect',
      collectorId,
      shard: shard.index,
    });
    const runId = await this.#runs.startRun(
      collectorRunKey(collectorId, shard),
      new Date(),
    );
    const stats: CollectionStats = {
      entitiesProcessed: 0,
      factsWritten: 0,
      errors: 0,
    };
    const stop = (reason: string) => {
      stats.stopped = reason;
    };
    try {
      const seen = await this.#collectPages(collector, shard, stats, {
        logger,
        stop,
        signal: options.signal,
      });
      const completed = !stats.stopped && !options.signal?.aborted;
      // An empty answer is more likely a catalog that is starting up or
      // failing than one that lost every entity: never wipe on it.
      if (completed && shard.count === 1 && seen.size > 0) {
        const removed = await this.#entities.deleteEntitiesNotIn(seen);
        if (removed > 0) {
          logger.info('Removed entities no longer in the catalog', { removed });
        }
      }
      if (stats.stopped) {
        logger.info(
          'Collector stopped early; the rest is collected next cycle',
          { reason: stats.stopped },
        );
      }
      const { stopped, ...figures } = stats;
      const aborted = options.signal?.aborted ?? false;
      await this.#runs.finishRun(
        runId,
        {
          status: aborted ? 'failed' : 'succeeded',
          ...figures,
          ...(aborted ? { message: ABORTED_MESSAGE } : {}),
          ...(!aborted && stopped
            ? { message: `Stopped early: ${stopped.slice(0, 500)}` }
            : {}),
        },
        new Date(),
      );
      logger.info('Collected facts', { ...figures });
      return stats;
    } catch (error) {
      assertError(error);
      logger.error('Collection failed', error);
      await this.#runs.finishRun(
        runId,
        {
          status: 'failed',
          entitiesProcessed: stats.entitiesProcessed,
          factsWritten: stats.factsWritten,
          errors: stats.errors + 1,
          // Readers of /status see a generic message; the detail (which can
          // name other entities) stays in the backend logs.
          message: `Collection failed (${error.name}); see the backend logs`,
        },
        new Date(),
      );
      throw error;
    }
  }

  /** Pages the catalog, collects this shard's entities in batches; returns every ref seen. */
  async #collectPages(
    collector: ComplianceCollector,
    shard: Shard,
    stats: CollectionStats,
    context: {
      logger: LoggerService;
      stop: (reason: string) => void;
      signal?: AbortSignal;
    },
  ): Promise<Set<string>> {
    const seen = new Set<string>();
    const batchSize = collector.batchSize ?? 100;
    let pending: Entity[] = [];
    const flush = async () => {
      const batch = pending;
      pending = [];
      if (batch.length === 0 || stats.stopped) return;
      const r = await this.#collectBatch(collector, batch, context);
      stats.entitiesProcessed += batch.length;
      stats.factsWritten += r.factsWritten;
      stats.errors += r.errors;
    };
    for await (const page of this.#pageEntities(context.signal)) {
      const mine = page.filter(e => {
        const ref = refOf(e);
        seen.add(ref);
        return shardOf(ref, shard.count) === shard.index;
      });
      await this.#entities.upsertEntities(mine.map(toSnapshot), new Date());
      for (const e of mine) {
        if (collector.filter && !collector.filter(e)) continue;
        pending.push(e);
        if (pending.length >= batchSize) await flush();
        if (stats.stopped) break;
      }
      if (stats.stopped) break;
    }
    await flush();
    return seen;
  }

  async #collectBatch(
    collector: ComplianceCollector,
    batch: Entity[],
    context: {
      logger: LoggerService;
      stop: (reason: string) => void;
      signal?: AbortSignal;
    },
  ): Promise<{ factsWritten: number; errors: number }> {
    const now = new Date();
    const { logger } = context;
    let collected: CollectedFact[];
    let errors = 0;
    try {
      collected = await collector.collect(batch, {
        logger,
        state: collectorState(this.#facts, collector.id, this.#logger),
        signal: context.signal,
        stop: context.stop,
      });
    } catch (error) {
      assertError(error);
      errors = 1;
      logger.warn(
        'Collector batch failed; facts marked unknown, last good values kept',
        { error: error.message, entities: batch.length },
      );
      // An outage never turns into a fail: every declared fact becomes a
      // transient unknown, which keeps the last good value.
      collected = batch.flatMap(e =>
        collector.facts.map(f => ({
          entityRef: refOf(e),
          factId: f.id,
          unknownReason: 'error' as const,
          message: `${
            collector.title ?? collector.id
          } failed: ${error.message.slice(0, 300)}`,
        })),
      );
    }
    // A source that failed for some entities (an outage, a timeout, a
    // broken answer) yields transient unknowns rather than a thrown batch:
    // the run still counts it as an error, so /status tells the truth.
    if (errors === 0 && collected.some(f => f.unknownReason === 'error')) {
      errors = 1;
    }
    const facts = toFactWrites(collector, collected, now, logger);
    try {
      const { written } = await this.#facts.writeFacts(collector.id, facts);
      return { factsWritten: written, errors };
    } catch (error) {
      // One batch the database refused does not end the cycle: the next
      // batches are written, and this one is collected again next cycle.
      assertError(error);
      logger.warn('Facts of a batch could not be written', {
        error: error.name,
        entities: batch.length,
      });
      return { factsWritten: 0, errors: errors + 1 };
    }
  }

  /**
   * Removes the data of entities no longer in the catalog (or now opted
   * out). Runs on its own schedule so it works when every collector is
   * sharded or disabled. An empty catalog answer removes nothing.
   */
  async pruneEntities(signal?: AbortSignal): Promise<number> {
    const seen = new Set<string>();
    for await (const page of this.#pageEntities(signal)) {
      page.forEach(e => seen.add(refOf(e)));
    }
    if (signal?.aborted || seen.size === 0) return 0;
    return this.#entities.deleteEntitiesNotIn(seen);
  }

  /**
   * Runs every enabled collector for one entity now (a refresh), after
   * storing its snapshot.
   */
  async collectEntity(entity: Entity): Promise<void> {
    const snapshot = toSnapshot(entity);
    await this.#entities.upsertEntities([snapshot], new Date());
    const logger = this.#logger.child({
      task: 'refresh',
      entityRef: snapshot.entityRef,
    });
    for (const collector of this.enabledCollectors) {
      if (collector.filter && !collector.filter(entity)) continue;
      await this.#collectBatch(collector, [entity], {
        logger,
        stop: () => {},
      });
    }
  }

  /**
   * The facts one collector observes for a proposed entity, without storing
   * anything (no state, no facts). Empty when the collector is not
   * registered or disabled.
   */
  async observe(
    collectorId: string,
    entity: Entity,
    credentials: BackstageCredentials,
  ): Promise<CollectedFact[]> {
    const collector = this.#collectors.get(collectorId);
    if (!collector || this.#settings[collectorId]?.disabled) return [];
    return collector.collect([entity], {
      logger: this.#logger.child({ task: 'preview', collectorId }),
      state: {
        get: async () => undefined,
        getMany: async () => new Map(),
        set: async () => {},
        delete: async () => {},
      },
      stop: () => {},
      credentials,
    });
  }
}
