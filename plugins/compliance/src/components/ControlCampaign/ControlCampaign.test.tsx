import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { axe } from 'jest-axe';
import type { ControlEntityRow } from 'backstage-plugin-compliance-common';
import { controls } from '../../__testUtils__/fixtures';
import {
  baseUrl,
  http,
  HttpResponse,
  server,
} from '../../__testUtils__/server';
import {
  registerTestServer,
  renderWithClients,
} from '../../__testUtils__/render';
import { ControlCampaign, controlEntitiesCsv } from './ControlCampaign';

registerTestServer();

const row = (
  name: string,
  status: ControlEntityRow['status'],
  over: Partial<ControlEntityRow> = {},
): ControlEntityRow => ({
  entityRef: `component:default/${name}`,
  title: name,
  owner: 'group:default/team-a',
  system: 'payments',
  lifecycle: 'production',
  status,
  reason: `Branch protection is ${status === 'pass' ? 'on' : 'off'}`,
  statusSince: '2026-12-01T10:00:00.000Z',
  evidence: [
    {
      factId: 'github.branch-protection',
      value: status === 'pass',
      observedAt: '2026-12-20T10:00:00.000Z',
    },
  ],
  ...over,
});

describe('ControlCampaign', () => {
  let queries: URLSearchParams[];

  beforeEach(() => {
    queries = [];
    server.use(
      http.get(`${baseUrl}/controls`, () => HttpResponse.json(controls)),
      http.get(
        `${baseUrl}/controls/branch-protection/entities`,
        ({ request }) => {
          const q = new URL(request.url).searchParams;
          queries.push(q);
          const items = q.get('owner')
            ? [row('ledger', 'fail', { owner: 'group:default/team-b' })]
            : [row('payments-api', 'fail'), row('refunds', 'pass')];
          return HttpResponse.json({
            controlId: 'branch-protection',
            counts: items.reduce<Record<string, number>>(
              (c, r) => ({ ...c, [r.status]: (c[r.status] ?? 0) + 1 }),
              {},
            ),
            items,
          });
        },
      ),
    );
  });

  const render = (controlId: string) =>
    renderWithClients(<ControlCampaign controlId={controlId} />, {
      catalogEntities: [],
    });

  it('explains the control and lists every entity by status with its evidence and owner', async () => {
    const { container } = await render('branch-protection');
    expect(
      await screen.findByText('branch-protection · Branch protection enabled'),
    ).toBeInTheDocument();
    expect(screen.getByText('severity: critical')).toBeInTheDocument();
    expect(screen.getByText('soc2 CC8.1')).toBeInTheDocument();
    expect(screen.getByText('Enable branch-protection')).toBeInTheDocument();

    const table = await screen.findByRole('table', {
      name: 'Entities for branch-protection',
    });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(
      within(rows[0]).getByText('Branch protection is off'),
    ).toBeInTheDocument();
    expect(
      within(rows[0]).getByText('github.branch-protection = false'),
    ).toBeInTheDocument();
    expect(
      within(rows[0]).getByRole('link', { name: /team-a/ }),
    ).toBeInTheDocument();
    expect(screen.getByText('fail: 1')).toBeInTheDocument();
    expect(screen.getByText('pass: 1')).toBeInTheDocument();
    expect(await axe(container)).toHaveNoViolations();
  });

  it('filters by owner, system and lifecycle lists when applied', async () => {
    await render('branch-protection');
    await screen.findByRole('table');
    await userEvent.type(
      screen.getByLabelText('Owner (includes child groups)'),
      'group:default/team-b, group:default/team-c',
    );
    await userEvent.type(screen.getByLabelText('Lifecycle'), 'production');
    expect(queries).toHaveLength(1);
    await userEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(queries).toHaveLength(2));
    // Lists travel comma-separated, as the overview's filters do.
    expect(queries[1].get('owner')).toBe(
      'group:default/team-b,group:default/team-c',
    );
    expect(queries[1].get('lifecycle')).toBe('production');
    expect(queries[1].has('system')).toBe(false);
    await waitFor(() =>
      expect(
        within(screen.getByRole('table')).getAllByRole('row'),
      ).toHaveLength(2),
    );
  });

  it('says when the control does not exist or is disabled', async () => {
    await render('no-such-control');
    expect(
      await screen.findByText('No control no-such-control'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });
});

describe('controlEntitiesCsv', () => {
  it('writes one line per entity, quoting and neutralising spreadsheet formulas', () => {
    const csv = controlEntitiesCsv('branch-protection', [
      row('payments-api', 'fail', {
        title: '=HYPERLINK("http://evil.example")',
        reason: 'Off, since "last week"\nsee ticket',
      }),
      row('refunds', 'pass', { owner: undefined, system: undefined }),
    ]);
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'control_id,entity_ref,title,owner,system,lifecycle,status,status_since,reason,evidence',
    );
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    expect(csv).toContain('"Off, since ""last week""\nsee ticket"');
    expect(lines[lines.length - 1]).toBe(
      'branch-protection,component:default/refunds,refunds,,,production,pass,2026-12-01T10:00:00.000Z,Branch protection is on,github.branch-protection=true',
    );
  });
});
