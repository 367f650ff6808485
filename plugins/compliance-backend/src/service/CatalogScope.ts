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

/** Who is asking, as a cache key. */
function callerKey(credentials: BackstageCredentials): string {
  const p = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  return `${p.type}:${p.userEntityRef ?? p.subject ?? 'unknown'}`;
}

/**
 * What part of the catalog a caller may see, for the overview: the readable
 * refs under a conditional policy (none needed when the policy allows every
 * entity) and owner groups expanded to the groups below them.
 */
export class CatalogScope {
  readonly #catalog: CatalogService;
  readonly #permissions: PermissionsService;
  readonly #kinds: string[];
  readonly #readableCache = new TtlCache<string[]>({
    ttlMs: 30_000,
    maxEntries: 500,
  });

  constructor(options: {
    catalog: CatalogService;
    permissions: PermissionsService;
    kinds: string[];
  }) {
    this.#catalog = options.catalog;
    this.#permissions = options.permissions;
    this.#kinds = options.kinds;
  }

  /** Refs the caller may read; undefined when the policy allows every entity. */
  async readableRefs(
    credentials: BackstageCredentials,
  ): Promise<string[] | undefined> {
    const [decision] = await this.#permissions.authorizeConditional(
      [{ permission: catalogEntityReadPermission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.ALLOW) return undefined;
    if (decision.result === AuthorizeResult.DENY) return [];
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

  /** The requested owner groups and every group below them. */
  async ownerGroups(
    owners: string[],
    credentials: BackstageCredentials,
  ): Promise<string[]> {
    const requested = owners.map(o =>
      canonicalEntityRef(o, { defaultKind: 'group', what: 'owner' }),
    );
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
