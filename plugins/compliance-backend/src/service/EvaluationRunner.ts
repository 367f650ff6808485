import type { LoggerService } from '@backstage/backend-plugin-api';
import { assertError } from '@backstage/errors';
import type {
  EntityEvaluationWrite,
  EntityStore,
  EvaluationStore,
  FactStore,
  RunStore,
  WaiverStore,
} from '../database/ComplianceStore';
import { toEvaluationWaiver } from '../lib/waivers';
import type { ControlCatalogue } from '../controls/ControlCatalogue';
import type { Waiver } from '../lib/evaluate';
import {
  activeWaivers,
  evaluateEntity,
  evaluationInputsHash,
} from '../lib/evaluateEntity';
import { hashOf } from '../lib/hash';
import { toEvaluationFact } from '../lib/evidenceRefs';
import { ENGINE_STATE_KEY, EVALUATION_RUN_KEY } from './taskIds';

const EVALUATION_BATCH = 500;

/** Figures of one evaluation cycle. */
export interface EvaluationStats {
  entitiesEvaluated: number;
  entitiesChanged: number;
  rowsWritten: number;
}

/** What the evaluation runner tells after it saved. */
export interface EvaluationListener {
  /** A whole cycle over the dirty entities finished. */
  cycleEvaluated(): Promise<void>;
  /** Some entities were evaluated on demand. */
  changed(): Promise<void>;
}

/**
 * Evaluates entities whose facts, snapshot or controls changed, in batches,
 * and writes only what changed.
 */
export class EvaluationRunner {
  readonly #entities: EntityStore;
  readonly #facts: FactStore;
  readonly #evaluations: EvaluationStore;
  readonly #runs: RunStore;
  readonly #catalogue: ControlCatalogue;
  readonly #waivers: Waiver[];
  readonly #waiverRecords?: WaiverStore;
  readonly #logger: LoggerService;
  readonly #clock: () => Date;
  readonly #readModel?: EvaluationListener;

  constructor(options: {
    entities: EntityStore;
    facts: FactStore;
    evaluations: EvaluationStore;
    runs: RunStore;
    catalogue: ControlCatalogue;
    waivers: Waiver[];
    /** Waivers approved through the API; applied beside the config ones. */
    waiverRecords?: WaiverStore;
    logger: LoggerService;
    /** The time evaluations are made at (waiver expiry); tests set it. */
    clock?: () => Date;
    /** Told when a cycle or an on-demand evaluation saved (HTTP caching, aggregates). */
    listener?: EvaluationListener;
  }) {
    this.#readModel = options.listener;
    this.#entities = options.entities;
    this.#facts = options.facts;
    this.#evaluations = options.evaluations;
    this.#runs = options.runs;
    this.#catalogue = options.catalogue;
    this.#waivers = options.waivers;
    this.#waiverRecords = options.waiverRecords;
    this.#logger = options.logger;
    this.#clock = options.clock ?? (() => new Date());
  }

