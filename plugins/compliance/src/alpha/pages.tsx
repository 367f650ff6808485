import { PageBlueprint } from '@backstage/frontend-plugin-api';
import { Content } from '@backstage/core-components';
import VerifiedUserIcon from '@material-ui/icons/VerifiedUser';
import { rootRouteRef } from '../routes';

/**
 * The org compliance overview page (`page:compliance`) at `/compliance`, with
 * a nav item titled "Compliance".
 *
 * @alpha
 */
export const compliancePage = PageBlueprint.make({
  params: {
    path: '/compliance',
    title: 'Compliance',
    icon: <VerifiedUserIcon fontSize="inherit" />,
    routeRef: rootRouteRef,
    loader: () =>
      import('../components/ComplianceRoutes').then(m => (
        <Content>
          <m.ComplianceRoutes />
        </Content>
      )),
  },
});
