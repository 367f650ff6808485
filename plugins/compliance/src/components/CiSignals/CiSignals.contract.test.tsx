import { screen, waitFor } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { Fact } from 'backstage-plugin-compliance-common';
import { complianceApiRef } from '../../api';
import { CiSignals } from './CiSignals';
import { entityRef } from '../../__testUtils__/fixtures';
// Written by the GitHub module's contract test from a replayed collector run.
import collected from '../../__fixtures__/ci-summary.collected.json';

// jsdom has no layout, so ResponsiveContainer would measure 0×0 and draw
// nothing: give the chart the size a browser would.
jest.mock('recharts', () => {
  const actual = jest.requireActual('recharts');
  const { cloneElement, createElement } = jest.requireActual('react');
  return {
    ...actual,
    ResponsiveContainer: ({ children }: { children: any }) =>
      createElement(
        'div',
        { className: 'recharts-responsive-container' },
        cloneElement(children, { width: 640, height: 180 }),
      ),
  };
});

const collectedFact: Fact = {
  entityRef,
  factId: 'github.ci.summary',
  collectorId: 'github',
  observedAt: '2025-06-15T12:00:00.000Z',
  evidence: { url: 'https://github.com/acme/payments/actions' },
  value: collected,
};

// The first render loads the lazy chart bundle: slow on a busy CI machine.
jest.setTimeout(30_000);

describe('CiSignals with the collector-written CI summary', () => {
  it('shows the head state and draws the duration series', async () => {
    await renderInTestApp(<CiSignals entityRef={entityRef} />, {
      apis: [
        [
          complianceApiRef,
          { getFacts: async () => ({ items: [collectedFact] }) },
        ],
      ],
    });

    expect(await screen.findByTestId('ci-latest')).toHaveTextContent('success');
    expect(screen.getByTestId('ci-pass-rate')).toHaveTextContent('71%');

    const days = collected.daily.filter(d => d.p50DurationSeconds !== null);
    expect(days.length).toBeGreaterThanOrEqual(2);
    const figure = screen.getByRole('img', {
      name: 'Median run duration per day',
    });
    await waitFor(() =>
      expect(figure.querySelectorAll('.recharts-bar-rectangle')).toHaveLength(
        days.length,
      ),
    );
  });

  it('lists every check with its statistics and the last failure link, and draws the outcomes', async () => {
    await renderInTestApp(<CiSignals entityRef={entityRef} />, {
      apis: [
        [
          complianceApiRef,
          { getFacts: async () => ({ items: [collectedFact] }) },
        ],
      ],
    });
    const rows = await screen.findAllByTestId('ci-check-row');
    expect(rows).toHaveLength(collected.checks.length);
    const jenkins = rows.find(r =>
      r.textContent?.includes('ci/jenkins: build'),
    )!;
    expect(jenkins).toHaveTextContent('check_run, status');
    expect(jenkins).toHaveTextContent('Tests failed: 3 of 412 (PaymentsIT)');
    expect(
      jenkins.querySelector(
        'a[href="https://jenkins.acme.example/job/payments/812/"]',
      ),
    ).not.toBeNull();
    expect(
      screen.getByRole('img', {
        name: 'Passed, failed and flaky runs per day',
      }),
    ).toBeInTheDocument();
  });

  it('shows runs pushed by any CI when GitHub has none', async () => {
    const pushed: Fact = {
      ...collectedFact,
      factId: 'ci.pushed.summary',
      collectorId: 'ci.pushed',
      value: { ...collected, sources: ['push'], passRate: 0.5 },
    };
    await renderInTestApp(<CiSignals entityRef={entityRef} />, {
      apis: [
        [
          complianceApiRef,
          {
            getFacts: async (_ref: string, q?: { prefix?: string }) => ({
              items: q?.prefix === 'ci.pushed' ? [pushed] : [],
            }),
          },
        ],
      ],
    });
    expect(await screen.findByTestId('ci-pass-rate')).toHaveTextContent('50%');
  });
});
