import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { complianceEntityFilter } from '../lib';

/**
 * The compliance headline card (`entity-card:compliance/score`).
 *
 * @alpha
 */
export const complianceScoreCard = EntityCardBlueprint.make({
  name: 'score',
  params: {
    filter: complianceEntityFilter,
    loader: () =>
      import('../components/EntityComplianceCard').then(m => (
        <m.EntityComplianceCard />
      )),
  },
});

/**
 * The CI signals card (`entity-card:compliance/ci-signals`).
 *
 * @alpha
 */
export const complianceCiSignalsCard = EntityCardBlueprint.make({
  name: 'ci-signals',
  params: {
    filter: complianceEntityFilter,
    loader: () =>
      import('../components/EntityCiSignalsCard').then(m => (
        <m.EntityCiSignalsCard />
      )),
  },
});
