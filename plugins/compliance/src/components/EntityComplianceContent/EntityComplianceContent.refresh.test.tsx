import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { complianceApiRef } from '../../api';
import insightAnswer from '../../__fixtures__/insight.response.json';
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

// usePermission caches answers per permission for the module, so the
// "allowed" cases live in this file and the "denied" case in the main one.
registerMswTestHooks(server);

describe('EntityComplianceContent refresh (allowed)', () => {
  let refreshed: boolean;
  let alertApi: ReturnType<typeof mockApis.alert>;

  beforeEach(() => {
    refreshed = false;
    alertApi = mockApis.alert();
    server.use(
      http.get(entityPath, () =>
        HttpResponse.json(
          refreshed
            ? makeSummary({ score: 95, level: { id: 'gold', title: 'Gold' } })
            : makeSummary(),
        ),
      ),
      http.get(`${entityPath}/results`, () =>
        HttpResponse.json({ items: results }),
      ),
      http.get(`${entityPath}/history`, () =>
        HttpResponse.json(makeHistory(90)),
      ),
      http.get(`${entityPath}/insight`, () => HttpResponse.json(insightAnswer)),
      http.get(`${entityPath}/facts`, () =>
        HttpResponse.json({ items: ciFacts }),
      ),
    );
  });

  async function renderTab() {
    return renderInTestApp(
      <EntityProvider entity={entity}>
        <EntityComplianceContent />
      </EntityProvider>,
      {
        apis: [
          [complianceApiRef, createTestClient()],
          alertApi,
          mockApis.permission({ authorize: AuthorizeResult.ALLOW }),
        ],
      },
    );
  }

  it('refreshes and shows the new result', async () => {
    let resolve: () => void = () => {};
    const gate = new Promise<void>(r => {
      resolve = r;
    });
    server.use(
      http.post(`${entityPath}/refresh`, async () => {
        await gate;
        refreshed = true;
        return HttpResponse.json(
          makeSummary({ score: 95, level: { id: 'gold', title: 'Gold' } }),
        );
      }),
    );
    await renderTab();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Refresh' }),
    );
    expect(
      await screen.findByRole('button', { name: 'Refreshing…' }),
    ).toBeDisabled();
    resolve();
    await waitFor(() =>
      expect(screen.getByRole('meter', { name: 'Score' })).toHaveAttribute(
        'aria-valuenow',
        '95',
      ),
    );
    expect(
      within(screen.getByTestId('compliance-level')).getByText('Gold'),
    ).toBeInTheDocument();
    expect(alertApi.getAlerts()).toContainEqual(
      expect.objectContaining({
        severity: 'success',
        message: 'Compliance data refreshed',
      }),
    );
  });

  it('reports a denied refresh from the backend', async () => {
    server.use(
      http.post(`${entityPath}/refresh`, () =>
        HttpResponse.json(
          { error: { name: 'NotAllowedError', message: 'denied' } },
          { status: 403 },
        ),
      ),
    );
    await renderTab();
    await userEvent.click(
      await screen.findByRole('button', { name: 'Refresh' }),
    );
    await alertApi.waitForAlert(
      a =>
        a.severity === 'error' &&
        a.message === 'You are not allowed to refresh this entity',
    );
    expect(screen.getByRole('meter', { name: 'Score' })).toHaveAttribute(
      'aria-valuenow',
      '73',
    );
  });
});
