import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { axe } from 'jest-axe';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { ControlList } from './ControlList';
import {
  makeResult,
  makeSummary,
  results,
} from '../../__testUtils__/fixtures';

describe('ControlList', () => {
  it('lists what to fix first, the unknowns grouped, then the rest by category', async () => {
    await renderInTestApp(
      <ControlList results={results} summary={makeSummary()} />,
    );
    const fixFirst = screen.getByTestId('compliance-fix-first');
    expect(
      within(fixFirst)
        .getAllByTestId('compliance-control')
        .map(e => e.querySelector('[data-status]')?.getAttribute('data-status')),
    ).toEqual(['fail', 'warn']);
    expect(within(fixFirst).getByText('Needed for Silver')).toBeInTheDocument();
    expect(screen.getByTestId('compliance-unknown-group')).toHaveTextContent(
      'No GitHub credentials',
    );
    const headings = screen
      .getAllByRole('heading', { level: 4 })
      .map(h => h.textContent);
    expect(headings).toEqual(['security', 'source']);
    expect(
      screen.getByText('2 passing, 1 failing, 1 warning, 1 unknown'),
    ).toBeInTheDocument();
  });

  it('orders fix-first by what the next level needs, then by score gain', async () => {
    const rs = [
      makeResult('small', 'fail', { title: 'Small fail', weight: 2.5 }),
      makeResult('big', 'fail', { title: 'Big fail', weight: 10 }),
      makeResult('half', 'warn', { title: 'Big warn', weight: 10 }),
      makeResult('level', 'warn', { title: 'Level warn', weight: 2.5 }),
    ];
    await renderInTestApp(
      <ControlList
        results={rs}
        summary={makeSummary({
          knownWeight: 25,
          nextLevel: { id: 's', title: 'Silver', missingControls: ['level'] },
        })}
      />,
    );
    expect(
      within(screen.getByTestId('compliance-fix-first'))
        .getAllByTestId('compliance-control')
        .map(e => e.querySelector('span.MuiTypography-root')?.textContent),
    ).toEqual(['Level warn', 'Big fail', 'Big warn', 'Small fail']);
    expect(screen.getByText('+40 points')).toBeInTheDocument();
  });

  it('collapses unknowns with one cause into one group with its fix', async () => {
    const rs = [
      ...Array.from({ length: 31 }, (_, i) =>
        makeResult(`gh-${i}`, 'unknown', { unknownReason: 'no_credentials' }),
      ),
      makeResult('perm', 'unknown', {
        unknownReason: 'insufficient_permission',
        reason: 'Cannot evaluate: GitHub answered 403 (needs administration=read)',
      }),
      makeResult('repo', 'unknown', { unknownReason: 'no_repo' }),
    ];
    await renderInTestApp(<ControlList results={rs} />);
    const groups = screen.getAllByTestId('compliance-unknown-group');
    expect(groups.map(g => g.getAttribute('data-code'))).toEqual([
      'no_credentials',
      'insufficient_permission',
      'no_repo',
    ]);
    expect(groups[0]).toHaveTextContent('31 controls');
    expect(groups[1]).toHaveTextContent(
      'Missing GitHub permission administration=read',
    );
    expect(screen.queryAllByTestId('compliance-control')).toHaveLength(0);
    await userEvent.click(
      within(groups[2]).getByRole('button', { name: /No repository/ }),
    );
    expect(
      await screen.findByText(
        'Add the annotation github.com/project-slug: <owner>/<repo> to this entity in catalog-info.yaml.',
      ),
    ).toBeInTheDocument();
  });

  it('shows how to check a failing control locally', async () => {
    await renderInTestApp(
      <ControlList
        results={[
          makeResult('p', 'fail', {
            title: 'Protected',
            source: 'GET /repos/{owner}/{repo}/branches/{branch}/protection',
          }),
        ]}
      />,
    );
    await userEvent.click(screen.getByRole('button', { name: /Protected/ }));
    expect(
      await screen.findByText(
        'gh api repos/{owner}/{repo}/branches/{branch}/protection',
      ),
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

  it('moves between controls with the arrow, Home and End keys', async () => {
    await renderInTestApp(
      <ControlList results={results} summary={makeSummary()} />,
    );
    const headers = Array.from(
      document.querySelectorAll<HTMLElement>('[data-control-nav]'),
    );
    expect(headers).toHaveLength(5);
    headers[0].focus();
    await userEvent.keyboard('{ArrowDown}');
    expect(headers[1]).toHaveFocus();
    await userEvent.keyboard('{ArrowDown}');
    expect(headers[2]).toHaveFocus(); // the unknown group
    await userEvent.keyboard('{End}');
    expect(headers[4]).toHaveFocus();
    await userEvent.keyboard('{ArrowDown}');
    expect(headers[4]).toHaveFocus();
    await userEvent.keyboard('{Home}');
    expect(headers[0]).toHaveFocus();
    await userEvent.keyboard('{ArrowUp}');
    expect(headers[0]).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    expect(headers[0]).toHaveAttribute('aria-expanded', 'true');
  });

  it('has no axe violations, expanded or not', async () => {
    const { container } = await renderInTestApp(
      <ControlList results={results} summary={makeSummary()} />,
    );
    expect(await axe(container)).toHaveNoViolations();
    await userEvent.click(
      screen.getByRole('button', { name: /Branch protection enabled/ }),
    );
    await screen.findByText('Enable branch-protection');
    expect(await axe(container)).toHaveNoViolations();
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
