import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { canonicalEntityRef } from '../lib/refs';
import { normalizeRef } from '../lib/snapshot';

/**
 * The entity and its stored ref, if it exists and the caller may read it in
 * the catalog (asked with the caller's credentials); NotFoundError otherwise.
 */
export async function readableEntity(
  catalog: CatalogService,
  name: string | { kind: string; namespace?: string; name: string },
  credentials: BackstageCredentials,
): Promise<{ ref: string; entity: Entity }> {
  const requested = canonicalEntityRef(name, { defaultKind: 'component' });
  const entity = await catalog.getEntityByRef(requested, { credentials });
  if (!entity) {
    throw new NotFoundError(`Entity ${requested} was not found in the catalog`);
  }
  return { ref: normalizeRef(stringifyEntityRef(entity)), entity };
}
