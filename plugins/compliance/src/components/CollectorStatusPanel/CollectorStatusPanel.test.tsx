import { screen, waitFor } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { complianceApiRef } from '../../api';
import { CollectorStatusPanel } from './CollectorStatusPanel';
import { status } from '../../__testUtils__/fixtures';

describe('CollectorStatusPanel', () => {
  it('shows the last run of each collector', async () => {
    await renderInTestApp(<CollectorStatusPanel />, {
      apis: [[complianceApiRef, { getStatus: async () => status }]],
    });
    const row = await screen.findByTestId('compliance-collector');
    expect(row).toHaveTextContent('GitHub repository');
    expect(row).toHaveTextContent('1m 5s');
    expect(row).toHaveTextContent('42');
    expect(row).toHaveTextContent('318');
  });

  it('shows progress and polls while a run is under way', async () => {
    const running = {
      ...status,
      collectors: [{ ...status.collectors[0], running: true }],
    };
    const getStatus = jest
      .fn()
      .mockResolvedValueOnce(running)
      .mockResolvedValue(status);
    await renderInTestApp(<CollectorStatusPanel pollIntervalMs={10} />, {
      apis: [[complianceApiRef, { getStatus }]],
    });
    expect(
      await screen.findByRole('progressbar', { name: /Running/ }),
    ).toBeInTheDocument();
    await waitFor(() => expect(getStatus).toHaveBeenCalledTimes(2));
    await waitFor(() =>
      expect(
        screen.queryByRole('progressbar', { name: /Running/ }),
      ).not.toBeInTheDocument(),
    );
  });

  it('says when the status is not available to the user', async () => {
    const forbidden = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({ error: { name: 'NotAllowedError', message: 'no' } }),
        {
          status: 403,
          headers: { 'content-type': 'application/json' },
        },
      ),
    );
    await renderInTestApp(<CollectorStatusPanel />, {
      apis: [
        [
          complianceApiRef,
          { getStatus: async () => Promise.reject(forbidden) },
        ],
      ],
    });
    expect(
      await screen.findByText('Collector status is not available to you'),
    ).toBeInTheDocument();
  });
});
