import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { descendantGroups } from '../lib/groups';
import { canonicalEntityRef } from '../lib/refs';
import { normalizeRef } from '../lib/snapshot';
import { TtlCache } from './TtlCache';
import { ReadAccess, callerKey } from './ReadAccess';
import type { GroupStore } from '../database/ComplianceStore';
import { descendantsFromEdges } from '../lib/groups';

/**
 * What part of the catalog a caller may see, for the overview: the readable
 * refs under a conditional policy (none needed when the policy allows every
 * entity) and owner groups expanded to the groups below them.
 */
export class CatalogScope {
  readonly #catalog: CatalogService;
  readonly #permissions: PermissionsService;
  readonly #kinds: string[];
  readonly #access?: ReadAccess;
  readonly #groups?: GroupStore;
  readonly #readableCache: TtlCache<string[]>;
  readonly #edgesCache: TtlCache<Array<{ parent: string; child: string }>>;

  constructor(options: {
    catalog: CatalogService;
    permissions: PermissionsService;
    kinds: string[];
    /** Decides reads (cached); without it the policy is asked each time. */
    access?: ReadAccess;
    /** The group hierarchy the engine keeps; without it the catalog is paged. */
    groups?: GroupStore;
    /** How long readable refs and the group hierarchy are reused. Default 30 s. */
    ttlMs?: number;
  }) {
    this.#catalog = options.catalog;
    this.#permissions = options.permissions;
    this.#kinds = options.kinds;
    this.#access = options.access;
    this.#groups = options.groups;
    const ttlMs = options.ttlMs ?? 30_000;
    this.#readableCache = new TtlCache({ ttlMs, maxEntries: 500 });
    this.#edgesCache = new TtlCache({ ttlMs, maxEntries: 1 });
  }

  /** Refs the caller may read; undefined when the policy allows every entity. */
  async readableRefs(
    credentials: BackstageCredentials,
  ): Promise<string[] | undefined> {
    if (this.#access) {
      const decision = await this.#access.decision(credentials);
      if (decision === 'allow') return undefined;
      if (decision === 'deny') return [];
    } else {
      const [decision] = await this.#permissions.authorizeConditional(
        [{ permission: catalogEntityReadPermission }],
        { credentials },
      );
      if (decision.result === AuthorizeResult.ALLOW) return undefined;
      if (decision.result === AuthorizeResult.DENY) return [];
    }
    // Conditional: list what the catalog lets this caller read, briefly
    // cached per caller so paging the overview does not page the catalog.
    return this.#readableCache.get(callerKey(credentials), () =>
      this.#listReadableRefs(credentials),
    );
  }

  async #listReadableRefs(
    credentials: BackstageCredentials,
  ): Promise<string[]> {
    const refs: string[] = [];
    await this.#pageCatalog(
      { kind: this.#kinds },
      ['kind', 'metadata.name', 'metadata.namespace'],
      credentials,
      e => refs.push(normalizeRef(stringifyEntityRef(e))),
    );
    return refs;
  }

  /**
   * The requested owner groups and every group below them; only the
   * requested ones when `transitive` is false.
   */
  async ownerGroups(
    owners: string[],
    credentials: BackstageCredentials,
    options: { transitive?: boolean } = {},
  ): Promise<string[]> {
    const requested = owners.map(o =>
      canonicalEntityRef(o, { defaultKind: 'group', what: 'owner' }),
    );
    if (options.transitive === false) return requested;
    if (this.#groups) {
      // A local lookup in the hierarchy the scheduler collects.
      const groups = this.#groups;
      const edges = await this.#edgesCache.get('edges', () =>
        groups.getGroupEdges(),
      );
      return descendantsFromEdges(requested, edges);
    }
    const groups: Entity[] = [];
    await this.#pageCatalog(
      { kind: 'group' },
      [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'spec.parent',
        'spec.children',
      ],
      credentials,
      e => groups.push(e),
    );
    return descendantGroups(requested, groups);
  }

  async #pageCatalog(
    filter: Record<string, string | string[]>,
    fields: string[],
    credentials: BackstageCredentials,
    each: (entity: Entity) => void,
  ): Promise<void> {
    let cursor: string | undefined;
    do {
      const page = await this.#catalog.queryEntities(
        cursor
          ? { cursor, limit: 1000, fields }
          : { filter, limit: 1000, fields },
        { credentials },
      );
      page.items.forEach(each);
      cursor = page.pageInfo.nextCursor;
    } while (cursor);
  }
}
