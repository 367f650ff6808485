import { screen, waitFor, within } from '@testing-library/react';
import { teamInsightResponseSchema } from 'backstage-plugin-compliance-common';
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
import { TeamInsight } from './TeamInsight';

registerTestServer();

const render = (owner?: string) =>
  renderWithClients(<TeamInsight owner={owner} />);

describe('TeamInsight', () => {
  it("renders the backend's team insight: summary, ranked risks and lifts with their cited ids", async () => {
    // The committed answer of the backend (insight.contract.test.ts there).
    const answer = teamInsightResponseSchema.parse(teamAnswer);
    const owners: string[] = [];
    server.use(
      http.get(`${baseUrl}/overview/insight`, ({ request }) => {
        owners.push(new URL(request.url).searchParams.get('owner')!);
        return HttpResponse.json(answer);
      }),
    );
    await render('group:default/platform');
    const view = await screen.findByTestId('compliance-team-insight');
    expect(owners).toEqual(['group:default/platform']);
    expect(within(view).getByText(answer.summary.text)).toBeVisible();
    const lists = within(view).getAllByRole('list');
    const riskItems = within(lists[0]).getAllByRole('listitem');
    expect(riskItems.map(li => li.textContent)).toEqual(
      answer.risks.map(r => expect.stringContaining(r.text)),
    );
    expect(
      within(riskItems[0]).getByText(answer.risks[0].controlId).tagName,
    ).toBe('CODE');
    const liftItems = within(lists[1]).getAllByRole('listitem');
    expect(liftItems.map(li => li.textContent)).toEqual(
      answer.lifts.map(l => expect.stringContaining(l.text)),
    );
    expect(view).toHaveTextContent(
      `From ${answer.sources.model} model and ${answer.sources.rules} rules-based entity insights`,
    );
  });

  it('renders nothing without a single owner or when insights are off', async () => {
    let asked = 0;
    server.use(
      http.get(`${baseUrl}/overview/insight`, () => {
        asked += 1;
        return HttpResponse.json(
          { error: { name: 'NotFoundError', message: 'not enabled' } },
          { status: 404 },
        );
      }),
    );
    const none = await render(undefined);
    none.unmount();
    const several = await render('group:default/a,group:default/b');
    several.unmount();
    expect(asked).toBe(0);
    await render('group:default/platform');
    await waitFor(() => expect(asked).toBe(1));
    await waitFor(() =>
      expect(screen.queryByTestId('progress')).not.toBeInTheDocument(),
    );
    expect(screen.queryByText('Team insight')).not.toBeInTheDocument();
  });
});
