import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { ComplianceClient } from './ComplianceClient';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const base = 'http://backstage.test/api/compliance';
const client = new ComplianceClient({
  discoveryApi: { getBaseUrl: async () => base },
});

describe('ComplianceClient', () => {
  it('addresses an entity by kind, namespace and name, sending the token', async () => {
    let auth: string | null = null;
    server.use(
      http.get(
        `${base}/entities/component/default/Payments-API`,
        ({ request }) => {
          auth = request.headers.get('authorization');
          return HttpResponse.json({
            entityRef: 'component:default/payments-api',
            score: 80,
          });
        },
      ),
    );
    const summary = await client.getSummary('Component:Default/Payments-API', {
      token: 't0k',
    });
    expect(summary.score).toBe(80);
    expect(auth).toBe('Bearer t0k');
  });

  it('serialises overview filters as comma-separated query parameters', async () => {
    let url: URL | undefined;
    server.use(
      http.get(`${base}/overview`, ({ request }) => {
        url = new URL(request.url);
        return HttpResponse.json({ items: [], totalCount: 0 });
      }),
    );
    await client.getOverview({
      owner: ['group:default/a', 'group:default/b'],
      sort: 'score',
      page: 2,
    });
    expect(url!.searchParams.get('owner')).toBe(
      'group:default/a,group:default/b',
    );
    expect(url!.searchParams.get('sort')).toBe('score');
    expect(url!.searchParams.get('page')).toBe('2');
  });

  it('posts a refresh and throws ResponseError with the backend message on failure', async () => {
    server.use(
      http.post(`${base}/entities/component/default/svc/refresh`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message: 'Missing permission compliance.entity.refresh',
            },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );
    const error = await client.refresh('component:default/svc').catch(e => e);
    expect(error).toMatchObject({ name: 'ResponseError', statusCode: 403 });
    expect(error.body.error.message).toBe(
      'Missing permission compliance.entity.refresh',
    );
  });
});
