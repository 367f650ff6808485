import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  OrgCiResponse,
  orgCiResponseSchema,
} from 'backstage-plugin-compliance-common';
import { complianceApiRef } from '../../api';
import { OrgCiView } from './OrgCiView';

/** An answer of `GET /overview/ci`, checked against the shared schema. */
const answer: OrgCiResponse = orgCiResponseSchema.parse({
  entityCount: 6,
  entitiesWithCi: 5,
  truncated: false,
  flakiest: [
    {
      name: 'integration-tests',
      sources: ['push'],
      runs: 200,
      flaky: 18,
      flakyRate: 0.09,
      maxP95DurationSeconds: 600,
      entityCount: 4,
      entities: [
        {
          entityRef: 'component:default/payments',
          runs: 50,
          flakyRate: 0.2,
          p95DurationSeconds: 600,
        },
        {
          entityRef: 'component:shop/cart',
          runs: 50,
          flakyRate: 0.1,
          p95DurationSeconds: 300,
        },
        {
          entityRef: 'component:default/search',
          runs: 50,
          flakyRate: 0.04,
          p95DurationSeconds: 300,
        },
        {
          entityRef: 'component:default/web',
          runs: 50,
          flakyRate: 0.02,
          p95DurationSeconds: 300,
        },
      ],
    },
  ],
  slowest: [
    {
      name: 'e2e',
      sources: ['check_run'],
      runs: 40,
      flaky: 0,
      flakyRate: 0,
      maxP95DurationSeconds: 1850,
      entityCount: 1,
      entities: [
        {
          entityRef: 'component:default/web',
          runs: 40,
          flakyRate: 0,
          p95DurationSeconds: 1850,
        },
      ],
    },
  ],
});

describe('OrgCiView', () => {
  it('lists the flakiest and slowest checks with links to the entities they affect', async () => {
    const getOrgCi = jest.fn(async () => answer);
    await renderInTestApp(
      <OrgCiView
        query={{ owner: 'group:default/team-a', kind: 'component' }}
      />,
      {
        apis: [[complianceApiRef, { getOrgCi } as never]],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    const flaky = await screen.findByRole('table', { name: 'Flakiest checks' });
    const row = within(flaky).getByTestId('compliance-org-ci-check');
    expect(row).toHaveTextContent('integration-tests');
    expect(row).toHaveTextContent('9%');
    expect(within(row).getByRole('link', { name: 'payments' })).toHaveAttribute(
      'href',
      '/catalog/default/component/payments',
    );
    expect(
      within(row).getByRole('link', { name: 'shop/cart' }),
    ).toHaveAttribute('href', '/catalog/shop/component/cart');
    expect(row).toHaveTextContent('and 1 more');
    const slow = screen.getByRole('table', { name: 'Slowest checks' });
    expect(slow).toHaveTextContent('e2e');
    expect(slow).toHaveTextContent('30m 50s');
    expect(
      screen.getByText('5 of 6 entities have CI data.'),
    ).toBeInTheDocument();
    expect(getOrgCi).toHaveBeenCalledWith(
      expect.objectContaining({
        owner: 'group:default/team-a',
        kind: 'component',
        limit: 5,
      }),
    );
  });

  it('says when the filtered entities have no CI data', async () => {
    await renderInTestApp(<OrgCiView />, {
      apis: [
        [
          complianceApiRef,
          {
            getOrgCi: async () => ({
              ...answer,
              entitiesWithCi: 0,
              flakiest: [],
              slowest: [],
            }),
          } as never,
        ],
      ],
    });
    expect(
      await screen.findByText('No CI data for these entities yet.'),
    ).toBeInTheDocument();
  });
});
