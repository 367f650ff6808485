import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { assertError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  ComplianceLevel,
  ComplianceStatusResponse,
  Control,
  ControlResult,
  EvaluationPreview,
  JsonValue,
  StatusChange,
} from 'backstage-plugin-compliance-common';
import type {
  CollectedFact,
  ComplianceCollector,
  CollectorStateStore,
} from 'backstage-plugin-compliance-node';
import type { CollectorSettings } from '../config';
import type {
  ComplianceStore,
  EntityEvaluationWrite,
  StoredFact,
} from '../database/ComplianceStore';
import { controlSetHash } from '../lib/controls';
import {
  entityFacts,
  evaluateControl,
  EntitySnapshot,
  Waiver,
} from '../lib/evaluate';
import { hashOf } from '../lib/hash';
import { EvaluationFact } from '../lib/rules';
import { summarizeEntity } from '../lib/scoring';
import { normalizeRef, shardOf, toSnapshot } from '../lib/snapshot';
import { ANNOTATION_COMPLIANCE_SKIP } from 'backstage-plugin-compliance-common';

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
const EVALUATION_BATCH = 500;
const ENGINE_STATE = '$engine';

/** Figures of one evaluation cycle. */
export interface EvaluationStats {
  entitiesEvaluated: number;
  entitiesChanged: number;
  rowsWritten: number;
}

/**
 * Runs collection and evaluation over the store. All I/O of the engine is
 * here; the rules, scoring and levels are pure functions in `lib/`.
 */
export class ComplianceEngine {
  readonly #store: ComplianceStore;
  readonly #catalog: CatalogService;
  readonly #auth: AuthService;
  readonly #logger: LoggerService;
  readonly #collectors: Map<string, ComplianceCollector>;
  readonly #settings: Record<string, CollectorSettings>;
  readonly #controls: Control[];
  readonly #levels: ComplianceLevel[];
  readonly #waivers: Waiver[];
  readonly #kinds: string[];
  readonly #controlsHash: string;

  constructor(options: {
    store: ComplianceStore;
    catalog: CatalogService;
    auth: AuthService;
    logger: LoggerService;
    collectors: ComplianceCollector[];
    collectorSettings?: Record<string, CollectorSettings>;
    controls: Control[];
    levels: ComplianceLevel[];
    waivers?: Waiver[];
    kinds: string[];
  }) {
    this.#store = options.store;
    this.#catalog = options.catalog;
    this.#auth = options.auth;
    this.#logger = options.logger;
    this.#collectors = new Map(options.collectors.map(c => [c.id, c]));
    this.#settings = options.collectorSettings ?? {};
    this.#controls = options.controls;
    this.#levels = options.levels;
    this.#waivers = options.waivers ?? [];
    this.#kinds = options.kinds;
    this.#controlsHash = controlSetHash(options.controls, options.levels);
  }

  get controls(): Control[] {
    return this.#controls;
  }

  get levels(): ComplianceLevel[] {
    return this.#levels;
  }

  get collectors(): ComplianceCollector[] {
    return [...this.#collectors.values()];
  }

  #stateFor(collectorId: string): CollectorStateStore {
    const store = this.#store;
    return {
      async get<T extends JsonValue>(key: string) {
        return (await store.getState(collectorId, [key])).get(key) as
          | T
          | undefined;
      },
      async getMany<T extends JsonValue>(keys: string[]) {
        return (await store.getState(collectorId, keys)) as Map<string, T>;
      },
      set: entries => store.setState(collectorId, entries, new Date()),
      delete: keys => store.deleteState(collectorId, keys),
    };
  }

