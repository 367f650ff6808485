import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  entityInsightResponseSchema,
  type EntityInsightResponse,
} from 'backstage-plugin-compliance-common';
import { complianceApiRef } from '../../api';
import backendAnswer from '../../__fixtures__/insight.response.json';
import {
  createTestClient,
  entityPath,
  http,
  HttpResponse,
  server,
} from '../../__testUtils__/server';
import { AiInsight } from './AiInsight';

// usePermission caches answers per permission for the module, so the
// "allowed" cases live here and the "denied" case in AiInsight.test.tsx.
registerMswTestHooks(server);

const base = entityInsightResponseSchema.parse(backendAnswer);
const fresh: EntityInsightResponse = {
  ...base,
  status: 'fresh',
  job: null,
  providersConfigured: true,
  insight: {
    ...base.insight,
    source: { type: 'model', provider: 'local', model: 'llama3.1' },
  },
};

describe('AiInsight regenerate (allowed)', () => {
  let alertApi: ReturnType<typeof mockApis.alert>;
  beforeEach(() => {
    alertApi = mockApis.alert();
    server.use(
      http.get(`${entityPath}/insight`, () => HttpResponse.json(fresh)),
    );
  });

  const renderSection = () =>
    renderInTestApp(
      <AiInsight
        entityRef="component:default/payments-api"
        pollIntervalMs={50}
      />,
      {
        apis: [
          [complianceApiRef, createTestClient()],
          alertApi,
          mockApis.permission({ authorize: AuthorizeResult.ALLOW }),
        ],
      },
    );

  it('queues a new model insight, shows it as queued, and reloads until it is fresh', async () => {
    let posted = 0;
    let gets = 0;
    let done = false;
    const regenerated = {
      ...fresh,
      insight: {
        ...fresh.insight,
        summary: { text: 'The regenerated summary.', cites: ['score.total'] },
      },
    };
    server.use(
      http.get(`${entityPath}/insight`, () => {
        gets += 1;
        return HttpResponse.json(done ? regenerated : fresh);
      }),
      http.post(`${entityPath}/insight/regenerate`, () => {
        posted += 1;
        return HttpResponse.json(
          {
            ...fresh,
            job: {
              state: 'queued',
              attempts: 0,
              maxAttempts: 5,
              nextAttemptAt: null,
              lastError: null,
              createdAt: '2026-12-01T10:00:00.000Z',
              updatedAt: '2026-12-01T10:00:00.000Z',
            },
          },
          { status: 202 },
        );
      }),
    );
    await renderSection();
    const view = await screen.findByTestId('compliance-insight');
    expect(
      within(view).getByTestId('compliance-insight-state'),
    ).toHaveTextContent('fresh');
    await userEvent.click(
      within(view).getByRole('button', { name: 'Regenerate' }),
    );
    await waitFor(() =>
      expect(
        within(view).getByTestId('compliance-insight-state'),
      ).toHaveTextContent('queued'),
    );
    expect(posted).toBe(1);
    // While a job is pending the button is off: no second request.
    expect(
      within(view).getByRole('button', { name: 'Regenerate' }),
    ).toBeDisabled();
    expect(alertApi.getAlerts()).toContainEqual(
      expect.objectContaining({ message: 'A new insight is queued' }),
    );
    // The job finishes: the next reload shows the new insight, then stops.
    done = true;
    expect(
      await within(view).findByText('The regenerated summary.'),
    ).toBeVisible();
    expect(
      within(view).getByTestId('compliance-insight-state'),
    ).toHaveTextContent('fresh');
    const settled = gets;
    await new Promise(resolve => setTimeout(resolve, 200));
    expect(gets).toBe(settled);
  });

  it("reports the backend's refusal (cooldown) and keeps the insight", async () => {
    server.use(
      http.post(`${entityPath}/insight/regenerate`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'ConflictError',
              message:
                'A model was asked for the insight less than 10 minutes ago',
            },
          },
          { status: 409 },
        ),
      ),
    );
    await renderSection();
    const view = await screen.findByTestId('compliance-insight');
    await userEvent.click(
      within(view).getByRole('button', { name: 'Regenerate' }),
    );
    await alertApi.waitForAlert(
      a =>
        a.severity === 'error' &&
        a.message.startsWith('Could not regenerate the insight:') &&
        a.message.includes('less than 10 minutes ago'),
    );
    expect(within(view).getByText(fresh.insight.summary.text)).toBeVisible();
  });

  it('shows no button when no model provider is configured', async () => {
    server.use(
      http.get(`${entityPath}/insight`, () =>
        HttpResponse.json({ ...base, job: null, providersConfigured: false }),
      ),
    );
    await renderSection();
    const view = await screen.findByTestId('compliance-insight');
    expect(
      within(view).getByTestId('compliance-insight-state'),
    ).toHaveTextContent('rules-based');
    expect(
      within(view).queryByRole('button', { name: 'Regenerate' }),
    ).not.toBeInTheDocument();
  });
});
