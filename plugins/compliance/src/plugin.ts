import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import {
  ComplianceClient,
  ComplianceGovernanceClient,
} from 'backstage-plugin-compliance-common';
import { complianceApiRef, complianceGovernanceApiRef } from './api';
import { rootRouteRef } from './routes';
import type {
  ComplianceOverviewProps,
  EntityComplianceCardProps,
  EntityComplianceContentProps,
} from './components';

/**
 * The compliance frontend plugin for the legacy frontend system.
 *
 * @public
 */
export const compliancePlugin = createPlugin({
  id: 'compliance',
  apis: [
    createApiFactory({
      api: complianceApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ComplianceClient({ discoveryApi, fetchApi }),
    }),
    createApiFactory({
      api: complianceGovernanceApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ComplianceGovernanceClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
  },
});

/**
 * The org compliance overview page (legacy frontend system). Mount it on a
 * route, e.g. `<Route path="/compliance" element={<CompliancePage />} />`.
 *
 * @public
 */
export const CompliancePage: (props: ComplianceOverviewProps) => JSX.Element =
  compliancePlugin.provide(
    createRoutableExtension({
      name: 'CompliancePage',
      component: () =>
        import('./components/CompliancePage').then(m => m.CompliancePage),
      mountPoint: rootRouteRef,
    }),
  );

/**
 * The Compliance tab of an entity page (legacy frontend system), e.g.
 * `<EntityLayout.Route path="/compliance" title="Compliance" if={isComplianceAvailable}>`.
 *
 * @public
 */
export const EntityComplianceContent: (
  props: EntityComplianceContentProps,
) => JSX.Element = compliancePlugin.provide(
  createComponentExtension({
    name: 'EntityComplianceContent',
    component: {
      lazy: () =>
        import('./components/EntityComplianceContent').then(
          m => m.EntityComplianceContent,
        ),
    },
  }),
);

/**
 * The compliance headline card for an entity's overview tab (legacy frontend system).
 *
 * @public
 */
export const EntityComplianceCard: (
  props: EntityComplianceCardProps,
) => JSX.Element = compliancePlugin.provide(
  createComponentExtension({
    name: 'EntityComplianceCard',
    component: {
      lazy: () =>
        import('./components/EntityComplianceCard').then(
          m => m.EntityComplianceCard,
        ),
    },
  }),
);

/**
 * The CI signals card for an entity's overview tab (legacy frontend system).
 *
 * @public
 */
export const EntityCiSignalsCard: () => JSX.Element = compliancePlugin.provide(
  createComponentExtension({
    name: 'EntityCiSignalsCard',
    component: {
      lazy: () =>
        import('./components/EntityCiSignalsCard').then(
          m => m.EntityCiSignalsCard,
        ),
    },
  }),
);
