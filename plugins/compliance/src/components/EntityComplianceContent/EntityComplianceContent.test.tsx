import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { axe } from 'jest-axe';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { complianceApiRef } from '../../api';
import { EntityComplianceContent } from '.';
import {
  ciFacts,
  entity,
  makeHistory,
  makeSummary,
  results,
} from '../../__testUtils__/fixtures';
import {
  createTestClient,
  entityPath,
  http,
  HttpResponse,
  server,
} from '../../__testUtils__/server';

import insightAnswer from '../../__fixtures__/insight.response.json';

registerMswTestHooks(server);

function useHandlers(overrides: Parameters<typeof server.use> = []) {
  server.use(
    ...overrides,
    http.get(entityPath, () => HttpResponse.json(makeSummary())),
    http.get(`${entityPath}/results`, () =>
      HttpResponse.json({ items: results }),
    ),
    http.get(`${entityPath}/history`, ({ request }) => {
      const days = Number(new URL(request.url).searchParams.get('days') ?? 90);
      return HttpResponse.json(makeHistory(days));
    }),
    http.get(`${entityPath}/facts`, () =>
      HttpResponse.json({ items: ciFacts }),
    ),
    http.get(`${entityPath}/insight`, () => HttpResponse.json(insightAnswer)),
  );
}

async function renderTab(
  authorize:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY = AuthorizeResult.DENY,
) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityComplianceContent />
    </EntityProvider>,
    {
      apis: [
        [complianceApiRef, createTestClient()],
        mockApis.permission({ authorize }),
      ],
    },
  );
}

