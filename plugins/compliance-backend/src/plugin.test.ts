import { createTestDatabases } from './__testUtils__/databases';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  complianceCollectorsExtensionPoint,
  complianceControlsExtensionPoint,
} from 'backstage-plugin-compliance-node';
import { createBackendModule } from '@backstage/backend-plugin-api';
import request from 'supertest';
import { component, group } from './__testUtils__/entities';
import {
  conditionalPermissions,
  mockActionsRegistry,
  OUTSIDER,
  outsiderCatalog,
  startCompliance,
} from './__testUtils__/testBackend';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const entities: Entity[] = [
  group('commerce', { type: 'tribe', children: ['payments-team'] }),
  group('payments-team', { parent: 'commerce' }),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: {
      name: 'payments',
      namespace: 'default',
      description: 'Payments and refunds for all shops',
    },
    spec: { owner: 'payments-team' },
  },
  component(
    'payments-api',
    {
      lifecycle: 'production',
      owner: 'group:payments-team',
      system: 'payments',
    },
    {
      description: 'Authorises and captures card payments',
      annotations: {
        'github.com/project-slug': 'org/payments-api',
        'backstage.io/techdocs-ref': 'dir:.',
        'pagerduty.com/service-id': 'P1',
      },
    },
  ),
  component('orphan', { lifecycle: 'sandbox', owner: 'user:nobody' }),
  component(
    'secret-project',
    { lifecycle: 'production', owner: 'group:payments-team' },
    { description: 'Hidden from outsiders by the catalog' },
  ),
];

/** Makes the fake catalog answer with no entities at all. */
let catalogEmpty = false;
afterEach(() => {
  catalogEmpty = false;
});

/** The in-memory catalog, except that the outsider may not read secret-project. */
const catalog = outsiderCatalog({
  entities,
  hidden: name => name === 'secret-project',
  empty: () => catalogEmpty,
});

