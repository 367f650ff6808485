import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { complianceEntityFilter } from '../lib';
import { EntityComplianceTab } from './EntityComplianceTab';

/**
 * The Compliance tab of entity pages (`entity-content:compliance/report`),
 * shown for every evaluated kind (component, API, resource, system) unless
 * the entity opts out.
 *
 * @alpha
 */
export const complianceEntityContent = EntityContentBlueprint.make({
  name: 'report',
  params: {
    path: 'compliance',
    title: 'Compliance',
    filter: complianceEntityFilter,
    // The tab's shell is not lazy: it starts the data requests while the
    // view's code loads (measured with `yarn bench:ui`).
    loader: async () => <EntityComplianceTab />,
  },
});
