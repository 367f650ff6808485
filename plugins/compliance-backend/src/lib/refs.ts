import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { normalizeRef } from './snapshot';

/**
 * The canonical (lower-case) ref of a user-given entity reference, with a
 * default kind and the default namespace. Throws InputError naming the input
 * when it is not a valid reference.
 */
export function canonicalEntityRef(
  input: string | { kind: string; namespace?: string; name: string },
  options: { defaultKind?: string; what?: string } = {},
): string {
  try {
    const parsed =
      typeof input === 'string'
        ? parseEntityRef(input, {
            defaultKind: options.defaultKind,
            defaultNamespace: 'default',
          })
        : { ...input, namespace: input.namespace ?? 'default' };
    return normalizeRef(stringifyEntityRef(parsed));
  } catch (e) {
    const shown =
      typeof input === 'string' ? input : `${input.kind}:${input.name}`;
    throw new InputError(
      `Invalid ${options.what ?? 'entity reference'} "${shown.slice(
        0,
        200,
      )}": ${(e as Error).message}`,
    );
  }
}
