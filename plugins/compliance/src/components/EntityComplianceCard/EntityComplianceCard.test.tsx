import { screen } from '@testing-library/react';
import { axe } from 'jest-axe';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import {
  entityRouteRef,
  EntityProvider,
} from '@backstage/plugin-catalog-react';
import { complianceApiRef } from '../../api';
import { EntityComplianceCard } from './EntityComplianceCard';
import {
  entity,
  makeResult,
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

registerMswTestHooks(server);

function renderCard() {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityComplianceCard maxFailing={2} />
    </EntityProvider>,
    {
      apis: [[complianceApiRef, createTestClient()]],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

describe('EntityComplianceCard', () => {
  it('shows progress while loading', async () => {
    server.use(http.get(entityPath, () => new Promise(() => {})));
    await renderCard();
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows score, level, top failing controls and a link to the tab', async () => {
    server.use(
      http.get(entityPath, () => HttpResponse.json(makeSummary())),
      http.get(`${entityPath}/results`, () =>
        HttpResponse.json({
          items: [
            ...results,
            makeResult('low-one', 'fail', {
              title: 'Low severity failure',
              severity: 'low',
              weight: 2.5,
            }),
            makeResult('mid-one', 'fail', {
              title: 'Medium severity failure',
              severity: 'medium',
              weight: 5,
            }),
          ],
        }),
      ),
    );
    await renderCard();
    expect(await screen.findByRole('meter', { name: 'Score' })).toHaveAttribute(
      'aria-valuenow',
      '73',
    );
    expect(screen.getByText('Bronze')).toBeInTheDocument();
    expect(screen.getByText('Branch protection enabled')).toBeInTheDocument();
    expect(screen.getByText('Medium severity failure')).toBeInTheDocument();
    expect(screen.queryByText('Low severity failure')).not.toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /View compliance details/ }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/payments-api/compliance',
    );
  });

  it('says "not enough evidence" and why below the minimum coverage, without axe violations', async () => {
    server.use(
      http.get(entityPath, () =>
        HttpResponse.json(makeSummary({ score: 100, coverage: 0.18 })),
      ),
      http.get(`${entityPath}/results`, () =>
        HttpResponse.json({
          items: [
            makeResult('ok', 'pass'),
            ...Array.from({ length: 31 }, (_, i) =>
              makeResult(`gh-${i}`, 'unknown', {
                unknownReason: 'no_credentials',
              }),
            ),
          ],
        }),
      ),
    );
    const { container } = await renderCard();
    expect(await screen.findByTestId('compliance-headline')).toHaveTextContent(
      'Not enough evidence',
    );
    expect(
      screen.getByText('31 controls need GitHub access'),
    ).toBeInTheDocument();
    expect(screen.getByRole('meter', { name: 'Score' })).toHaveAttribute(
      'aria-valuetext',
      'Not enough evidence: Score 100 on 18% coverage',
    );
    expect(await axe(container)).toHaveNoViolations();
  });

  it('says when nothing fails', async () => {
    server.use(
      http.get(entityPath, () => HttpResponse.json(makeSummary())),
      http.get(`${entityPath}/results`, () =>
        HttpResponse.json({ items: results.filter(r => r.status !== 'fail') }),
      ),
    );
    await renderCard();
    expect(await screen.findByText('No failing controls')).toBeInTheDocument();
  });

  it('shows an empty message for an entity not evaluated yet', async () => {
    server.use(
      http.get(entityPath, () =>
        HttpResponse.json({ error: { message: 'no' } }, { status: 404 }),
      ),
      http.get(`${entityPath}/results`, () => HttpResponse.json({ items: [] })),
    );
    await renderCard();
    expect(
      await screen.findByText('No compliance data yet'),
    ).toBeInTheDocument();
  });

  it('shows an error', async () => {
    server.use(
      http.get(entityPath, () =>
        HttpResponse.json(
          { error: { name: 'Error', message: 'backend exploded' } },
          { status: 500 },
        ),
      ),
      http.get(`${entityPath}/results`, () => HttpResponse.json({ items: [] })),
    );
    await renderCard();
    expect(await screen.findByText(/backend exploded/)).toBeInTheDocument();
  });
});
