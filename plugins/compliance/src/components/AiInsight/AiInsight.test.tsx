import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { AiInsight } from './AiInsight';

describe('AiInsight', () => {
  it('shows the empty state without an insight', async () => {
    await renderInTestApp(<AiInsight />);
    expect(screen.getByText('No AI insight yet')).toBeInTheDocument();
  });

  it('links risks and steps to the controls they cite', async () => {
    await renderInTestApp(
      <AiInsight
        insight={{
          summary: 'Mostly fine.',
          risks: [
            {
              text: 'Unprotected main branch',
              controlIds: ['branch-protection'],
            },
          ],
          steps: [
            {
              text: 'Turn on secret scanning',
              controlIds: ['secret-scanning'],
            },
          ],
        }}
      />,
    );
    expect(screen.getByText('Mostly fine.')).toBeInTheDocument();
    expect(screen.getByText('Risks')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'branch-protection' }),
    ).toHaveAttribute(
      'href',
      expect.stringContaining('#compliance-control-branch-protection-header'),
    );
    expect(
      screen.getByRole('link', { name: 'secret-scanning' }),
    ).toBeInTheDocument();
  });
});
