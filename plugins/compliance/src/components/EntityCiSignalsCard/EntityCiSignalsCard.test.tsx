import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { complianceApiRef } from '../../api';
import { EntityCiSignalsCard } from './EntityCiSignalsCard';
import { ciFacts, entity } from '../../__testUtils__/fixtures';

describe('EntityCiSignalsCard', () => {
  it('shows CI signals of the entity without the chart', async () => {
    const getFacts = jest.fn(async () => ({ items: ciFacts }));
    await renderInTestApp(
      <EntityProvider entity={entity}>
        <EntityCiSignalsCard />
      </EntityProvider>,
      { apis: [[complianceApiRef, { getFacts }]] },
    );
    expect(screen.getByText('CI signals')).toBeInTheDocument();
    expect(await screen.findByTestId('ci-pass-rate')).toHaveTextContent('93%');
    expect(
      screen.queryByRole('img', { name: 'Median run duration per day' }),
    ).not.toBeInTheDocument();
    expect(getFacts).toHaveBeenCalledWith('component:default/payments-api', {
      prefix: 'github.ci',
    });
  });

  it('shows an empty message without data', async () => {
    await renderInTestApp(
      <EntityProvider entity={entity}>
        <EntityCiSignalsCard />
      </EntityProvider>,
      { apis: [[complianceApiRef, { getFacts: async () => ({ items: [] }) }]] },
    );
    expect(await screen.findByText('No CI data yet')).toBeInTheDocument();
  });
});
