import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { complianceEntityFilter } from '../lib';

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
    loader: () =>
      import('../components/EntityComplianceContent').then(m => (
        <m.EntityComplianceContent />
      )),
  },
});
