import type { LoggerService } from '@backstage/backend-plugin-api';
import { createHash } from 'node:crypto';
import type {
  OverviewAggregates,
  OverviewFigures,
  OverviewFilter,
  ReadModelStore,
} from '../database/ComplianceStore';
import { commonAggregate, figuresOf } from '../lib/overviewAggregates';

/**
 * The evaluation version behind HTTP caching and the overview aggregates of
 * the common filters, refreshed once per evaluation cycle.
 */
export class ReadModel {
  readonly #store: ReadModelStore;
  readonly #logger: LoggerService;
  #parsed?: { version: number; aggregates: OverviewAggregates };

  constructor(options: { store: ReadModelStore; logger: LoggerService }) {
    this.#store = options.store;
    this.#logger = options.logger;
  }

  /** After an evaluation cycle: recompute the aggregates, bump the version. */
  async cycleEvaluated(now = new Date()): Promise<void> {
    const started = Date.now();
    const version = await this.#store.refreshAggregates(now);
    this.#logger.debug('Refreshed the overview aggregates', {
      version,
      durationMs: Date.now() - started,
    });
  }

  /** After any other change of what reads answer (a refresh, a roll-up). */
  async changed(): Promise<void> {
    await this.#store.bumpVersion();
  }

  version(): Promise<number> {
    return this.#store.getVersion();
  }

  /** The version, and whether the engine knows the entity: one round trip. */
  versionOf(entityRef: string): Promise<{ version: number; known: boolean }> {
    return this.#store.getVersionOf(entityRef);
  }

  /**
   * The aggregates of the filter from the last cycle, when it is a common
   * filter and they have been computed; undefined otherwise. `knownVersion`,
   * when the caller has just read it, saves reading it again.
   */
  async figuresFor(
    filter: OverviewFilter,
    knownVersion?: number,
  ): Promise<OverviewFigures | undefined> {
    const version = knownVersion ?? (await this.#store.getVersion());
    if (this.#parsed?.version !== version) {
      const stored = await this.#store.getAggregates();
      this.#parsed = stored;
      if (!stored) return undefined;
    }
    const { aggregates } = this.#parsed!;
    const aggregate = commonAggregate(filter, aggregates);
    return aggregate
      ? { ...figuresOf(aggregate), universe: aggregates.all.totalCount }
      : undefined;
  }
}

/** A strong ETag over the given parts. */
export function etagOf(parts: unknown[]): string {
  return `"${createHash('sha256')
    .update(JSON.stringify(parts))
    .digest('base64url')
    .slice(0, 27)}"`;
}
