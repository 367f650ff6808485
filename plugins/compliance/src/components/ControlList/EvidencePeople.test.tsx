import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { personRefSchema } from 'backstage-plugin-compliance-common';
import { ControlList } from './ControlList';
import { makeResult, makeSummary } from '../../__testUtils__/fixtures';
import { EvidencePeople } from './EvidencePeople';

/** People as the backend's resolver answers them (parsed by the shared schema). */
const people = [
  {
    login: 'carol',
    userRef: 'user:default/carol',
    displayName: 'Carol Example',
  },
  { login: 'outsider' },
].map(p => personRefSchema.parse(p));

describe('EvidencePeople', () => {
  it('links catalog users to their entity page and leaves unmapped logins as text', async () => {
    const result = makeResult('changes', 'fail', { title: 'Change review' });
    result.evidence = [
      {
        factId: 'github.changes.offendingPullRequests',
        value: [{ number: 42, author: 'carol', reviewers: ['outsider'] }],
        people,
      },
    ];
    await renderInTestApp(
      <ControlList results={[result]} summary={makeSummary()} />,
      {
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    await userEvent.click(screen.getByText('Change review'));
    const shown = screen.getByTestId('compliance-evidence-people');
    expect(
      within(shown).getByRole('link', { name: 'Carol Example' }),
    ).toHaveAttribute('href', '/catalog/default/user/carol');
    expect(within(shown).getByText('@outsider')).toBeInTheDocument();
    expect(within(shown).queryByRole('link', { name: /outsider/ })).toBeNull();
  });

  it('renders logins as text when the app has no entity pages, and nothing invalid', async () => {
    await renderInTestApp(
      <EvidencePeople
        people={[...people, { login: '<img src=x onerror=alert(1)>' }]}
      />,
    );
    const shown = screen.getByTestId('compliance-evidence-people');
    expect(within(shown).queryAllByRole('link')).toHaveLength(0);
    expect(shown).toHaveTextContent('@carol, @outsider');
    expect(shown).not.toHaveTextContent('img');
  });
});
