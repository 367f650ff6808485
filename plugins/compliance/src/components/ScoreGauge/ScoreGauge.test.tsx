import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { ScoreGauge } from './ScoreGauge';

describe('ScoreGauge', () => {
  it('exposes the rounded score as a meter', async () => {
    await renderInTestApp(<ScoreGauge score={81.6} />);
    const meter = screen.getByRole('meter', { name: 'Score' });
    expect(meter).toHaveAttribute('aria-valuenow', '82');
    expect(meter).toHaveAttribute('aria-valuetext', '82');
    expect(screen.getByText('82')).toBeInTheDocument();
  });

  it('shows n/a without a score', async () => {
    await renderInTestApp(<ScoreGauge score={null} />);
    const meter = screen.getByRole('meter', { name: 'Score' });
    expect(meter).not.toHaveAttribute('aria-valuenow');
    expect(meter).toHaveAttribute('aria-valuetext', 'n/a');
  });
});
