import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import VerifiedUserIcon from '@material-ui/icons/VerifiedUser';
import { rootRouteRef } from './routes';
import {
  complianceApi,
  complianceGovernanceApi,
  complianceCiSignalsCard,
  complianceEntityContent,
  compliancePage,
  complianceScoreCard,
} from './alpha/index';

/**
 * The compliance plugin for the new frontend system: `api:compliance`,
 * `page:compliance`, `entity-content:compliance/report`,
 * `entity-card:compliance/score` and `entity-card:compliance/ci-signals`.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'compliance',
  title: 'Compliance',
  icon: <VerifiedUserIcon fontSize="inherit" />,
  info: { packageJson: () => import('../package.json') },
  routes: { root: rootRouteRef },
  extensions: [
    complianceApi,
    complianceGovernanceApi,
    compliancePage,
    complianceEntityContent,
    complianceScoreCard,
    complianceCiSignalsCard,
  ],
});

export * from './alpha/index';
export { complianceTranslationRef } from './translation';