describe('EntityComplianceContent', () => {
  it('shows progress while loading, the trend requested in parallel', async () => {
    const requested: string[] = [];
    server.events.on('request:start', ({ request }) => {
      requested.push(new URL(request.url).pathname.split('/').pop()!);
    });
    useHandlers([http.get(entityPath, () => new Promise(() => {}))]);
    await renderTab();
    await waitFor(
      () =>
        expect(
          document.querySelector('[aria-label="Loading compliance data"]'),
        ).toBeInTheDocument(),
      { timeout: 5000 },
    );
    // Summary, results and the year of history are asked for at once; the
    // CI and insight sections wait until the controls are shown.
    await waitFor(() =>
      expect(requested).toEqual(
        expect.arrayContaining(['payments-api', 'results', 'history']),
      ),
    );
    expect(requested).not.toContain('facts');
    expect(requested).not.toContain('insight');
    server.events.removeAllListeners();
  });

  it('shows the controls before the trend, then the trend without asking again', async () => {
    let historyRequests = 0;
    useHandlers([
      http.get(`${entityPath}/history`, () => {
        historyRequests += 1;
        return HttpResponse.json(makeHistory(365));
      }),
    ]);
    await renderTab();
    expect(await screen.findAllByTestId('compliance-control')).not.toHaveLength(
      0,
    );
    expect(
      await screen.findByTestId('compliance-trend', undefined, {
        timeout: 8000,
      }),
    ).toHaveAttribute('data-points', '90');
    expect(historyRequests).toBe(1);
  });

  it('shows the score, level, coverage, frameworks and controls', async () => {
    useHandlers();
    await renderTab();
    const meter = await screen.findByRole('meter', { name: 'Score' });
    expect(meter).toHaveAttribute('aria-valuenow', '73');
    expect(screen.getByTestId('compliance-level')).toHaveTextContent('Bronze');
    expect(screen.getByTestId('compliance-coverage')).toHaveTextContent(
      'Coverage: 80%',
    );
    expect(screen.getByTestId('compliance-next-level')).toHaveTextContent(
      'Next level: Silver — needs 1 control(s) to pass: Branch protection enabled',
    );
    expect(
      screen.getAllByTestId('compliance-framework').map(e => e.textContent),
    ).toEqual([
      expect.stringContaining('SOC 2'),
      expect.stringContaining('ISO 27001'),
      expect.stringContaining('OpenSSF Scorecard'),
    ]);
    expect(screen.getAllByTestId('compliance-control')).toHaveLength(4);
    expect(
      screen.getByRole('heading', { name: 'security' }),
    ).toBeInTheDocument();
    expect(screen.getByTestId('compliance-why')).toHaveTextContent(
      '1 controls need GitHub access · How to fix',
    );
    expect(screen.queryByTestId('compliance-headline')).not.toBeInTheDocument();
    expect(screen.queryByText('Stale')).not.toBeInTheDocument();
  });

  it('says "not enough evidence" below the minimum coverage, score greyed', async () => {
    useHandlers([
      http.get(entityPath, () =>
        HttpResponse.json(
          makeSummary({
            score: 100,
            coverage: 0.18,
            level: { id: 'gold', title: 'Gold' },
          }),
        ),
      ),
    ]);
    const { container } = await renderTab();
    const meter = await screen.findByRole('meter', { name: 'Score' });
    expect(meter).toHaveAttribute(
      'aria-valuetext',
      'Not enough evidence: Score 100 on 18% coverage',
    );
    expect(screen.getByTestId('compliance-headline')).toHaveTextContent(
      'Not enough evidence',
    );
    expect(screen.getByTestId('compliance-headline')).toHaveTextContent(
      'Only 18% of the weighted controls are known (at least 50% needed for a reliable score)',
    );
    await screen.findByTestId('compliance-trend');
    expect(await axe(container)).toHaveNoViolations();
  });

  it('has no axe violations', async () => {
    useHandlers();
    const { container } = await renderTab(AuthorizeResult.ALLOW);
    await screen.findByRole('meter', { name: 'Score' });
    await screen.findByTestId('compliance-trend');
    expect(await axe(container)).toHaveNoViolations();
  });

  it('expands a control to its evidence and remediation', async () => {
    useHandlers();
    await renderTab();
    await userEvent.click(
      await screen.findByRole('button', { name: /Branch protection enabled/ }),
    );
    const details = await screen.findByText('Enable branch-protection');
    expect(details).toBeInTheDocument();
    expect(screen.getByText('github.branch-protection')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /GET \/repos\/acme\/payments/ }),
    ).toHaveAttribute('href', 'https://github.com/acme/payments');
    expect(
      screen.getByRole('link', { name: /Learn more/ }),
    ).toBeInTheDocument();
  });

  it('filters to failing controls only', async () => {
    useHandlers();
    await renderTab();
    await screen.findAllByTestId('compliance-control');
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Failing only' }),
    );
    const items = screen.getAllByTestId('compliance-control');
    expect(items).toHaveLength(1);
    expect(items[0]).toHaveTextContent('Branch protection enabled');
  });

  it('shows a stale badge when data is old', async () => {
    useHandlers([
      http.get(entityPath, () =>
        HttpResponse.json(
          makeSummary({
            evaluatedAt: new Date(Date.now() - 3 * 86400_000).toISOString(),
          }),
        ),
      ),
    ]);
    await renderTab();
    expect(await screen.findByText('Stale')).toBeInTheDocument();
  });

  it('shows the trend, CI signals and the AI insight', async () => {
    useHandlers();
    await renderTab();
    const trend = await screen.findByTestId('compliance-trend', undefined, {
      timeout: 8000,
    });
    expect(trend).toHaveAttribute('data-points', '90');
    await userEvent.click(screen.getByRole('button', { name: '1 year' }));
    await waitFor(() =>
      expect(screen.getByTestId('compliance-trend')).toHaveAttribute(
        'data-points',
        '365',
      ),
    );
    expect(screen.getByRole('button', { name: '1 year' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    expect(await screen.findByTestId('ci-pass-rate')).toHaveTextContent('93%');
    expect(await screen.findByText('Source: rules')).toBeInTheDocument();
  });

  it('shows an empty state when the entity has not been evaluated', async () => {
    useHandlers([
      http.get(entityPath, () =>
        HttpResponse.json(
          { error: { name: 'NotFoundError', message: 'nope' } },
          { status: 404 },
        ),
      ),
    ]);
    await renderTab();
    expect(
      await screen.findByText('No compliance data yet'),
    ).toBeInTheDocument();
  });

  it('shows an error panel when the API fails', async () => {
    useHandlers([
      http.get(`${entityPath}/results`, () =>
        HttpResponse.json(
          { error: { name: 'Error', message: 'database is down' } },
          { status: 500 },
        ),
      ),
    ]);
    await renderTab();
    expect(await screen.findByText(/database is down/)).toBeInTheDocument();
  });

  it('hides the refresh button when the user may not refresh', async () => {
    useHandlers();
    await renderTab(AuthorizeResult.DENY);
    await screen.findByRole('meter', { name: 'Score' });
    expect(
      screen.queryByRole('button', { name: 'Refresh' }),
    ).not.toBeInTheDocument();
  });
});
