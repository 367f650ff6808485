import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';

/**
 * Every entity of one kind, paged with only the given fields, up to `max`
 * (bounded input); `undefined` when aborted.
 */
export async function readEntitiesOfKind(options: {
  catalog: CatalogService;
  credentials: BackstageCredentials;
  kind: string;
  fields: string[];
  max: number;
  signal?: AbortSignal;
}): Promise<Entity[] | undefined> {
  const { catalog, credentials, kind, fields, max, signal } = options;
  const entities: Entity[] = [];
  let cursor: string | undefined;
  do {
    if (signal?.aborted) return undefined;
    const page = await catalog.queryEntities(
      cursor
        ? { cursor, limit: 1000, fields }
        : { filter: { kind }, limit: 1000, fields },
      { credentials },
    );
    entities.push(...page.items);
    cursor = page.pageInfo.nextCursor;
  } while (cursor && entities.length < max);
  return entities.slice(0, max);
}
