import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { entityInsightResponseSchema } from 'backstage-plugin-compliance-common';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { component, group } from '../__testUtils__/entities';
import {
  mockActionsRegistry,
  OUTSIDER,
  outsiderCatalog,
  startCompliance,
} from '../__testUtils__/testBackend';
import { FakeCounters, openAiHandler } from './__testUtils__/fakeLlm';

jest.setTimeout(60_000);

// The fake model API through msw; requests to the test backend itself pass.
const server = setupServer();
beforeAll(() =>
  server.listen({
    onUnhandledRequest(req, print) {
      const host = new URL(req.url).hostname;
      if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) {
        print.error();
      }
    },
  }),
);
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const entities = [
  group('team', {}),
  component('orphan', { lifecycle: 'sandbox', owner: 'user:nobody' }),
  component(
    'secret-project',
    { lifecycle: 'production', owner: 'group:team' },
    { description: 'Hidden from outsiders by the catalog' },
  ),
];

/** The in-memory catalog, except that the outsider may not read secret-project. */
const catalog = outsiderCatalog({
  entities,
  hidden: name => name === 'secret-project',
});

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'the insight endpoint on %s',
  databaseId => {
    async function start(
      options: { insights?: object; extraFeatures?: any[] } = {},
    ) {
      const knex = await databases.init(databaseId);
      const {
        backend,
        scheduler,
        cycle: evaluate,
      } = await startCompliance({
        knex,
        features: [catalog.factory, ...(options.extraFeatures ?? [])],
        compliance: {
          waivers: [
            {
              entityRef: 'component:default/orphan',
              controlId: 'CAT-04',
              reason: 'prototype',
            },
          ],
          ...(options.insights ? { insights: options.insights } : {}),
        },
      });
      const cycle = async () => {
        await evaluate();
        await scheduler.triggerTask('compliance:insights');
      };
      const get = (path: string, user?: string) =>
        request(backend.server)
          .get(`/api/compliance/entities/${path}/insight`)
          .set('Authorization', mockCredentials.user.header(user));
      const regenerate = (path: string, user?: string) =>
        request(backend.server)
          .post(`/api/compliance/entities/${path}/insight/regenerate`)
          .set('Authorization', mockCredentials.user.header(user));
      return { backend, cycle, get, regenerate };
    }

    const provider = {
      providers: [
        {
          id: 'local',
          type: 'openai',
          baseUrl: 'http://llm.local/v1',
          model: 'llama3.1',
        },
      ],
    };

    it('regenerates on request: 202 with the queued job, wakes the insights task, then the cooldown', async () => {
      const counters: FakeCounters = { openai: 0, anthropic: 0 };
      server.use(
        openAiHandler(
          'http://llm.local/v1',
          () => ({ kind: 'answer' }),
          counters,
        ),
      );
      const { backend, cycle, regenerate } = await start({
        insights: { ...provider, regenerateCooldown: { seconds: 4 } },
      });
      await cycle();
      const done = counters.openai;
      // The cooldown counts from the entity's last model request.
      expect((await regenerate('component/default/orphan')).status).toBe(409);
      await new Promise(resolve => setTimeout(resolve, 4_100));
      // Inputs unchanged, a fresh model insight: the request still queues one.
      const first = await regenerate('component/default/orphan');
      expect(first.status).toBe(202);
      expect(entityInsightResponseSchema.parse(first.body)).toMatchObject({
        status: 'fresh',
        job: { state: 'queued', attempts: 0 },
      });
      // The request woke the insights task: the model was asked once more.
      expect(counters.openai).toBe(done + 1);
      // Within the cooldown: refused, naming when it may be asked again.
      const soon = await regenerate('component/default/orphan');
      expect(soon.status).toBe(409);
      expect(soon.body.error.message).toMatch(/regenerated after \d{4}-/);
      expect(counters.openai).toBe(done + 1);
      await backend.stop();
    });

    it('answers 403 without the regenerate permission, even with read access', async () => {
      const permissions = mockServices.permissions.mock({
        authorize: async requests =>
          requests.map(r => ({
            result:
              r.permission.name === 'compliance.insight.regenerate'
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          })),
      });
      const { backend, cycle, get, regenerate } = await start({
        insights: provider,
        extraFeatures: [permissions.factory],
      });
      await cycle();
      expect((await get('component/default/orphan')).status).toBe(200);
      const denied = await regenerate('component/default/orphan');
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toContain(
        'compliance.insight.regenerate',
      );
      expect(permissions.authorize).toHaveBeenCalledWith(
        [
          expect.objectContaining({
            resourceRef: 'component:default/orphan',
          }),
        ],
        expect.anything(),
      );
      await backend.stop();
    });

    it('answers 404 for unknown or hidden entities, 400 for a malformed ref, 409 without providers', async () => {
      const { backend, cycle, regenerate } = await start({
        insights: provider,
      });
      await cycle();
      expect((await regenerate('component/default/nope')).status).toBe(404);
      expect(
        (await regenerate('component/default/secret-project', OUTSIDER)).status,
      ).toBe(404);
      const bad = await regenerate('component/default/a%20b');
      expect(bad.status).toBe(400);
      expect(bad.body.error.name).toBe('InputError');
      await backend.stop();

      const rulesOnly = await start();
      await rulesOnly.cycle();
      const none = await rulesOnly.regenerate('component/default/orphan');
      expect(none.status).toBe(409);
      expect(none.body.error.message).toMatch(/No insight provider/);
      await rulesOnly.backend.stop();
    });

    it('serves the rules insight of an evaluated entity, readable through the shared schema', async () => {
      const { backend, cycle, get } = await start();
      await cycle();
      const res = await get('component/default/orphan');
      expect(res.status).toBe(200);
      const body = entityInsightResponseSchema.parse(res.body);
      expect(body).toMatchObject({
        entityRef: 'component:default/orphan',
        status: 'fallback',
        providersConfigured: false,
        job: null,
        insight: { source: { type: 'rules' } },
      });
      // CAT-01 warns for the orphan; CAT-04 is waived and never a risk.
      expect(body.insight.risks.map(r => r.controlId)).toContain('CAT-01');
      expect(body.insight.risks.map(r => r.controlId)).not.toContain('CAT-04');
      expect(body.insight.steps.map(s => s.controlId)).not.toContain('CAT-04');
      await backend.stop();
    });

    it('answers 404 for entities the caller may not read or that are not evaluated, 400 for a bad ref', async () => {
      const { backend, cycle, get } = await start();
      expect((await get('component/default/orphan')).status).toBe(404);
      await cycle();
      expect((await get('component/default/secret-project')).status).toBe(200);
      expect(
        (await get('component/default/secret-project', OUTSIDER)).status,
      ).toBe(404);
      const bad = await get('component/default/a%20b');
      expect(bad.status).toBe(400);
      expect(bad.body.error.name).toBe('InputError');
      await backend.stop();
    });

    it('answers 403 without the read permission', async () => {
      const { backend, get } = await start({
        extraFeatures: [
          mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
        ],
      });
      expect((await get('component/default/orphan')).status).toBe(403);
      await backend.stop();
    });

    it('generates model insights with a configured provider and offers them as an action', async () => {
      const counters: FakeCounters = { openai: 0, anthropic: 0 };
      server.use(
        openAiHandler(
          'http://llm.local/v1',
          () => ({ kind: 'answer' }),
          counters,
        ),
      );
      const { registry, factory: actions } = mockActionsRegistry();
      const { backend, cycle, get } = await start({
        insights: {
          providers: [
            {
              id: 'local',
              type: 'openai',
              baseUrl: 'http://llm.local/v1',
              model: 'llama3.1',
              apiKey: 'sk-never-logged',
              pricing: { inputPerMillionTokens: 0.5 },
            },
          ],
        },
        extraFeatures: [actions],
      });
      await cycle();
      expect(counters.openai).toBe(2);
      const res = await get('component/default/orphan');
      expect(res.body).toMatchObject({
        status: 'fresh',
        providersConfigured: true,
        insight: {
          source: { type: 'model', provider: 'local' },
        },
      });
      expect(JSON.stringify(res.body)).not.toContain('sk-never-logged');
      const { output } = await registry.invoke({
        id: 'test:get-entity-insight',
        input: { entityRef: 'component:default/orphan' },
        credentials: mockCredentials.user(),
      });
      expect(output).toMatchObject({
        status: 'fresh',
        source: 'local/llama3.1-2026-01-01',
        steps: expect.arrayContaining([
          expect.objectContaining({ controlId: 'CAT-01' }),
        ]),
      });
      // A second cycle on unchanged data asks the model nothing.
      await cycle();
      expect(counters.openai).toBe(2);
      await backend.stop();
    });
  },
);
