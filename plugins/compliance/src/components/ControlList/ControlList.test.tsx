import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { ControlList } from './ControlList';
import { makeResult, results } from '../../__testUtils__/fixtures';

describe('ControlList', () => {
  it('groups controls by category, failing first', async () => {
    await renderInTestApp(<ControlList results={results} />);
    const headings = screen
      .getAllByRole('heading', { level: 3 })
      .map(h => h.textContent);
    expect(headings).toEqual(['security', 'source']);
    const titles = screen
      .getAllByTestId('compliance-control')
      .map(e => e.querySelector('[data-status]')?.getAttribute('data-status'));
    expect(titles).toEqual(['unknown', 'pass', 'fail', 'warn', 'pass']);
    expect(
      screen.getByText('2 passing, 1 failing, 1 warning, 1 unknown'),
    ).toBeInTheDocument();
  });

  it('filters to failing controls and says when none fail', async () => {
    await renderInTestApp(
      <ControlList results={results.filter(r => r.status !== 'fail')} />,
    );
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Failing only' }),
    );
    expect(screen.queryAllByTestId('compliance-control')).toHaveLength(0);
    expect(screen.getByText('No failing controls')).toBeInTheDocument();
  });

  it.each([
    ['no_repo', 'no repository linked to this entity'],
    ['no_credentials', 'no GitHub credentials configured'],
    ['insufficient_permission', 'insufficient permission to read this data'],
    ['feature_unavailable', 'feature not available on this plan or host'],
    ['rate_limited', 'rate limited, will retry on the next run'],
    ['error', 'the collector failed to read this data'],
    ['not_collected', 'not collected yet'],
  ] as const)('explains the unknown reason %s', async (reason, text) => {
    await renderInTestApp(
      <ControlList
        results={[makeResult('x', 'unknown', { unknownReason: reason })]}
      />,
    );
    expect(screen.getByText(`Unknown: ${text}`)).toBeInTheDocument();
  });

  it('shows an empty message without controls', async () => {
    await renderInTestApp(<ControlList results={[]} />);
    expect(
      screen.getByText('No controls apply to this entity'),
    ).toBeInTheDocument();
  });

  it('is keyboard operable', async () => {
    await renderInTestApp(<ControlList results={results} />);
    const header = screen.getByRole('button', {
      name: /Branch protection enabled/,
    });
    header.focus();
    await userEvent.keyboard('{Enter}');
    expect(header).toHaveAttribute('aria-expanded', 'true');
    expect(
      await screen.findByText('Enable branch-protection'),
    ).toBeInTheDocument();
  });
});
