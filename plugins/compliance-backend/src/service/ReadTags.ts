import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { OverviewQuery } from 'backstage-plugin-compliance-common';
import { DateTime } from 'luxon';
import type { ControlCatalogue } from '../controls/ControlCatalogue';
import { NotFoundError } from '@backstage/errors';
import type { EvaluationStore } from '../database/ComplianceStore';
import { ReadAccess, callerKey, readableRef, requestedRef } from './ReadAccess';
import { ReadModel, etagOf } from './ReadModel';
import type { StatusService } from './StatusService';

/** The reads of one entity that carry an ETag. */
export type EntityRead = 'summary' | 'results' | 'history';

/**
 * A read of one entity the caller may read, opened once per request: the
 * canonical ref, the ETag (without a read model none) and, for a summary,
 * the collectors' last runs the answer shows.
 */
export interface OpenedRead {
  readonly ref: string;
  readonly tag?: string;
  readonly collectedAt?: Record<string, string>;
}

/**
 * The ETags of reads, derived from the evaluation version of the read model
 * (and what else the answer depends on), and their invalidation. Without a
 * read model there are no ETags.
 */
export class ReadTags {
  readonly #readModel?: ReadModel;
  readonly #status: StatusService;
  readonly #catalogue: ControlCatalogue;
  readonly #access: ReadAccess;
  readonly #evaluations: Pick<EvaluationStore, 'getInputsHashes'>;

  constructor(options: {
    readModel?: ReadModel;
    status: StatusService;
    catalogue: ControlCatalogue;
    access: ReadAccess;
    evaluations: Pick<EvaluationStore, 'getInputsHashes'>;
  }) {
    this.#readModel = options.readModel;
    this.#status = options.status;
    this.#catalogue = options.catalogue;
    this.#access = options.access;
    this.#evaluations = options.evaluations;
  }

  /**
   * Opens a read of one entity: checks once that the caller may read it and
   * derives its ETag. When the policy allows every catalog read, whether
   * the engine knows the entity comes with the version in one round trip;
   * under a conditional policy the batched catalog check runs beside it.
   * NotFoundError when the caller may not read the entity.
   */
  async openEntity(
    route: EntityRead,
    name: string | { kind: string; namespace?: string; name: string },
    credentials: BackstageCredentials,
    extra: unknown[] = [],
  ): Promise<OpenedRead> {
    const readModel = this.#readModel;
    const decision = await this.#access.decision(credentials);
    if (!readModel || decision === 'deny') {
      const ref = await readableRef(
        name,
        credentials,
        this.#access,
        this.#evaluations,
      );
      const collectedAt =
        route === 'summary' ? await this.#status.collectedAt() : undefined;
      return { ref, ...(collectedAt ? { collectedAt } : {}) };
    }
    const ref = requestedRef(name);
    // The summary's collectors' last runs are not read here: every finished
    // collection changes the version (scheduleTasks), so the version alone
    // tells whether they changed.
    const [state, readable] = await Promise.all([
      readModel.versionOf(ref),
      decision === 'allow' || this.#access.canRead(ref, credentials),
    ]);
    if (!readable || (decision === 'allow' && !state.known)) {
      throw new NotFoundError(`Entity ${ref} was not found in the catalog`);
    }
    return { ref, tag: this.#tagOf(route, ref, state.version, extra) };
  }

  #tagOf(
    route: EntityRead,
    ref: string,
    version: number,
    extra: unknown[],
  ): string {
    const day = route === 'history' ? DateTime.utc().toISODate() : undefined;
    return etagOf([route, ref, version, this.#catalogue.hash, day, ...extra]);
  }

  /**
   * Opens an overview read for this caller: its ETag and the version it is
   * derived from (the answer's precomputed figures are those of that
   * version), and whether the answer is the same for every caller with the
   * tag until the version changes (not under a conditional policy, where it
   * depends on the caller's readable entities at the time). Empty without
   * a read model.
   */
  async openOverview(
    query: OverviewQuery,
    credentials: BackstageCredentials,
  ): Promise<{ tag?: string; version?: number; shared?: boolean }> {
    if (!this.#readModel) return {};
    const [version, decision] = await Promise.all([
      this.#readModel.version(),
      this.#access.decision(credentials),
    ]);
    // Under a conditional policy the answer depends on who asks.
    const who = decision === 'conditional' ? callerKey(credentials) : decision;
    return {
      tag: etagOf(['overview', version, this.#catalogue.hash, who, query]),
      version,
      shared: decision !== 'conditional',
    };
  }

  /** After a refresh or a roll-up: reads may answer differently now. */
  async readsChanged(): Promise<void> {
    await this.#readModel?.changed();
  }
}
