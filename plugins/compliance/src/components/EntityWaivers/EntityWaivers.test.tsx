import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import type { ComplianceWaiver } from 'backstage-plugin-compliance-common';
import { complianceGovernanceApiRef } from '../../api';
import { EntityWaivers } from './EntityWaivers';
import { entityRef, results } from '../../__testUtils__/fixtures';
import {
  baseUrl,
  createTestGovernanceClient,
  entityPath,
  http,
  HttpResponse,
  server,
} from '../../__testUtils__/server';

registerMswTestHooks(server);

describe('EntityWaivers', () => {
  let waivers: ComplianceWaiver[];
  let requests: unknown[];

  beforeEach(() => {
    requests = [];
    waivers = [
      {
        id: 'config:0',
        source: 'config',
        entityRef,
        controlId: 'dependabot',
        status: 'approved',
        reason: 'declared in git',
        decidedBy: 'app-config',
        reviewRequired: false,
      },
    ];
    server.use(
      http.get(`${entityPath}/waivers`, () =>
        HttpResponse.json({ entityRef, items: waivers, events: [] }),
      ),
      http.post(`${entityPath}/waivers`, async ({ request }) => {
        const body = (await request.json()) as any;
        requests.push(body);
        const w: ComplianceWaiver = {
          id: '0b7f7c8e-54a4-4d8e-9d3c-4d1c1f0e8a11',
          source: 'api',
          entityRef,
          controlId: body.controlId,
          status: 'requested',
          reason: body.reason,
          expiresAt: `${body.expiresAt}T00:00:00.000Z`,
          requestedBy: 'user:default/owner',
          reviewRequired: false,
        };
        waivers = [...waivers, w];
        return HttpResponse.json(w, { status: 201 });
      }),
      http.post(`${baseUrl}/waivers/:id/approve`, ({ params }) => {
        waivers = waivers.map(w =>
          w.id === params.id
            ? { ...w, status: 'approved', decidedBy: 'user:default/admin' }
            : w,
        );
        return HttpResponse.json(waivers.find(w => w.id === params.id));
      }),
    );
  });

  it('requests a waiver for a failing control, then an approver approves it', async () => {
    const onChange = jest.fn();
    await renderInTestApp(
      <EntityWaivers
        entityRef={entityRef}
        results={results}
        onChange={onChange}
      />,
      { apis: [[complianceGovernanceApiRef, createTestGovernanceClient()]] },
    );
    // Config waivers are listed with their source.
    const configRow = await screen.findByTestId('waiver-dependabot');
    expect(within(configRow).getByText('config')).toBeInTheDocument();
    expect(within(configRow).getByText('app-config')).toBeInTheDocument();

    const submit = screen.getByRole('button', { name: 'Request waiver' });
    expect(submit).toBeDisabled();
    await userEvent.type(
      screen.getByLabelText(/Reason/),
      'Legacy repository, migration planned',
    );
    await userEvent.click(submit);
    await waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]).toMatchObject({
      controlId: 'branch-protection',
      reason: 'Legacy repository, migration planned',
      expiresAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    const row = await screen.findByTestId('waiver-branch-protection');
    expect(within(row).getByText('requested')).toBeInTheDocument();

    await userEvent.click(within(row).getByRole('button', { name: 'Approve' }));
    await waitFor(() =>
      expect(
        within(screen.getByTestId('waiver-branch-protection')).getByText(
          'user:default/admin',
        ),
      ).toBeInTheDocument(),
    );
    expect(
      within(screen.getByTestId('waiver-branch-protection')).getByText(
        'approved',
      ),
    ).toBeInTheDocument();
    expect(onChange).toHaveBeenCalled();
  });

  it('renders nothing without the governance API', async () => {
    await renderInTestApp(
      <EntityWaivers entityRef={entityRef} results={results} />,
    );
    expect(screen.queryByText('Waivers')).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Request waiver' }),
    ).not.toBeInTheDocument();
  });
});
