import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router-dom';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { complianceApiRef } from '../../api';
import { ScoreTrend } from './ScoreTrend';
import { entityRef, makeHistory } from '../../__testUtils__/fixtures';

/** The page's query string, as a reload or a shared link would carry it. */
function Search() {
  return <output data-testid="search">{useLocation().search}</output>;
}

describe('ScoreTrend', () => {
  it('loads a year once, shows the selected range and lists status changes', async () => {
    const getHistory = jest.fn(async (_ref: unknown, q?: { days?: number }) =>
      makeHistory(q?.days ?? 90),
    );
    await renderInTestApp(<ScoreTrend entityRef={entityRef} />, {
      apis: [[complianceApiRef, { getHistory }]],
    });
    expect(await screen.findByTestId('compliance-trend')).toHaveAttribute(
      'data-points',
      '90',
    );
    expect(
      screen.getByRole('img', { name: /Score over the last 90 days/ }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Branch protection was disabled/),
    ).toBeInTheDocument();
    expect(screen.getByText(/data changed/)).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: '30 days' }));
    await waitFor(() =>
      expect(screen.getByTestId('compliance-trend')).toHaveAttribute(
        'data-points',
        '30',
      ),
    );
    // The range is cut from the year already loaded: no second request.
    expect(getHistory).toHaveBeenCalledTimes(1);
    expect(getHistory).toHaveBeenCalledWith(entityRef, { days: 365 });
    await userEvent.click(screen.getByRole('button', { name: '1 year' }));
    await waitFor(() =>
      expect(screen.getByTestId('compliance-trend')).toHaveAttribute(
        'data-points',
        '365',
      ),
    );
  });

  it('keeps the selected range in the URL, so a reload or a shared link shows it', async () => {
    const getHistory = jest.fn(async () => makeHistory(365));
    await renderInTestApp(
      <>
        <ScoreTrend entityRef={entityRef} />
        <Search />
      </>,
      {
        apis: [[complianceApiRef, { getHistory }]],
        initialRouteEntries: ['/?trend=30&other=kept'],
      },
    );
    expect(await screen.findByTestId('compliance-trend')).toHaveAttribute(
      'data-points',
      '30',
    );
    expect(screen.getByRole('button', { name: '30 days' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    await userEvent.click(screen.getByRole('button', { name: '1 year' }));
    await waitFor(() =>
      expect(screen.getByTestId('compliance-trend')).toHaveAttribute(
        'data-points',
        '365',
      ),
    );
    expect(screen.getByTestId('search')).toHaveTextContent(
      '?trend=365&other=kept',
    );
    // The default range leaves the URL as it was without one.
    await userEvent.click(screen.getByRole('button', { name: '90 days' }));
    await waitFor(() =>
      expect(screen.getByTestId('search')).toHaveTextContent('?other=kept'),
    );
    expect(screen.getByTestId('compliance-trend')).toHaveAttribute(
      'data-points',
      '90',
    );
  });

  it('shows the default range when the URL asks for one it does not offer', async () => {
    await renderInTestApp(<ScoreTrend entityRef={entityRef} />, {
      apis: [[complianceApiRef, { getHistory: async () => makeHistory(365) }]],
      initialRouteEntries: ['/?trend=7'],
    });
    expect(await screen.findByTestId('compliance-trend')).toHaveAttribute(
      'data-points',
      '90',
    );
  });

  it('shows that a template created the entity at a level, with the run link', async () => {
    const getHistory = jest.fn(async () => ({
      ...makeHistory(30),
      creations: [
        {
          entityRef: 'component:default/payments-api',
          level: 'gold',
          templateRef: 'template:default/example-nodejs-template',
          taskId: 't1',
          runUrl: 'https://backstage.example.com/create/tasks/t1',
          recordedBy: 'user:default/guest',
          createdAt: '2026-12-14T10:00:00.000Z',
        },
      ],
    }));
    await renderInTestApp(<ScoreTrend entityRef={entityRef} />, {
      apis: [[complianceApiRef, { getHistory }]],
    });
    expect(
      await screen.findByText(
        /Created at level gold by template:default\/example-nodejs-template/,
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /template run/ })).toHaveAttribute(
      'href',
      'https://backstage.example.com/create/tasks/t1',
    );
  });

  it('shows an empty message without history', async () => {
    await renderInTestApp(<ScoreTrend entityRef={entityRef} />, {
      apis: [
        [
          complianceApiRef,
          { getHistory: async () => ({ entityRef, points: [], changes: [] }) },
        ],
      ],
    });
    expect(await screen.findByText('No history yet')).toBeInTheDocument();
  });

  it('shows an error', async () => {
    await renderInTestApp(<ScoreTrend entityRef={entityRef} />, {
      apis: [
        [
          complianceApiRef,
          { getHistory: async () => Promise.reject(new Error('boom')) },
        ],
      ],
    });
    expect(await screen.findByText('Error: boom')).toBeInTheDocument();
  });
});
