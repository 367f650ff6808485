import { createRouteRef } from '@backstage/core-plugin-api';

/**
 * Route of the compliance overview page.
 *
 * @public
 */
export const rootRouteRef = createRouteRef({ id: 'compliance' });