  /** Marks every entity dirty when the control catalogue changed since the last cycle. */
  async #dirtyOnCatalogueChange(now: Date): Promise<void> {
    const key = 'controlsHash';
    const prev = (await this.#facts.getState(ENGINE_STATE_KEY, [key])).get(key);
    if (prev === this.#catalogue.hash) return;
    await this.#entities.markAllDirty();
    await this.#facts.setState(
      ENGINE_STATE_KEY,
      [{ key, value: this.#catalogue.hash }],
      now,
    );
    this.#logger.info('Control catalogue changed; re-evaluating all entities');
  }

  /**
   * Marks dirty the entities whose waivers in force changed since the last
   * cycle: a waiver added, removed or edited in config, or one that expired.
   * Their inputs hash changes with it, so expiry takes effect within one
   * cycle even when no fact changed.
   */
  async #dirtyOnWaiverChange(now: Date): Promise<void> {
    const key = 'activeWaivers';
    const current: Record<string, string> = {};
    for (const ref of new Set(this.#waivers.map(w => w.entityRef))) {
      const active = [...activeWaivers(this.#waivers, ref, now).values()];
      if (active.length) current[ref] = hashOf(active);
    }
    const stored = (await this.#facts.getState(ENGINE_STATE_KEY, [key])).get(
      key,
    );
    const previous: Record<string, unknown> =
      stored && typeof stored === 'object' && !Array.isArray(stored)
        ? stored
        : {};
    const changed = [
      ...new Set([...Object.keys(previous), ...Object.keys(current)]),
    ].filter(ref => previous[ref] !== current[ref]);
    if (changed.length === 0) return;
    await this.#entities.markDirty(changed);
    await this.#facts.setState(
      ENGINE_STATE_KEY,
      [{ key, value: current }],
      now,
    );
    this.#logger.info('Waivers changed; re-evaluating their entities', {
      entities: changed.length,
    });
  }

  /**
   * Evaluates every dirty entity. Entities whose inputs hash is unchanged
   * write nothing.
   */
  async evaluateDirty(signal?: AbortSignal): Promise<EvaluationStats> {
    const startedAt = this.#clock();
    const runId = await this.#runs.startRun(EVALUATION_RUN_KEY, startedAt);
    const stats: EvaluationStats = {
      entitiesEvaluated: 0,
      entitiesChanged: 0,
      rowsWritten: 0,
    };
    try {
      await this.#dirtyOnCatalogueChange(startedAt);
      await this.#dirtyOnWaiverChange(startedAt);
      await this.#expireStoredWaivers(startedAt);
      // Pipelined: the next batch is read and evaluated while the previous
      // one is written, which overlaps the two on PostgreSQL.
      // The failure of a save in flight, kept until the loop settles it.
      const pending: { saving?: Promise<void>; error?: unknown } = {};
      const settle = async () => {
        await pending.saving;
        if (pending.error) throw pending.error;
      };
      let after: string | undefined;
      for (;;) {
        if (signal?.aborted) break;
        const refs = await this.#entities.getDirtyEntityRefs(
          EVALUATION_BATCH,
          after,
        );
        if (refs.length === 0) break;
        const { writes, versions, now, review } = await this.#prepare(refs);
        await settle();
        pending.saving = this.#evaluations
          .saveEvaluations(writes, refs, versions, now)
          .then(async result => {
            await this.#flagForReview(review, now);
            return result;
          })
          .then(
            ({ rowsWritten }) => {
              stats.rowsWritten += rowsWritten;
            },
            error => {
              pending.error = error;
            },
          );
        stats.entitiesEvaluated += refs.length;
        stats.entitiesChanged += writes.length;
        after = refs[refs.length - 1];
      }
      await settle();
      if (signal?.aborted) {
        await this.#finish(
          runId,
          'failed',
          stats,
          'Aborted before every dirty entity was evaluated (task timeout or shutdown); the rest is evaluated next cycle',
        );
        return stats;
      }
      await this.#finish(runId, 'succeeded', stats);
      // Only when something was dirty: otherwise nothing reads see changed.
      if (stats.entitiesEvaluated > 0)
        await this.#tell(l => l.cycleEvaluated());
      if (stats.entitiesEvaluated > 0) {
        this.#logger.info('Evaluated entities', { ...stats });
      }
      return stats;
    } catch (error) {
      assertError(error);
      this.#logger.error('Evaluation failed', error);
      await this.#finish(
        runId,
        'failed',
        stats,
        `Evaluation failed (${error.name}); see the backend logs`,
      );
      throw error;
    }
  }

  /** Expires stored waivers past their date and re-evaluates their entities. */
  async #expireStoredWaivers(now: Date): Promise<void> {
    if (!this.#waiverRecords) return;
    const refs = await this.#waiverRecords.expireDue(now);
    if (refs.length === 0) return;
    await this.#entities.markDirty(refs);
    this.#logger.info('Waivers expired; re-evaluating their entities', {
      entities: refs.length,
    });
  }

  /** Tells the read model; its failure never fails an evaluation. */
  async #tell(call: (listener: EvaluationListener) => Promise<void>) {
    if (!this.#readModel) return;
    try {
      await call(this.#readModel);
    } catch (error) {
      assertError(error);
      this.#logger.warn('Could not refresh the overview read model', {
        reason: error.message,
      });
    }
  }

  async #finish(
    runId: string,
    status: 'succeeded' | 'failed',
    stats: EvaluationStats,
    message?: string,
  ) {
    await this.#runs.finishRun(
      runId,
      {
        status,
        entitiesProcessed: stats.entitiesEvaluated,
        factsWritten: stats.rowsWritten,
        errors: status === 'failed' ? 1 : 0,
        ...(message ? { message } : {}),
      },
      new Date(),
    );
  }

  /** Evaluates the given entities now. */
  async evaluateEntities(refs: string[]): Promise<EvaluationStats> {
    const { writes, versions, now, review } = await this.#prepare(refs);
    const { rowsWritten } = await this.#evaluations.saveEvaluations(
      writes,
      refs,
      versions,
      now,
    );
    await this.#flagForReview(review, now);
    await this.#tell(l => l.changed());
    return {
      entitiesEvaluated: refs.length,
      entitiesChanged: writes.length,
      rowsWritten,
    };
  }

  /** Flags stored waivers whose evidence changed since approval. */
  async #flagForReview(ids: string[], now: Date): Promise<void> {
    if (!this.#waiverRecords || ids.length === 0) return;
    const flagged = await this.#waiverRecords.flagForReview(ids, now);
    if (flagged > 0) {
      this.#logger.info(
        'Waivers flagged for review: their evidence changed since approval',
        { waivers: flagged },
      );
    }
  }

  /** Reads the inputs of the given entities and evaluates them, without writing. */
  async #prepare(refs: string[]) {
    const now = this.#clock();
    // Read before the inputs: a change after this keeps the entity dirty.
    const versions = await this.#entities.getDirtyVersions(refs);
    // The previous results' evidence is resolved against the facts read.
    const factsRead = this.#facts.getFacts(refs);
    const [snapshots, facts, results, hashes, stored] = await Promise.all([
      this.#entities.getEntitySnapshots(refs),
      factsRead,
      factsRead.then(read => this.#evaluations.getResults(refs, read)),
      this.#evaluations.getInputsHashes(refs),
      this.#waiverRecords
        ? this.#waiverRecords.getInForce(refs, now)
        : Promise.resolve(new Map()),
    ]);
    const writes: EntityEvaluationWrite[] = [];
    const review: string[] = [];
    for (const ref of refs) {
      const entity = snapshots.get(ref);
      if (!entity) continue;
      const input = {
        entity,
        facts: (facts.get(ref) ?? []).map(toEvaluationFact),
        // Config waivers first: a stored (approved) one for the same
        // control takes precedence, so its approver is shown.
        waivers: [
          ...this.#waivers,
          ...(stored.get(ref) ?? []).map(toEvaluationWaiver),
        ],
        catalogue: this.#catalogue,
        now,
      };
      const inputsHash = evaluationInputsHash(input);
      if (inputsHash === (hashes.get(ref) ?? null)) continue;
      const evaluation = evaluateEntity({
        ...input,
        previous: results.get(ref) ?? [],
        inputsHash,
      });
      review.push(...evaluation.waiversToReview);
      writes.push({
        entityRef: ref,
        upsertResults: evaluation.upsertResults,
        deleteResults: evaluation.deleteResults,
        changes: evaluation.changes,
        score: {
          entityRef: ref,
          ...evaluation.score,
          inputsHash,
          previousInputsHash: hashes.get(ref) ?? null,
        },
      });
    }
    return { writes, versions, now, review };
  }
}
