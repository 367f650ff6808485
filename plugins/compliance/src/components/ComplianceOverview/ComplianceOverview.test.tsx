import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { axe } from 'jest-axe';
import type { Entity } from '@backstage/catalog-model';

const group = (name: string, parent?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [], ...(parent ? { parent } : {}) },
});
const catalogEntities: Entity[] = [
  group('engineering'),
  group('team-a', 'engineering'),
  group('team-b', 'group:default/engineering'),
  group('sales'),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name: 'payments', namespace: 'default', title: 'Payments' },
    spec: { owner: 'team-a' },
  },
];
import { ComplianceOverview } from './ComplianceOverview';
import { controls, makeOverview, status } from '../../__testUtils__/fixtures';
import teamAnswer from '../../__fixtures__/team-insight.response.json';
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

registerTestServer();

describe('ComplianceOverview', () => {
  let queries: URLSearchParams[];

  beforeEach(() => {
    queries = [];
    server.use(
      http.get(`${baseUrl}/controls`, () => HttpResponse.json(controls)),
      http.get(`${baseUrl}/status`, () => HttpResponse.json(status)),
      http.get(`${baseUrl}/overview/insight`, () =>
        HttpResponse.json(teamAnswer),
      ),
      http.get(`${baseUrl}/overview/ci`, () =>
        HttpResponse.json({
          entityCount: 0,
          entitiesWithCi: 0,
          truncated: false,
          flakiest: [],
          slowest: [],
        }),
      ),
      http.get(`${baseUrl}/overview`, ({ request }) => {
        const q = new URL(request.url).searchParams;
        queries.push(q);
        if (q.get('search') === 'nothing') {
          return HttpResponse.json({ ...makeOverview(1, 25, 0) });
        }
        return HttpResponse.json(
          makeOverview(Number(q.get('page')), Number(q.get('pageSize'))),
        );
      }),
    );
  });

  function renderOverview(initialRouterEntries?: string[]) {
    return renderWithClients(<ComplianceOverview pageSize={10} />, {
      catalogEntities,
      initialRouteEntries: initialRouterEntries,
    });
  }

  const lastQuery = () => queries[queries.length - 1];
  const selectButton = (name: RegExp) =>
    screen
      .getAllByRole('button', { name })
      .find(b => b.getAttribute('aria-haspopup') === 'listbox')!;

  it('has no axe violations', async () => {
    const { container } = await renderOverview();
    await screen.findAllByTestId('compliance-overview-row');
    await screen.findByTestId('compliance-collector');
    expect(await axe(container)).toHaveNoViolations();
  });

  it('shows progress before the first page arrives', async () => {
    server.use(http.get(`${baseUrl}/overview`, () => new Promise(() => {})));
    await renderOverview();
    expect(screen.getAllByTestId('progress').length).toBeGreaterThan(0);
  });

  it('lists entities with links, distribution, top failing controls and collectors', async () => {
    await renderOverview();
    const rows = await screen.findAllByTestId('compliance-overview-row');
    expect(rows).toHaveLength(10);
    expect(
      within(rows[0]).getByRole('link', { name: 'Service 1' }),
    ).toHaveAttribute('href', '/catalog/default/component/service-1');
    expect(
      screen.getByRole('img', {
        name: /Number of entities per score bucket: 0-9 3/,
      }),
    ).toBeInTheDocument();
    expect(screen.getByText('17 entities')).toBeInTheDocument();
    expect(screen.getByText('Bronze: 30')).toBeInTheDocument();
    expect(await screen.findByTestId('compliance-collector')).toHaveTextContent(
      'GitHub repository',
    );
    expect(lastQuery().get('sort')).toBe('score');
    expect(lastQuery().get('order')).toBe('asc');
    expect(lastQuery().get('pageSize')).toBe('10');
  });

  it('paginates', async () => {
    await renderOverview();
    await screen.findAllByTestId('compliance-overview-row');
    expect(screen.getByText('1-10 of 60')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /next page/i }));
    await waitFor(() => expect(lastQuery().get('page')).toBe('2'));
    expect(
      await screen.findByRole('link', { name: 'Service 11' }),
    ).toBeInTheDocument();
    expect(screen.getByText('11-20 of 60')).toBeInTheDocument();
  });

  it('sorts by a column and toggles the order', async () => {
    await renderOverview();
    await screen.findAllByTestId('compliance-overview-row');
    await userEvent.click(screen.getByRole('button', { name: 'Failing' }));
    await waitFor(() => expect(lastQuery().get('sort')).toBe('failing'));
    expect(lastQuery().get('order')).toBe('desc');
    await userEvent.click(screen.getByRole('button', { name: /Failing/ }));
    await waitFor(() => expect(lastQuery().get('order')).toBe('asc'));
  });

  it('filters by search, owner, kind, level and framework', async () => {
    await renderOverview();
    await screen.findAllByTestId('compliance-overview-row');
    await userEvent.click(screen.getByRole('button', { name: /next page/i }));
    await waitFor(() => expect(lastQuery().get('page')).toBe('2'));

    const owner = screen.getByRole('textbox', { name: 'Owner' });
    await userEvent.type(owner, 'team');
    await screen.findByRole('option', { name: /^team-a in engineering/ });
    // A slower debounced lookup may still replace the options under the
    // pointer (busy CI machine): pick the option again until it is taken.
    await waitFor(
      async () => {
        if (lastQuery().get('owner') !== 'group:default/team-a') {
          const option = screen.queryByRole('option', {
            name: /^team-a in engineering/,
          });
          if (option) await userEvent.click(option);
        }
        expect(lastQuery().get('owner')).toBe('group:default/team-a');
      },
      { timeout: 15_000 },
    );
    expect(lastQuery().get('page')).toBe('1');
    // With an owner filter the team insight appears.
    expect(
      await screen.findByTestId('compliance-team-insight'),
    ).toHaveTextContent(teamAnswer.summary.text);
    expect(lastQuery().get('ownerDirect')).toBeNull();
    // Child groups count by default; the switch limits to the group itself.
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Include child groups' }),
    );
    await waitFor(() => expect(lastQuery().get('ownerDirect')).toBe('true'));

    await userEvent.click(screen.getByRole('textbox', { name: 'System' }));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Payments' }),
    );
    await waitFor(() =>
      expect(lastQuery().get('system')).toBe('system:default/payments'),
    );

    await userEvent.click(selectButton(/^Kind/));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Component' }),
    );
    await waitFor(() => expect(lastQuery().get('kind')).toBe('component'));

    await userEvent.click(selectButton(/^Level/));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Silver' }),
    );
    await waitFor(() => expect(lastQuery().get('level')).toBe('silver'));

    await userEvent.click(selectButton(/^Framework/));
    await userEvent.click(await screen.findByRole('option', { name: 'SOC 2' }));
    await waitFor(() => expect(lastQuery().get('framework')).toBe('soc2'));

    await userEvent.type(
      screen.getByRole('textbox', { name: 'Search' }),
      'nothing',
    );
    expect(
      await screen.findByText('No entities match these filters'),
    ).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Clear filters' }),
    );
    await waitFor(() => expect(lastQuery().get('owner')).toBeNull());
    expect(lastQuery().get('kind')).toBeNull();
    expect(lastQuery().get('ownerDirect')).toBeNull();
  }, 90_000);

  it('filters the table by a top failing control, and back', async () => {
    await renderOverview();
    const top = await screen.findAllByTestId('compliance-top-failing');
    await userEvent.click(top[0]);
    await waitFor(() => expect(lastQuery().get('failing')).toBeTruthy());
    expect(top[0]).toHaveAttribute('aria-pressed', 'true');
    await userEvent.click(top[0]);
    await waitFor(() => expect(lastQuery().get('failing')).toBeNull());
  });

  it('reads its filters, sort and page from the URL', async () => {
    await renderOverview([
      '/?owner=group:default/team-a&ownerDirect=true&kind=api&failing=GH-BP-01&sort=name&order=desc&page=2',
    ]);
    await screen.findAllByTestId('compliance-overview-row');
    const q = lastQuery();
    expect(q.get('owner')).toBe('group:default/team-a');
    expect(q.get('ownerDirect')).toBe('true');
    await waitFor(() =>
      expect(screen.getByRole('textbox', { name: 'Owner' })).toHaveValue(
        'team-a',
      ),
    );
    expect(q.get('kind')).toBe('api');
    expect(q.get('failing')).toBe('GH-BP-01');
    expect(q.get('sort')).toBe('name');
    expect(q.get('order')).toBe('desc');
    expect(q.get('page')).toBe('2');
  });

  it('shows an error', async () => {
    server.use(
      http.get(`${baseUrl}/overview`, () =>
        HttpResponse.json(
          { error: { name: 'Error', message: 'overview broke' } },
          { status: 500 },
        ),
      ),
    );
    await renderOverview();
    expect(
      (await screen.findAllByText(/overview broke/)).length,
    ).toBeGreaterThan(0);
  });

  it('exports every matching entity as CSV', async () => {
    const createObjectURL = jest.fn(() => 'blob:csv');
    const revokeObjectURL = jest.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(() => {});
    await renderOverview();
    await screen.findAllByTestId('compliance-overview-row');
    await userEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    await waitFor(() => expect(click).toHaveBeenCalled());
    const exportQuery = queries.find(q => q.get('pageSize') === '500');
    expect(exportQuery?.get('page')).toBe('1');
    const blob = (createObjectURL.mock.calls[0] as unknown as [Blob])[0];
    const text = await blob.text();
    expect(text.split('\r\n')[0]).toBe(
      'entityRef,title,owner,system,score,coverage,level,pass,warn,fail,unknown,evaluatedAt',
    );
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(61);
    click.mockRestore();
  });
});
