import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { complianceApiRef } from '../../api';
import { CompliancePage } from './CompliancePage';
import { controls, makeOverview, status } from '../../__testUtils__/fixtures';

describe('CompliancePage', () => {
  it('renders the overview under a page header', async () => {
    await renderInTestApp(<CompliancePage />, {
      apis: [
        [
          complianceApiRef,
          {
            getControls: async () => controls,
            getStatus: async () => status,
            getOverview: async () => makeOverview(1, 25, 3),
          },
        ],
      ],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });
    expect(
      screen.getByRole('heading', { name: 'Compliance', level: 1 }),
    ).toBeInTheDocument();
    expect(
      await screen.findAllByTestId('compliance-overview-row'),
    ).toHaveLength(3);
  });
});
