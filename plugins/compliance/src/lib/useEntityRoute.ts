import { useRouteRef } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { entityRouteRef } from '@backstage/plugin-catalog-react';

/**
 * A function from an entity ref to its catalog page, or `undefined` when
 * the app mounts no catalog entity page (or the ref does not parse).
 */
export function useEntityLink(): (entityRef: string) => string | undefined {
  let route:
    | ((params: { kind: string; namespace: string; name: string }) => string)
    | undefined;
  try {
    // Called on every render; the try only catches the "no path" throw of
    // an app without catalog entity pages.
    // eslint-disable-next-line react-hooks/rules-of-hooks
    route = useRouteRef(entityRouteRef);
  } catch {
    route = undefined;
  }
  return (entityRef: string) => {
    if (!route) return undefined;
    try {
      const ref = parseEntityRef(entityRef);
      return route({
        kind: ref.kind.toLocaleLowerCase('en-US'),
        namespace: ref.namespace.toLocaleLowerCase('en-US'),
        name: ref.name,
      });
    } catch {
      return undefined;
    }
  };
}
