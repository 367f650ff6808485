import {
  mockCredentials,
  mockServices,
  registerMswTestHooks,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { complianceServiceRef, ComplianceService } from './ComplianceService';

const server = setupServer();
registerMswTestHooks(server);

describe('complianceServiceRef default implementation', () => {
  it('calls the compliance backend on behalf of the caller', async () => {
    let service: ComplianceService | undefined;
    const consumer = createBackendPlugin({
      pluginId: 'consumer',
      register(env) {
        env.registerInit({
          deps: { compliance: complianceServiceRef },
          async init({ compliance }) {
            service = compliance;
          },
        });
      },
    });
    const seen: Array<{ path: string; auth: string | null; body?: unknown }> =
      [];
    server.use(
      http.get(
        /\/api\/compliance\/entities\/component\/default\/svc$/,
        ({ request }) => {
          seen.push({
            path: new URL(request.url).pathname,
            auth: request.headers.get('authorization'),
          });
          return HttpResponse.json({
            entityRef: 'component:default/svc',
            score: 42,
          });
        },
      ),
      http.post(/\/api\/compliance\/evaluate$/, async ({ request }) => {
        seen.push({
          path: '/evaluate',
          auth: request.headers.get('authorization'),
          body: await request.json(),
        });
        return HttpResponse.json({
          entityRef: 'component:default/new',
          score: 80,
          results: [],
        });
      }),
    );
    const backend = await startTestBackend({
      features: [
        consumer,
        mockServices.rootConfig.factory({
          data: { backend: { baseUrl: 'http://localhost:7007' } },
        }),
      ],
    });
    const credentials = mockCredentials.user('user:default/ada');
    await expect(
      service!.getSummary('component:default/svc', { credentials }),
    ).resolves.toMatchObject({ score: 42 });
    const entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'new' },
    };
    await expect(
      service!.evaluateEntity(entity, { credentials }),
    ).resolves.toMatchObject({ score: 80 });
    expect(seen[0].auth).toMatch(/^Bearer /);
    expect(seen[1]).toMatchObject({ path: '/evaluate', body: { entity } });
    await backend.stop();
  });
});
