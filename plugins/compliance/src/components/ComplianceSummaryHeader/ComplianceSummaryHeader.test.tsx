import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  ComplianceSummaryHeader,
  isSummaryStale,
} from './ComplianceSummaryHeader';
import { makeSummary } from '../../__testUtils__/fixtures';

const daysAgo = (d: number) =>
  new Date(Date.now() - d * 86400_000).toISOString();

describe('ComplianceSummaryHeader', () => {
  it('shows no level, no score and never evaluated', async () => {
    await renderInTestApp(
      <ComplianceSummaryHeader
        summary={makeSummary({
          score: null,
          level: null,
          nextLevel: undefined,
          evaluatedAt: null,
          frameworks: {},
          collectedAt: {},
        })}
      />,
    );
    expect(screen.getByTestId('compliance-level')).toHaveTextContent(
      'No level',
    );
    expect(screen.getByText('Not evaluated yet')).toBeInTheDocument();
    expect(screen.queryByText('Frameworks')).not.toBeInTheDocument();
  });

  it('flags stale collector data', async () => {
    await renderInTestApp(
      <ComplianceSummaryHeader
        summary={makeSummary({ collectedAt: { github: daysAgo(3) } })}
        staleAfterHours={48}
        action={<button>act</button>}
      />,
    );
    expect(screen.getByText('Stale')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'act' })).toBeInTheDocument();
  });

  it('decides staleness from evaluation and collection times', () => {
    expect(isSummaryStale(makeSummary(), 24)).toBe(false);
    expect(isSummaryStale(makeSummary({ evaluatedAt: daysAgo(2) }), 24)).toBe(
      true,
    );
    expect(
      isSummaryStale(makeSummary({ collectedAt: { a: daysAgo(2) } }), 72),
    ).toBe(false);
  });
});