describe.each(databases.eachSupportedId())(
  'compliance backend on %s',
  databaseId => {
    async function start(
      options: { permissions?: any; extraFeatures?: any[] } = {},
    ) {
      const knex = await databases.init(databaseId);
      const { backend, cycle, scheduler } = await startCompliance({
        knex,
        features: [
          catalog.factory,
          ...(options.permissions ? [options.permissions] : []),
          ...(options.extraFeatures ?? []),
        ],
        compliance: {
          waivers: [
            {
              entityRef: 'component:default/orphan',
              controlId: 'CAT-04',
              reason: 'prototype',
              expiresAt: '2099-01-01',
            },
          ],
        },
      });
      return { backend, knex, cycle, scheduler };
    }

    const counts = async (knex: any) => {
      const out: Record<string, number> = {};
      for (const t of [
        'compliance_facts',
        'compliance_fact_history',
        'compliance_results',
        'compliance_status_changes',
        'compliance_history',
        'compliance_framework_scores',
      ]) {
        out[t] = Number((await knex(t).count({ n: '*' }).first()).n);
      }
      return out;
    };

    it('records "created at level X by template Y" once the entity is evaluated, and shows it in the history', async () => {
      const { backend, cycle } = await start();
      const auth = mockCredentials.user.header();
      const body = {
        templateRef: 'template:default/example-nodejs-template',
        taskId: '5f1c2d3e',
        runUrl: 'http://localhost:3000/create/tasks/5f1c2d3e',
      };
      const post = () =>
        request(backend.server)
          .post(
            '/api/compliance/entities/component/default/payments-api/creation',
          )
          .set('Authorization', auth)
          .send(body);

      // Not evaluated yet: nothing to record.
      expect((await post()).status).toBe(404);
      await cycle();
      const created = await post();
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        entityRef: 'component:default/payments-api',
        level: 'gold',
        templateRef: 'template:default/example-nodejs-template',
        runUrl: body.runUrl,
        recordedBy: 'user:default/mock',
      });
      // A retried step of the same run records nothing new.
      expect((await post()).status).toBe(201);

      const history = await request(backend.server)
        .get('/api/compliance/entities/component/default/payments-api/history')
        .set('Authorization', auth);
      expect(history.body.creations).toHaveLength(1);
      expect(history.body.creations[0].level).toBe('gold');

      const bad = await request(backend.server)
        .post(
          '/api/compliance/entities/component/default/payments-api/creation',
        )
        .set('Authorization', auth)
        .send({ ...body, runUrl: 'ftp://example.com/run', level: 'gold' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.name).toBe('InputError');
    });

    it('collects, evaluates and serves an entity summary and its results over HTTP', async () => {
      const { backend, cycle } = await start();
      await cycle();
      const summary = await request(backend.server)
        .get('/api/compliance/entities/component/default/payments-api')
        .set('Authorization', mockCredentials.user.header());
      expect(summary.status).toBe(200);
      expect(summary.body).toMatchObject({
        entityRef: 'component:default/payments-api',
        score: 100,
        coverage: 1,
        level: { id: 'gold', title: 'Gold' },
        counts: { pass: 7, fail: 0 },
      });
      expect(Object.keys(summary.body.frameworks)).toEqual([
        'iso27001',
        'soc2',
      ]);
      expect(summary.body.collectedAt.catalog).toEqual(expect.any(String));

      const orphan = await request(backend.server)
        .get('/api/compliance/entities/component/default/orphan/results')
        .set('Authorization', mockCredentials.user.header());
      expect(orphan.status).toBe(200);
      const byId = Object.fromEntries(
        orphan.body.items.map((r: any) => [r.controlId, r]),
      );
      expect(byId['CAT-01']).toMatchObject({
        status: 'warn',
        reason: 'The owner is a user or does not resolve to a catalog entity',
      });
      expect(byId['CAT-01'].evidence.map((e: any) => e.factId)).toEqual([
        'catalog.owner.exists',
        'catalog.owner.kind',
        'catalog.owner.ref',
      ]);
      expect(byId['CAT-02']).toMatchObject({ status: 'warn' });
      expect(byId['CAT-04']).toMatchObject({
        status: 'waived',
        reason: expect.stringContaining('prototype'),
      });
      expect(byId['CAT-06']).toMatchObject({ status: 'not_applicable' });
      expect(byId['CAT-01'].control).toMatchObject({
        title: 'Owner set and is an existing group',
        remediation: { text: expect.any(String) },
      });

      const history = await request(backend.server)
        .get(
          '/api/compliance/entities/component/default/orphan/history?days=30',
        )
        .set('Authorization', mockCredentials.user.header());
      expect(history.body.points).toHaveLength(1);
      // A first evaluation is not a change: the ledger starts empty.
      expect(history.body.changes).toEqual([]);

      const status = await request(backend.server)
        .get('/api/compliance/status')
        .set('Authorization', mockCredentials.user.header());
      expect(status.body.collectors[0]).toMatchObject({
        collectorId: 'catalog',
        running: false,
        lastRun: { status: 'succeeded', entitiesProcessed: 4 },
      });
      expect(status.body.entities).toBe(4);
      await backend.stop();
    });

    it('writes no new result, score or ledger rows when a cycle runs over unchanged data', async () => {
      const { backend, cycle, knex } = await start();
      await cycle();
      const before = await counts(knex);
      expect(before.compliance_results).toBe(28);
      await cycle();
      expect(await counts(knex)).toEqual(before);
      await backend.stop();
    });

    it('serves the overview with owner filter including child groups', async () => {
      const { backend, cycle } = await start();
      await cycle();
      const res = await request(backend.server)
        .get(
          '/api/compliance/overview?owner=group:default/commerce&sort=name&order=asc',
        )
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(200);
      expect(res.body.items.map((i: any) => i.name)).toEqual([
        'payments',
        'payments-api',
        'secret-project',
      ]);
      expect(res.body.totalCount).toBe(3);
      expect(res.body.topFailingControls[0]).toMatchObject({
        controlId: expect.any(String),
        title: expect.any(String),
      });
      // Direct ownership only: commerce owns nothing itself.
      const direct = await request(backend.server)
        .get(
          '/api/compliance/overview?owner=group:default/commerce&ownerDirect=true',
        )
        .set('Authorization', mockCredentials.user.header());
      expect(direct.status).toBe(200);
      expect(direct.body.totalCount).toBe(0);
      const team = await request(backend.server)
        .get(
          '/api/compliance/overview?owner=payments-team&ownerDirect=true&sort=name',
        )
        .set('Authorization', mockCredentials.user.header());
      expect(team.body.totalCount).toBe(3);
      await backend.stop();
    });

    it('answers 400 for a malformed entity ref or query and 404 for an unknown entity', async () => {
      const { backend, cycle } = await start();
      await cycle();
      const bad = await request(backend.server)
        .get('/api/compliance/entities/component/default/bad..name')
        .set('Authorization', mockCredentials.user.header());
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/Invalid entity reference: name/);
      const badQuery = await request(backend.server)
        .get('/api/compliance/overview?pageSize=100000&sort=popularity')
        .set('Authorization', mockCredentials.user.header());
      expect(badQuery.status).toBe(400);
      expect(badQuery.body.error.message).toMatch(/sort/);
      expect(badQuery.body.error.message).toMatch(/pageSize/);
      const missing = await request(backend.server)
        .get('/api/compliance/entities/component/default/nope')
        .set('Authorization', mockCredentials.user.header());
      expect(missing.status).toBe(404);
      await backend.stop();
    });

    it('gives a user no compliance data for entities the catalog hides from them', async () => {
      const { backend, cycle } = await start({
        permissions: conditionalPermissions().factory,
      });
      await cycle();
      const direct = await request(backend.server)
        .get('/api/compliance/entities/component/default/secret-project')
        .set('Authorization', mockCredentials.user.header(OUTSIDER));
      expect(direct.status).toBe(404);
      const overview = await request(backend.server)
        .get('/api/compliance/overview?sort=name')
        .set('Authorization', mockCredentials.user.header(OUTSIDER));
      expect(overview.body.items.map((i: any) => i.name)).not.toContain(
        'secret-project',
      );
      expect(overview.body.totalCount).toBe(3);
      const insider = await request(backend.server)
        .get('/api/compliance/entities/component/default/secret-project')
        .set('Authorization', mockCredentials.user.header());
      expect(insider.status).toBe(200);
      await backend.stop();
    });

    it('answers 403 when the permission policy denies compliance reports or refresh', async () => {
      const { backend } = await start({
        permissions: mockServices.permissions.factory({
          result: AuthorizeResult.DENY,
        }),
      });
      const res = await request(backend.server)
        .get('/api/compliance/overview')
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(403);
      const refresh = await request(backend.server)
        .post('/api/compliance/entities/component/default/payments-api/refresh')
        .set('Authorization', mockCredentials.user.header());
      expect(refresh.status).toBe(403);
      await backend.stop();
    });

    it('refreshes one entity on request and requires authentication', async () => {
      const { backend } = await start();
      const anonymous = await request(backend.server)
        .get('/api/compliance/overview')
        .set('Authorization', mockCredentials.none.header());
      expect(anonymous.status).toBe(401);
      const health = await request(backend.server)
        .get('/api/compliance/health')
        .set('Authorization', mockCredentials.none.header());
      expect(health.status).toBe(200);
      const res = await request(backend.server)
        .post('/api/compliance/entities/component/default/payments-api/refresh')
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ score: 100, level: { id: 'gold' } });
      await backend.stop();
    });

    it('runs collectors and controls contributed by modules; a failing collector yields unknown, not fail', async () => {
      let fail = false;
      let orphanClean = false;
      const module = createBackendModule({
        pluginId: 'compliance',
        moduleId: 'test',
        register(env) {
          env.registerInit({
            deps: {
              collectors: complianceCollectorsExtensionPoint,
              controls: complianceControlsExtensionPoint,
            },
            async init({ collectors, controls }) {
              collectors.addCollector({
                id: 'scanner',
                facts: [
                  {
                    id: 'scanner.clean',
                    type: 'boolean',
                    description: 'no findings',
                  },
                ],
                filter: e => e.kind === 'Component',
                async collect(batch) {
                  if (fail) throw new Error('scanner API unavailable');
                  return batch.map(e => ({
                    entityRef: `component:default/${e.metadata.name}`,
                    factId: 'scanner.clean',
                    value: e.metadata.name === 'payments-api' || orphanClean,
                  }));
                },
              });
              controls.addControls({
                id: 'SCAN-01',
                title: 'No scanner findings',
                description: '',
                category: 'security',
                severity: 'critical',
                rule: {
                  pass: {
                    fact: 'scanner.clean',
                    operator: 'equal',
                    value: true,
                  },
                },
              });
            },
          });
        },
      });
      const { backend, scheduler } = await start({ extraFeatures: [module] });
      await scheduler.triggerTask('compliance:collect:catalog');
      await scheduler.triggerTask('compliance:collect:scanner');
      await scheduler.triggerTask('compliance:evaluate');
      const get = async (name: string) =>
        (
          await request(backend.server)
            .get(`/api/compliance/entities/component/default/${name}/results`)
            .set('Authorization', mockCredentials.user.header())
        ).body.items.find((r: any) => r.controlId === 'SCAN-01');
      expect((await get('payments-api')).status).toBe('pass');
      expect((await get('orphan')).status).toBe('fail');

      orphanClean = true;
      await scheduler.triggerTask('compliance:collect:scanner');
      await scheduler.triggerTask('compliance:evaluate');
      expect((await get('orphan')).status).toBe('pass');
      const ledger = await request(backend.server)
        .get('/api/compliance/entities/component/default/orphan/history')
        .set('Authorization', mockCredentials.user.header());
      expect(ledger.body.changes).toEqual([
        expect.objectContaining({
          controlId: 'SCAN-01',
          from: 'fail',
          to: 'pass',
          cause: 'data',
        }),
        // No unknown -> fail entry: the catalog's collection left the first
        // evaluation to the scanner's first run, so the entity was first
        // evaluated with both collectors' facts.
      ]);

      orphanClean = false;
      await scheduler.triggerTask('compliance:collect:scanner');
      await scheduler.triggerTask('compliance:evaluate');
      fail = true;
      await scheduler.triggerTask('compliance:collect:scanner');
      await scheduler.triggerTask('compliance:evaluate');
      // The outage keeps the last good values: no pass turns into a fail.
      expect((await get('payments-api')).status).toBe('pass');
      expect((await get('orphan')).status).toBe('fail');
      const status = await request(backend.server)
        .get('/api/compliance/status')
        .set('Authorization', mockCredentials.user.header());
      expect(
        status.body.collectors.find((c: any) => c.collectorId === 'scanner')
          .lastRun.errors,
      ).toBeGreaterThan(0);
      await backend.stop();
    });

    it('offers the compliance of an entity as an actions-registry action', async () => {
      const { registry, factory: actions } = mockActionsRegistry();
      const { backend, cycle } = await start({
        extraFeatures: [actions],
        permissions: conditionalPermissions().factory,
      });
      await cycle();
      // The mock registry names actions after its own plugin id, 'test'.
      const { output } = await registry.invoke({
        id: 'test:get-entity-compliance',
        input: { entityRef: 'component:default/orphan' },
        credentials: mockCredentials.user(),
      });
      expect(output).toMatchObject({
        entityRef: 'component:default/orphan',
        level: null,
        notPassing: expect.arrayContaining([
          expect.objectContaining({
            controlId: 'CAT-01',
            status: 'warn',
            remediation: expect.stringContaining('spec.owner'),
          }),
        ]),
      });
      await expect(
        registry.invoke({
          id: 'test:get-entity-compliance',
          input: { entityRef: 'component:default/secret-project' },
          credentials: mockCredentials.user(OUTSIDER),
        }),
      ).rejects.toThrow(/not found/);
      await expect(
        registry.invoke({
          id: 'test:get-entity-compliance',
          input: { entityRef: 'component:' },
          credentials: mockCredentials.user(),
        }),
      ).rejects.toThrow(/Invalid entityRef/);
      await backend.stop();
    });

    it('evaluates a proposed entity without storing it, and rejects a malformed one', async () => {
      const { backend, knex } = await start();
      const proposed = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'new-service',
          description: 'A brand new service created from a template',
          annotations: { 'github.com/project-slug': 'org/new-service' },
        },
        spec: {
          type: 'service',
          lifecycle: 'experimental',
          owner: 'group:default/payments-team',
          system: 'payments',
        },
      };
      const res = await request(backend.server)
        .post('/api/compliance/evaluate')
        .set('Authorization', mockCredentials.user.header())
        .send({ entity: proposed });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        entityRef: 'component:default/new-service',
        level: { id: 'silver' },
        nextLevel: { id: 'gold', missingControls: ['CAT-05'] },
      });
      const byId = Object.fromEntries(
        res.body.results.map((r: any) => [r.controlId, r]),
      );
      expect(byId['CAT-01'].status).toBe('pass');
      expect(byId['CAT-05']).toMatchObject({
        status: 'fail',
        control: { title: 'TechDocs configured' },
      });
      expect(byId['CAT-06'].status).toBe('not_applicable');
      // Nothing was stored.
      const stored = await knex('compliance_entities')
        .count({ n: '*' })
        .first();
      expect(Number(stored!.n)).toBe(0);

      const bad = await request(backend.server)
        .post('/api/compliance/evaluate')
        .set('Authorization', mockCredentials.user.header())
        .send({ entity: { ...proposed, metadata: { name: 'Not A Name!' } } });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(
        /entity.metadata.name: metadata.name must be a valid catalog entity name/,
      );
      const none = await request(backend.server)
        .post('/api/compliance/evaluate')
        .set('Authorization', mockCredentials.user.header())
        .send('not json');
      expect(none.status).toBe(400);
      await backend.stop();
    });

    it('keeps all compliance data when the catalog answers with no entities', async () => {
      const { backend, cycle, knex } = await start();
      await cycle();
      const before = Number(
        (await knex('compliance_results').count({ n: '*' }).first())!.n,
      );
      catalogEmpty = true;
      await cycle();
      expect(
        Number((await knex('compliance_results').count({ n: '*' }).first())!.n),
      ).toBe(before);
      const res = await request(backend.server)
        .get('/api/compliance/entities/component/default/orphan')
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(200);
      await backend.stop();
    });
  },
);
