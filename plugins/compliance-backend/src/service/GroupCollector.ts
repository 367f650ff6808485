import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { GroupStore } from '../database/ComplianceStore';
import { groupEdges } from '../lib/groups';
import { readEntitiesOfKind } from './catalogPages';

/** The most groups read from the catalog (bounded input). */
const MAX_GROUPS = 200_000;

/**
 * Collects the catalog's group hierarchy (refs, parents and children only)
 * into the store, on the scheduler with the catalog collector, so owner
 * filters expand child groups locally.
 */
export class GroupCollector {
  readonly #catalog: CatalogService;
  readonly #auth: AuthService;
  readonly #groups: GroupStore;
  readonly #logger: LoggerService;

  constructor(options: {
    catalog: CatalogService;
    auth: AuthService;
    groups: GroupStore;
    logger: LoggerService;
  }) {
    this.#catalog = options.catalog;
    this.#auth = options.auth;
    this.#groups = options.groups;
    this.#logger = options.logger;
  }

  /** Reads every group and replaces the stored links. Returns the link count. */
  async collect(signal?: AbortSignal): Promise<number> {
    const credentials = await this.#auth.getOwnServiceCredentials();
    const groups = await readEntitiesOfKind({
      catalog: this.#catalog,
      credentials,
      kind: 'group',
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'spec.parent',
        'spec.children',
      ],
      max: MAX_GROUPS,
      signal,
    });
    if (!groups) return 0;
    if (groups.length === 0) {
      // An empty answer (catalog starting, failing source) never wipes the
      // hierarchy; a catalog without groups has no links to keep anyway.
      this.#logger.warn(
        'The catalog answered with no groups; kept the stored group hierarchy',
      );
      return 0;
    }
    const edges = groupEdges(groups);
    await this.#groups.replaceGroupEdges(edges);
    this.#logger.debug('Collected the group hierarchy', {
      groups: groups.length,
      links: edges.length,
    });
    return edges.length;
  }
}
