import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { OverviewQuery } from 'backstage-plugin-compliance-common';
import { DateTime } from 'luxon';
import type { ControlCatalogue } from '../controls/ControlCatalogue';
import { ReadAccess, callerKey } from './ReadAccess';
import { ReadModel, etagOf } from './ReadModel';
import type { StatusService } from './StatusService';

/** The reads of one entity that carry an ETag. */
export type EntityRead = 'summary' | 'results' | 'history';

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

  constructor(options: {
    readModel?: ReadModel;
    status: StatusService;
    catalogue: ControlCatalogue;
    access: ReadAccess;
  }) {
    this.#readModel = options.readModel;
    this.#status = options.status;
    this.#catalogue = options.catalogue;
    this.#access = options.access;
  }

  /**
   * The ETag of a read of an entity the caller may read (`ref` is
   * canonical and already checked).
   */
  async entityTag(
    route: EntityRead,
    ref: string,
    extra: unknown[] = [],
  ): Promise<string | undefined> {
    if (!this.#readModel) return undefined;
    const [version, collectedAt] = await Promise.all([
      this.#readModel.version(),
      route === 'summary' ? this.#status.collectedAt() : undefined,
    ]);
    const day = route === 'history' ? DateTime.utc().toISODate() : undefined;
    return etagOf([
      route,
      ref,
      version,
      this.#catalogue.hash,
      collectedAt,
      day,
      ...extra,
    ]);
  }

  /** The ETag of an overview answer for this caller. */
  async overviewTag(
    query: OverviewQuery,
    credentials: BackstageCredentials,
  ): Promise<string | undefined> {
    if (!this.#readModel) return undefined;
    const [version, decision] = await Promise.all([
      this.#readModel.version(),
      this.#access.decision(credentials),
    ]);
    // Under a conditional policy the answer depends on who asks.
    const who = decision === 'conditional' ? callerKey(credentials) : decision;
    return etagOf(['overview', version, this.#catalogue.hash, who, query]);
  }

  /** After a refresh or a roll-up: reads may answer differently now. */
  async readsChanged(): Promise<void> {
    await this.#readModel?.changed();
  }
}
