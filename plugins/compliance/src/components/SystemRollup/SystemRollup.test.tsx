import { screen, within } from '@testing-library/react';
import { axe } from 'jest-axe';
import { SystemRollup } from './SystemRollup';
import { makeSummary } from '../../__testUtils__/fixtures';
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

describe('SystemRollup', () => {
  it("rolls up the system's components: average, worst and each level", async () => {
    let query: URLSearchParams | undefined;
    const items = [
      makeSummary({
        entityRef: 'component:default/ledger',
        name: 'ledger',
        title: 'Ledger',
        score: 40,
        level: null,
      }),
      makeSummary({
        entityRef: 'component:default/payments-api',
        score: 80,
        level: { id: 'silver', title: 'Silver' },
      }),
      makeSummary({
        entityRef: 'component:default/fresh',
        name: 'fresh',
        title: 'Fresh',
        score: null,
      }),
    ];
    server.use(
      http.get(`${baseUrl}/overview`, ({ request }) => {
        query = new URL(request.url).searchParams;
        return HttpResponse.json({
          items,
          totalCount: 3,
          page: 1,
          pageSize: 200,
          distribution: [],
          topFailingControls: [],
          levels: {},
        });
      }),
    );
    const { container } = await renderWithClients(
      <SystemRollup systemRef="system:default/Payments" />,
    );
    const rows = await screen.findAllByTestId('compliance-system-row');
    expect(query?.get('system')).toBe('system:default/payments');
    expect(rows).toHaveLength(3);
    expect(screen.getByTestId('compliance-system-average')).toHaveTextContent(
      '60',
    );
    expect(screen.getByTestId('compliance-system-worst')).toHaveTextContent(
      '40',
    );
    expect(within(rows[1]).getByText('Silver')).toBeInTheDocument();
    expect(within(rows[0]).getByText('No level')).toBeInTheDocument();
    expect(await axe(container)).toHaveNoViolations();
  });
});
