import { render, screen, waitFor } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { TrendChart, DistributionChart, DurationChart } from './Charts';
import { ScoreTrendChart } from './LazyCharts';
import { makeHistory } from '../../__testUtils__/fixtures';

describe('Charts', () => {
  it('render without crashing in a zero-size container', () => {
    const { container } = render(
      <>
        <TrendChart points={makeHistory(10).points} />
        <DurationChart
          series={[{ day: '2026-01-01', p50DurationSeconds: 10 }]}
        />
        <DistributionChart distribution={[{ bucket: '0-9', count: 1 }]} />
      </>,
    );
    expect(
      container.querySelectorAll('.recharts-responsive-container'),
    ).toHaveLength(3);
  });

  it('loads the chart lazily behind an accessible label', async () => {
    await renderInTestApp(
      <ScoreTrendChart points={makeHistory(5).points} label="Score trend" />,
    );
    const figure = screen.getByRole('img', { name: 'Score trend' });
    await waitFor(() =>
      expect(
        figure.querySelector('.recharts-responsive-container'),
      ).not.toBeNull(),
    );
  });
});
