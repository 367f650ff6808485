import { createRouteRef, type RouteRef } from '@backstage/core-plugin-api';

/**
 * Route of the compliance overview page.
 *
 * @public
 */
export const rootRouteRef: RouteRef<undefined> = createRouteRef({
  id: 'compliance',
});
