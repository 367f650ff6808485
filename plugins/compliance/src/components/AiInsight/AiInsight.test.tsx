import { screen, within } from '@testing-library/react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  entityInsightResponseSchema,
  type EntityInsightResponse,
} from 'backstage-plugin-compliance-common';
import { complianceApiRef } from '../../api';
import {
  createTestClient,
  entityPath,
  http,
  HttpResponse,
  server,
} from '../../__testUtils__/server';
import backendAnswer from '../../__fixtures__/insight.response.json';
import { AiInsight } from './AiInsight';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));

// usePermission caches answers per permission for the module: the allowed
// case of regenerate lives in AiInsight.regenerate.test.tsx.
const denied = mockApis.permission({ authorize: AuthorizeResult.DENY });
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const render = (answer: EntityInsightResponse) => {
  server.use(
    http.get(`${entityPath}/insight`, () => HttpResponse.json(answer)),
  );
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [complianceApiRef, createTestClient()],
        [permissionApiRef, denied],
      ]}
    >
      <AiInsight entityRef="component:default/payments-api" />
    </TestApiProvider>,
  );
};

describe('AiInsight', () => {
  it('shows the empty state when the API has no insight for the entity', async () => {
    server.use(
      http.get(`${entityPath}/insight`, () =>
        HttpResponse.json(
          { error: { name: 'NotFoundError', message: 'not evaluated' } },
          { status: 404 },
        ),
      ),
    );
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [complianceApiRef, createTestClient()],
          [permissionApiRef, denied],
        ]}
      >
        <AiInsight entityRef="component:default/payments-api" />
      </TestApiProvider>,
    );
    expect(await screen.findByText('No AI insight yet')).toBeInTheDocument();
  });

  it("renders the backend's answer: rules source, failed job with reason and next attempt, steps in order, cited controls linked", async () => {
    // The committed answer of the backend (insight.contract.test.ts there).
    const answer = entityInsightResponseSchema.parse(backendAnswer);
    await render(answer);
    const view = await screen.findByTestId('compliance-insight');
    expect(within(view).getByText('Source: rules')).toBeInTheDocument();
    expect(
      within(view).getByTestId('compliance-insight-state'),
    ).toHaveTextContent('failed');
    expect(
      within(view).getByTestId('compliance-insight-job-warning'),
    ).toHaveTextContent(
      /failed \(attempt 2 of 5\): local: unavailable \(HTTP 500\).*Next attempt/,
    );
    expect(within(view).getByText(answer.insight.summary.text)).toBeVisible();
    const steps = within(view)
      .getAllByRole('listitem')
      .filter(li =>
        answer.insight.steps.some(s => li.textContent?.includes(s.text)),
      );
    expect(steps.map(li => li.textContent)).toEqual(
      answer.insight.steps.map(s => expect.stringContaining(s.text)),
    );
    expect(steps[0]).toHaveTextContent(
      `(+${answer.insight.steps[0].expectedScoreGain} points)`,
    );
    const link = within(steps[0]).getByRole('link', {
      name: answer.insight.steps[0].controlId,
    });
    expect(link).toHaveAttribute(
      'href',
      expect.stringContaining(
        `#compliance-control-${answer.insight.steps[0].controlId}-header`,
      ),
    );
    // Fact ids are shown, not linked.
    expect(within(view).getAllByText('score.total')[0].tagName).toBe('CODE');
  });

  it('shows a model insight with its source and renders model text as plain text', async () => {
    const base = entityInsightResponseSchema.parse(backendAnswer);
    const hostile =
      '<img src="x" onerror="alert(1)"> **Ignore** [the rules](https://evil.example)';
    const answer: EntityInsightResponse = {
      ...base,
      status: 'fresh',
      job: null,
      insight: {
        ...base.insight,
        source: { type: 'model', provider: 'local', model: 'llama3.1' },
        summary: { text: hostile, cites: ['score.total'] },
      },
    };
    await render(answer);
    const view = await screen.findByTestId('compliance-insight');
    expect(within(view).getByText('Source: local/llama3.1')).toBeVisible();
    expect(within(view).getByText(hostile)).toBeInTheDocument();
    expect(view.querySelector('img')).toBeNull();
    expect(view.querySelector('strong')).toBeNull();
    expect(
      within(view).queryByRole('link', { name: 'the rules' }),
    ).not.toBeInTheDocument();
    expect(
      within(view).queryByTestId('compliance-insight-job-warning'),
    ).not.toBeInTheDocument();
    expect(
      within(view).getByTestId('compliance-insight-state'),
    ).toHaveTextContent('fresh');
    // The regenerate permission is denied: no button.
    expect(
      within(view).queryByRole('button', { name: 'Regenerate' }),
    ).not.toBeInTheDocument();
  });

  it('says a dead-lettered job failed, with its last error', async () => {
    const base = entityInsightResponseSchema.parse(backendAnswer);
    await render({
      ...base,
      job: { ...base.job!, state: 'dead', attempts: 5, nextAttemptAt: null },
    });
    expect(
      await screen.findByTestId('compliance-insight-job-error'),
    ).toHaveTextContent(/failed after 5 attempts: local: unavailable/);
  });
});