  async *#pageEntities(signal?: AbortSignal): AsyncGenerator<Entity[]> {
    const credentials = await this.#auth.getOwnServiceCredentials();
    let cursor: string | undefined;
    do {
      if (signal?.aborted) return;
      const res = await this.#catalog.queryEntities(
        cursor
          ? { cursor, limit: 500, fields: ENTITY_FIELDS }
          : {
              filter: { kind: this.#kinds },
              limit: 500,
              fields: ENTITY_FIELDS,
              orderFields: { field: 'metadata.name', order: 'asc' },
            },
        { credentials },
      );
      yield res.items.filter(
        e => e.metadata.annotations?.[ANNOTATION_COMPLIANCE_SKIP] !== 'true',
      );
      cursor = res.pageInfo.nextCursor;
    } while (cursor);
  }

  /**
   * One collection pass of one collector (or one shard of it) over the
   * catalog. Writes only facts that changed.
   */
  async collect(
    collectorId: string,
    options: {
      shard?: { index: number; count: number };
      signal?: AbortSignal;
    } = {},
  ): Promise<{
    entitiesProcessed: number;
    factsWritten: number;
    errors: number;
    stopped?: string;
  }> {
    const collector = this.#collectors.get(collectorId);
    if (!collector)
      throw new NotFoundError(`No collector with id "${collectorId}"`);
    const shard = options.shard ?? { index: 0, count: 1 };
    const runKey =
      shard.count > 1 ? `${collectorId}#${shard.index}` : collectorId;
    const logger = this.#logger.child({
      task: 'collect',
      collectorId,
      shard: shard.index,
    });
    const runId = await this.#store.startRun(runKey, new Date());
    const stats = { entitiesProcessed: 0, factsWritten: 0, errors: 0 };
    let stopped: string | undefined;
    const seen = new Set<string>();
    let completed = false;
    try {
      const batchSize = collector.batchSize ?? 100;
      let pending: Entity[] = [];
      const flush = async () => {
        const batch = pending;
        pending = [];
        if (batch.length === 0 || stopped) return;
        const r = await this.#collectBatch(
          collector,
          batch,
          logger,
          reason => {
            stopped = reason;
          },
          options.signal,
        );
        stats.entitiesProcessed += batch.length;
        stats.factsWritten += r.factsWritten;
        stats.errors += r.errors;
      };
      for await (const page of this.#pageEntities(options.signal)) {
        const mine = page.filter(e => {
          const ref = normalizeRef(
            `${e.kind}:${e.metadata.namespace ?? 'default'}/${e.metadata.name}`,
          );
          seen.add(ref);
          return shardOf(ref, shard.count) === shard.index;
        });
        await this.#store.upsertEntities(mine.map(toSnapshot), new Date());
        for (const e of mine) {
          if (collector.filter && !collector.filter(e)) continue;
          pending.push(e);
          if (pending.length >= batchSize) await flush();
          if (stopped) break;
        }
        if (stopped) break;
      }
      await flush();
      completed = !stopped && !options.signal?.aborted;
      // An empty answer is more likely a catalog that is starting up or
      // failing than one that lost every entity: never wipe on it.
      if (completed && shard.count === 1 && seen.size > 0) {
        const removed = await this.#store.deleteEntitiesNotIn(seen);
        if (removed > 0)
          logger.info('Removed entities no longer in the catalog', { removed });
      }
      if (stopped)
        logger.info(
          'Collector stopped early; the rest is collected next cycle',
          { reason: stopped },
        );
      await this.#store.finishRun(
        runId,
        {
          status: 'succeeded',
          ...stats,
          ...(stopped ? { message: `Stopped early: ${stopped}` } : {}),
        },
        new Date(),
      );
      logger.info('Collected facts', stats);
      return { ...stats, ...(stopped ? { stopped } : {}) };
    } catch (error) {
      assertError(error);
      logger.error('Collection failed', error);
      await this.#store.finishRun(
        runId,
        {
          status: 'failed',
          ...stats,
          errors: stats.errors + 1,
          message: error.message,
        },
        new Date(),
      );
      throw error;
    }
  }

  async #collectBatch(
    collector: ComplianceCollector,
    batch: Entity[],
    logger: LoggerService,
    stop: (reason: string) => void,
    signal?: AbortSignal,
  ): Promise<{ factsWritten: number; errors: number }> {
    const now = new Date();
    let collected: CollectedFact[];
    let errors = 0;
    try {
      collected = await collector.collect(batch, {
        logger,
        state: this.#stateFor(collector.id),
        signal,
        stop,
      });
    } catch (error) {
      assertError(error);
      errors = 1;
      logger.warn(
        'Collector batch failed; facts marked unknown, last good values kept',
        {
          error: error.message,
          entities: batch.length,
        },
      );
      // An outage never turns into a fail: every declared fact becomes a
      // transient unknown, which keeps the last good value.
      collected = batch.flatMap(e =>
        collector.facts.map(f => ({
          entityRef: normalizeRef(
            `${e.kind}:${e.metadata.namespace ?? 'default'}/${e.metadata.name}`,
          ),
          factId: f.id,
          unknownReason: 'error' as const,
          message: `${collector.title ?? collector.id} failed: ${
            error.message
          }`,
        })),
      );
    }
    const declared = new Set(collector.facts.map(f => f.id));
    const facts = collected
      .filter(f => {
        if (!declared.has(f.factId)) {
          logger.debug('Ignoring undeclared fact', { factId: f.factId });
          return false;
        }
        return true;
      })
      .map(f => ({
        entityRef: normalizeRef(f.entityRef),
        factId: f.factId,
        ...(f.unknownReason
          ? { unknownReason: f.unknownReason }
          : { value: f.value ?? null }),
        ...(f.message ? { message: f.message } : {}),
        ...(f.evidence ? { evidence: f.evidence } : {}),
        observedAt: f.observedAt ? new Date(f.observedAt) : now,
      }));
    const { written } = await this.#store.writeFacts(collector.id, facts);
    return { factsWritten: written, errors };
  }

  /**
   * Evaluates every entity whose facts, snapshot or controls changed.
   * Entities whose inputs hash is unchanged write nothing.
   */
  async evaluateDirty(signal?: AbortSignal): Promise<EvaluationStats> {
    const startedAt = new Date();
    const runId = await this.#store.startRun('$evaluation', startedAt);
    const stats: EvaluationStats = {
      entitiesEvaluated: 0,
      entitiesChanged: 0,
      rowsWritten: 0,
    };
    try {
      const prev = (
        await this.#store.getState(ENGINE_STATE, ['controlsHash'])
      ).get('controlsHash');
      if (prev !== this.#controlsHash) {
        await this.#store.markAllDirty();
        await this.#store.setState(
          ENGINE_STATE,
          [{ key: 'controlsHash', value: this.#controlsHash }],
          startedAt,
        );
        this.#logger.info(
          'Control catalogue changed; re-evaluating all entities',
        );
      }
      let after: string | undefined;
      // Pipelined: the next batch is read and evaluated while the previous
      // one is written, which overlaps the two on PostgreSQL.
      let saving: Promise<void> | undefined;
      let saveError: unknown;
      const settle = async () => {
        await saving;
        if (saveError) throw saveError;
      };
      const save = (
        writes: EntityEvaluationWrite[],
        refs: string[],
        now: Date,
      ): Promise<void> =>
        this.#store.saveEvaluations(writes, refs, startedAt, now).then(
          ({ rowsWritten }) => {
            stats.rowsWritten += rowsWritten;
          },
          error => {
            saveError = error;
          },
        );
      for (;;) {
        if (signal?.aborted) break;
        const refs = await this.#store.getDirtyEntityRefs(
          EVALUATION_BATCH,
          after,
        );
        if (refs.length === 0) break;
        const { writes, now } = await this.#prepareEvaluations(refs);
        await settle();
        saving = save(writes, refs, now);
        stats.entitiesEvaluated += refs.length;
        stats.entitiesChanged += writes.length;
        after = refs[refs.length - 1];
      }
      await settle();
      await this.#store.finishRun(
        runId,
        {
          status: 'succeeded',
          entitiesProcessed: stats.entitiesEvaluated,
          factsWritten: stats.rowsWritten,
          errors: 0,
        },
        new Date(),
      );
      if (stats.entitiesEvaluated > 0)
        this.#logger.info('Evaluated entities', { ...stats });
      return stats;
    } catch (error) {
      assertError(error);
      await this.#store.finishRun(
        runId,
        {
          status: 'failed',
          entitiesProcessed: stats.entitiesEvaluated,
          factsWritten: stats.rowsWritten,
          errors: 1,
          message: error.message,
        },
        new Date(),
      );
      throw error;
    }
  }

  /** Evaluates the given entities now. */
  async evaluateEntities(
    refs: string[],
    startedAt = new Date(),
  ): Promise<EvaluationStats> {
    const { writes, now } = await this.#prepareEvaluations(refs);
    const { rowsWritten } = await this.#store.saveEvaluations(
      writes,
      refs,
      startedAt,
      now,
    );
    return {
      entitiesEvaluated: refs.length,
      entitiesChanged: writes.length,
      rowsWritten,
    };
  }

  /** Reads the inputs of the given entities and evaluates them, without writing. */
  async #prepareEvaluations(refs: string[]) {
    const now = new Date();
    const [snapshots, facts, results, hashes] = await Promise.all([
      this.#store.getEntitySnapshots(refs),
      this.#store.getFacts(refs),
      this.#store.getResults(refs),
      this.#store.getInputsHashes(refs),
    ]);
    const writes: EntityEvaluationWrite[] = [];
    for (const ref of refs) {
      const snapshot = snapshots.get(ref);
      if (!snapshot) continue;
      const write = this.#evaluateOne(
        snapshot,
        facts.get(ref) ?? [],
        results.get(ref) ?? [],
        hashes.get(ref) ?? null,
        now,
      );
      if (write) writes.push(write);
    }
    return { writes, now };
  }

  #evaluateOne(
    entity: EntitySnapshot,
    stored: StoredFact[],
    previous: ControlResult[],
    previousInputsHash: string | null,
    now: Date,
  ): EntityEvaluationWrite | undefined {
    const waivers = new Map(
      this.#waivers
        .filter(w => w.entityRef === entity.entityRef)
        .filter(w => !w.expiresAt || new Date(w.expiresAt) > now)
        .map(w => [w.controlId, w]),
    );
    const inputsHash = hashOf({
      c: this.#controlsHash,
      e: entity,
      f: stored.map(f => [
        f.factId,
        f.known,
        f.value,
        f.unknownReason ?? null,
        f.message ?? null,
      ]),
      w: [...waivers.values()],
    });
    if (inputsHash === previousInputsHash) return undefined;

    const lookupMap = entityFacts(entity);
    for (const f of stored) {
      const ef: EvaluationFact = {
        factId: f.factId,
        known: f.known,
        value: f.value,
        ...(f.unknownReason ? { unknownReason: f.unknownReason } : {}),
        ...(f.message ? { message: f.message } : {}),
        observedAt:
          f.lastGoodObservedAt && f.stale ? f.lastGoodObservedAt : f.observedAt,
        ...(f.stale ? { stale: true } : {}),
        ...(f.evidence ? { evidence: f.evidence } : {}),
      };
      lookupMap.set(f.factId, ef);
    }
    const lookup = (id: string) => lookupMap.get(id);
    const prevById = new Map(previous.map(r => [r.controlId, r]));
    const nowIso = now.toISOString();
    const upsertResults: ControlResult[] = [];
    const changes: StatusChange[] = [];
    const current: ControlResult[] = [];
    for (const control of this.#controls) {
      const evaluated = evaluateControl({
        control,
        entity,
        lookup,
        waiver: waivers.get(control.id),
        now,
      });
      const prev = prevById.get(control.id);
      const result: ControlResult = {
        entityRef: entity.entityRef,
        ...evaluated,
        evaluatedAt: nowIso,
        statusSince:
          prev && prev.status === evaluated.status ? prev.statusSince : nowIso,
      };
      current.push(prev && sameResult(prev, result) ? prev : result);
      if (!prev || !sameResult(prev, result)) upsertResults.push(result);
      // The first evaluation of an entity records no ledger rows: nothing
      // changed yet. A control added later does get one (cause: rule).
      if (
        (!prev && previous.length > 0) ||
        (prev && prev.status !== result.status)
      ) {
        let cause: StatusChange['cause'] = 'data';
        if (!prev || prev.controlVersion !== result.controlVersion)
          cause = 'rule';
        if (result.status === 'waived' || prev?.status === 'waived')
          cause = 'waiver';
        changes.push({
          entityRef: entity.entityRef,
          controlId: control.id,
          from: prev?.status ?? null,
          to: result.status,
          cause,
          reason: result.reason,
          controlVersion: result.controlVersion,
          changedAt: nowIso,
        });
      }
    }
    const known = new Set(this.#controls.map(c => c.id));
    const deleteResults = previous
      .filter(r => !known.has(r.controlId))
      .map(r => r.controlId);

    const summary = summarizeEntity(current, this.#controls, this.#levels);
    return {
      entityRef: entity.entityRef,
      upsertResults,
      deleteResults,
      changes,
      score: {
        entityRef: entity.entityRef,
        score: summary.total.score,
        coverage: summary.total.coverage,
        level: summary.level?.id ?? null,
        counts: summary.total.counts,
        summary: {
          knownWeight: summary.total.knownWeight,
          applicableWeight: summary.total.applicableWeight,
          categories: summary.categories,
          frameworks: summary.frameworks,
          ...(summary.nextLevel ? { nextLevel: summary.nextLevel } : {}),
        },
        inputsHash,
      },
    };
  }

  /** Collects every collector for one entity and evaluates it, now. */
  async refreshEntity(entity: Entity): Promise<void> {
    const snapshot = toSnapshot(entity);
    await this.#store.upsertEntities([snapshot], new Date());
    const logger = this.#logger.child({
      task: 'refresh',
      entityRef: snapshot.entityRef,
    });
    for (const collector of this.#collectors.values()) {
      if (this.#settings[collector.id]?.disabled) continue;
      if (collector.filter && !collector.filter(entity)) continue;
      await this.#collectBatch(collector, [entity], logger, () => {});
    }
    await this.evaluateEntities([snapshot.entityRef]);
  }

  /**
   * Evaluates a proposed entity without storing anything: the catalog
   * collector's facts plus the entity itself. Facts of other collectors do
   * not exist yet, so their controls are unknown (not collected).
   */
  async previewEntity(entity: Entity): Promise<EvaluationPreview> {
    const snapshot = toSnapshot(entity);
    const now = new Date();
    const lookupMap = entityFacts(snapshot);
    const catalog = this.#collectors.get('catalog');
    if (catalog) {
      const collected = await catalog.collect([entity], {
        logger: this.#logger.child({ task: 'preview' }),
        state: {
          get: async () => undefined,
          getMany: async () => new Map(),
          set: async () => {},
          delete: async () => {},
        },
        stop: () => {},
      });
      for (const f of collected) {
        lookupMap.set(f.factId, {
          factId: f.factId,
          known: !f.unknownReason,
          value: f.value ?? null,
          ...(f.unknownReason ? { unknownReason: f.unknownReason } : {}),
          ...(f.evidence ? { evidence: f.evidence } : {}),
          observedAt: now.toISOString(),
        });
      }
    }
    const lookup = (id: string) => lookupMap.get(id);
    const results = this.#controls.map(control => ({
      entityRef: snapshot.entityRef,
      ...evaluateControl({ control, entity: snapshot, lookup, now }),
      evaluatedAt: now.toISOString(),
      statusSince: now.toISOString(),
      control,
    }));
    const { total, categories, frameworks, level, nextLevel } = summarizeEntity(
      results,
      this.#controls,
      this.#levels,
    );
    return {
      entityRef: snapshot.entityRef,
      ...total,
      level,
      ...(nextLevel ? { nextLevel } : {}),
      categories,
      frameworks,
      results,
    };
  }

  async status(): Promise<ComplianceStatusResponse> {
    const runs = await this.#store.getLatestRuns();
    const collectors = [...this.#collectors.values()].map(c => {
      const shards = this.#settings[c.id]?.shards ?? 1;
      const keys =
        shards > 1
          ? Array.from({ length: shards }, (_, i) => `${c.id}#${i}`)
          : [c.id];
      const shardRuns = keys.map(k => runs.get(k)).filter(r => !!r);
      const lastRun = shardRuns.length
        ? shardRuns.reduce((acc, r) => ({
            ...acc,
            startedAt:
              acc.startedAt < r.startedAt ? acc.startedAt : r.startedAt,
            finishedAt: [acc.finishedAt, r.finishedAt]
              .filter(Boolean)
              .sort()
              .pop(),
            durationMs: Math.max(acc.durationMs ?? 0, r.durationMs ?? 0),
            entitiesProcessed: acc.entitiesProcessed + r.entitiesProcessed,
            factsWritten: acc.factsWritten + r.factsWritten,
            errors: acc.errors + r.errors,
            status: worstStatus(acc.status, r.status),
          }))
        : undefined;
      return {
        collectorId: c.id,
        title: c.title ?? c.id,
        facts: c.facts.map(f => f.id),
        running: lastRun?.status === 'running',
        ...(lastRun ? { lastRun: stripId(lastRun) } : {}),
      };
    });
    const evaluation = runs.get('$evaluation');
    return {
      collectors,
      ...(evaluation ? { evaluation: stripId(evaluation) } : {}),
      entities: await this.#store.countEntities(),
      controls: this.#controls.length,
    };
  }
}

function stripId<T extends { id?: string }>(run: T): Omit<T, 'id'> {
  const { id: _id, ...rest } = run;
  return rest;
}

function sameResult(a: ControlResult, b: ControlResult): boolean {
  return (
    a.status === b.status &&
    a.reason === b.reason &&
    (a.unknownReason ?? null) === (b.unknownReason ?? null) &&
    a.controlVersion === b.controlVersion &&
    hashOf(a.evidence) === hashOf(b.evidence)
  );
}

function worstStatus(
  a: 'running' | 'succeeded' | 'failed',
  b: 'running' | 'succeeded' | 'failed',
): 'running' | 'succeeded' | 'failed' {
  if (a === 'running' || b === 'running') return 'running';
  if (a === 'failed' || b === 'failed') return 'failed';
  return 'succeeded';
}
