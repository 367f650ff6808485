import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { complianceApiRef } from '../../api';
import { CiSignals } from './CiSignals';
import { ciFacts, entityRef } from '../../__testUtils__/fixtures';

function renderWith(
  getFacts: () => Promise<unknown>,
  variant?: 'full' | 'compact',
) {
  return renderInTestApp(
    <CiSignals entityRef={entityRef} variant={variant} />,
    {
      apis: [[complianceApiRef, { getFacts: getFacts as never }]],
    },
  );
}

describe('CiSignals', () => {
  it('shows progress while loading', async () => {
    await renderWith(() => new Promise(() => {}));
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows the CI summary', async () => {
    await renderWith(async () => ({ items: ciFacts }));
    expect(await screen.findByTestId('ci-latest')).toHaveTextContent('success');
    expect(screen.getByTestId('ci-pass-rate')).toHaveTextContent('93%');
    expect(screen.getByText('4%')).toBeInTheDocument();
    expect(screen.getByText('5m 12s')).toBeInTheDocument();
    expect(screen.getByText('integration-tests')).toBeInTheDocument();
    expect(
      screen.getByRole('img', { name: 'Median run duration per day' }),
    ).toBeInTheDocument();
  });

  it('shows the empty state without a CI summary', async () => {
    await renderWith(async () => ({ items: [] }));
    expect(await screen.findByText('No CI data yet')).toBeInTheDocument();
  });

  it('ignores a malformed summary', async () => {
    await renderWith(
      async () => ({ items: [{ ...ciFacts[0], value: 'garbage' }] }),
      'compact',
    );
    expect(await screen.findByText('No CI data yet')).toBeInTheDocument();
  });

  it('shows an error', async () => {
    await renderWith(async () => Promise.reject(new Error('facts failed')));
    expect(await screen.findByText('Error: facts failed')).toBeInTheDocument();
  });
});
