import { screen, within } from '@testing-library/react';
import { axe } from 'jest-axe';
import type { TrendPoint } from 'backstage-plugin-compliance-common';
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
import { formatLevels, OrgTrend } from './OrgTrend';

registerTestServer();

const point = (day: string, averageScore: number | null): TrendPoint => ({
  day,
  entities: 12,
  averageScore,
  levels: { silver: 3, gold: 2, none: 7 },
});

describe('OrgTrend', () => {
  let queries: URLSearchParams[];
  let points: TrendPoint[];

  beforeEach(() => {
    queries = [];
    points = [
      point('2026-12-18', 61.26),
      point('2026-12-19', null),
      point('2026-12-20', 64.04),
    ];
    server.use(
      http.get(`${baseUrl}/overview/trend`, ({ request }) => {
        queries.push(new URL(request.url).searchParams);
        return HttpResponse.json({ days: 30, points });
      }),
    );
  });

  const render = (props: Parameters<typeof OrgTrend>[0] = {}) =>
    renderWithClients(<OrgTrend {...props} />);

  it('shows the newest day first with the average score and levels, for the filtered set', async () => {
    const { container } = await render({
      owner: ['group:default/team-a'],
      lifecycle: ['production'],
      days: 90,
      rows: 2,
    });
    const table = await screen.findByRole('table', {
      name: 'Average score and levels per day',
    });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map(r => r.textContent)).toEqual([
      '2026-12-201264gold 2 · none 7 · silver 3',
      '2026-12-1912–gold 2 · none 7 · silver 3',
    ]);
    expect(queries[0].getAll('owner')).toEqual(['group:default/team-a']);
    expect(queries[0].getAll('lifecycle')).toEqual(['production']);
    expect(queries[0].get('days')).toBe('90');
    expect(await axe(container)).toHaveNoViolations();
  });

  it('says when there is no history yet', async () => {
    points = [];
    await render();
    expect(await screen.findByText('No history yet.')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('shows an error the backend answers', async () => {
    server.use(
      http.get(`${baseUrl}/overview/trend`, () =>
        HttpResponse.json(
          {
            error: { name: 'InputError', message: 'days must be at most 365' },
          },
          { status: 400 },
        ),
      ),
    );
    await render({ days: 900 });
    expect(
      await screen.findByText(/days must be at most 365/),
    ).toBeInTheDocument();
  });

  it('formats level counts in a stable order', () => {
    expect(formatLevels({ silver: 1, bronze: 4 })).toBe('bronze 4 · silver 1');
    expect(formatLevels({})).toBe('');
  });
});
