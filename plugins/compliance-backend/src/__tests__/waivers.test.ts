import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  coreServices,
  createServiceFactory,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { component } from '../__testUtils__/entities';
import { compliancePlugin } from '../plugin';

jest.setTimeout(60_000);

const OWNER = 'user:default/owner';
const ADMIN = 'user:default/admin';
const OTHER = 'user:default/other';

const databases = createTestDatabases();

const baseEntities = (lifecycle: string): Entity[] => [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'team', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  component(
    'svc',
    { lifecycle, owner: 'group:team' },
    { description: 'A service with an unusual lifecycle value' },
  ),
];

let entities = baseEntities('sandbox');
const catalogFactory = createServiceFactory({
  service: catalogServiceRef,
  deps: {},
  factory() {
    // Built per call: a test changes the catalog between cycles.
    const inner = () => catalogServiceMock({ entities });
    return {
      getEntityByRef: (ref: any, o: any) => inner().getEntityByRef(ref, o),
      queryEntities: (r: any, o: any) => inner().queryEntities(r, o),
      getEntitiesByRefs: (r: any, o: any) => inner().getEntitiesByRefs(r, o),
      getEntities: (r: any, o: any) => inner().getEntities(r, o),
    } as any;
  },
});

/**
 * The policy the README describes: the entity's owner may request a waiver
 * (here: the owner user), only admins approve; everything else is allowed.
 */
const permissionsFactory = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory() {
    const decide = (r: any, credentials: any) => {
      const user = credentials?.principal?.userEntityRef;
      if (r.permission.name === 'compliance.waiver.request') {
        return user === OWNER || user === ADMIN;
      }
      if (r.permission.name === 'compliance.waiver.approve') {
        return user === ADMIN;
      }
      return true;
    };
    return {
      authorize: async (requests: any[], { credentials }: any) =>
        requests.map(r => ({
          result: decide(r, credentials)
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
        })),
      authorizeConditional: async (requests: any[]) =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })),
    } as any;
  },
});

const auditEvents: Array<{ eventId: string; status: string; meta: any }> = [];
const auditorFactory = createServiceFactory({
  service: coreServices.auditor,
  deps: { httpAuth: coreServices.httpAuth },
  factory({ httpAuth }) {
    return {
      async createEvent(options: any) {
        const creds = options.request
          ? await httpAuth.credentials(options.request).catch(() => undefined)
          : undefined;
        const actor = (creds?.principal as any)?.userEntityRef;
        return {
          success: async (o?: any) => {
            auditEvents.push({
              eventId: options.eventId,
              status: 'succeeded',
              meta: { ...options.meta, ...o?.meta, actor },
            });
          },
          fail: async (o: any) => {
            auditEvents.push({
              eventId: options.eventId,
              status: 'failed',
              meta: { ...options.meta, ...o?.meta, actor },
            });
          },
        };
      },
    };
  },
});

describe.each(databases.eachSupportedId())('waivers on %s', databaseId => {
  beforeEach(() => {
    entities = baseEntities('sandbox');
    auditEvents.length = 0;
  });

  async function start() {
    const knex = await databases.init(databaseId);
    const scheduler = mockServices.scheduler() as SchedulerService & {
      factory(o?: any): any;
    };
    const backend = await startTestBackend({
      features: [
        compliancePlugin,
        catalogFactory,
        permissionsFactory,
        auditorFactory,
        scheduler.factory({ skipTaskRunOnStartup: true }),
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            compliance: {
              waivers: [
                {
                  entityRef: 'component:default/svc',
                  controlId: 'CAT-04',
                  reason: 'declared in git',
                  expiresAt: '2099-01-01',
                },
              ],
              waiverPolicy: { maxDurationDays: { medium: 60, low: 60 } },
            },
          },
        }),
      ],
    });
    const cycle = async () => {
      await scheduler.triggerTask('compliance:collect:catalog');
      await scheduler.triggerTask('compliance:evaluate');
    };
    const as = (user: string) => ({
      get: (path: string) =>
        request(backend.server)
          .get(`/api/compliance${path}`)
          .set('Authorization', mockCredentials.user.header(user)),
      post: (path: string, body: object = {}) =>
        request(backend.server)
          .post(`/api/compliance${path}`)
          .set('Authorization', mockCredentials.user.header(user))
          .send(body),
    });
    return { backend, knex, cycle, as };
  }

  const inDays = (n: number) =>
    new Date(Date.now() + n * 86_400_000).toISOString();
  const path = '/entities/component/default/svc';
  const statusOf = async (as: any, controlId: string) => {
    const res = await as(OWNER).get(`${path}/results`);
    return res.body.items.find((r: any) => r.controlId === controlId);
  };

  it('runs request → approve → evidence change → review → re-approve → revoke, audited with the actor', async () => {
    const { backend, cycle, as } = await start();
    await cycle();
    expect((await statusOf(as, 'CAT-02')).status).toBe('warn');

    // Not the owner: refused. Bad input: 400 naming the field.
    const stranger = await as(OTHER).post(`${path}/waivers`, {
      controlId: 'CAT-02',
      reason: 'migrating lifecycles next quarter',
      expiresAt: inDays(30),
    });
    expect(stranger.status).toBe(403);
    const bad = await as(OWNER).post(`${path}/waivers`, {
      controlId: 'CAT-02',
      reason: 'short',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/reason/);
    expect(bad.body.error.message).toMatch(/expiresAt/);
    const unknownControl = await as(OWNER).post(`${path}/waivers`, {
      controlId: 'NOPE-1',
      reason: 'migrating lifecycles next quarter',
      expiresAt: inDays(30),
    });
    expect(unknownControl.status).toBe(400);
    expect(unknownControl.body.error.message).toMatch(/controlId/);
    const unknownEntity = await as(OWNER).post(
      '/entities/component/default/ghost/waivers',
      {
        controlId: 'CAT-02',
        reason: 'migrating lifecycles next quarter',
        expiresAt: inDays(30),
      },
    );
    expect(unknownEntity.status).toBe(404);
    const tooLong = await as(OWNER).post(`${path}/waivers`, {
      controlId: 'CAT-02',
      reason: 'migrating lifecycles next quarter',
      expiresAt: inDays(365),
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.message).toMatch(/at most 60 days/);

    const requested = await as(OWNER).post(`${path}/waivers`, {
      controlId: 'CAT-02',
      reason: 'migrating lifecycles next quarter',
      expiresAt: inDays(30),
      link: 'https://tickets.example.com/SEC-1',
    });
    expect(requested.status).toBe(201);
    expect(requested.body).toMatchObject({
      status: 'requested',
      source: 'api',
      requestedBy: OWNER,
      evidenceHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const id = requested.body.id;
    // Requested is not in force.
    expect((await statusOf(as, 'CAT-02')).status).toBe('warn');

    // The owner may not approve their own request; an admin may.
    expect((await as(OWNER).post(`/waivers/${id}/approve`)).status).toBe(403);
    const approved = await as(ADMIN).post(`/waivers/${id}/approve`, {
      comment: 'accepted until the migration',
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', decidedBy: ADMIN });
    const waived = await statusOf(as, 'CAT-02');
    expect(waived.status).toBe('waived');
    expect(waived.reason).toContain(`approved by ${ADMIN}`);
    // A second approval conflicts.
    expect((await as(ADMIN).post(`/waivers/${id}/approve`)).status).toBe(409);

    // Config and stored waivers are listed together, each with its source.
    const list = await as(OTHER).get(`${path}/waivers`);
    expect(
      list.body.items.map((w: any) => [w.source, w.controlId, w.status]),
    ).toEqual([
      ['config', 'CAT-04', 'approved'],
      ['api', 'CAT-02', 'approved'],
    ]);
    expect(
      list.body.events.map((e: any) => [e.action, e.actor]).reverse(),
    ).toEqual([
      ['requested', OWNER],
      ['approved', ADMIN],
    ]);

    // The evidence changes (another unaccepted lifecycle): the waiver is
    // flagged and the control evaluated normally.
    entities = baseEntities('labs');
    await cycle();
    expect((await statusOf(as, 'CAT-02')).status).toBe('warn');
    const flagged = await as(OWNER).get(`${path}/waivers`);
    const stored = flagged.body.items.find((w: any) => w.id === id);
    expect(stored).toMatchObject({ status: 'approved', reviewRequired: true });
    expect(flagged.body.events[0]).toMatchObject({
      action: 'flagged_for_review',
      actor: 'system',
    });

    // Re-approval against the new evidence applies it again.
    expect((await as(ADMIN).post(`/waivers/${id}/approve`)).status).toBe(200);
    expect((await statusOf(as, 'CAT-02')).status).toBe('waived');

    // Revoked: evaluated normally again, and the ledger shows the change.
    expect((await as(OTHER).post(`/waivers/${id}/revoke`)).status).toBe(403);
    const revoked = await as(ADMIN).post(`/waivers/${id}/revoke`);
    expect(revoked.body).toMatchObject({ status: 'revoked', revokedBy: ADMIN });
    expect((await statusOf(as, 'CAT-02')).status).toBe('warn');
    const history = await as(OWNER).get(`${path}/history?days=2`);
    expect(
      history.body.changes
        .filter((c: any) => c.controlId === 'CAT-02')
        .map((c: any) => [c.from, c.to, c.cause]),
    ).toEqual(
      expect.arrayContaining([
        ['warn', 'waived', 'waiver'],
        ['waived', 'warn', 'waiver'],
      ]),
    );

    expect(
      auditEvents.map(e => [e.eventId, e.status, e.meta.actor]),
    ).toEqual(
      expect.arrayContaining([
        ['compliance-waiver-request', 'failed', OTHER],
        ['compliance-waiver-request', 'succeeded', OWNER],
        ['compliance-waiver-approve', 'failed', OWNER],
        ['compliance-waiver-approve', 'succeeded', ADMIN],
        ['compliance-waiver-revoke', 'succeeded', ADMIN],
      ]),
    );
    await backend.stop();
  });

  it('expires an approved waiver and lets the requester withdraw a request', async () => {
    const { backend, cycle, as, knex } = await start();
    await cycle();
    const { body } = await as(OWNER).post(`${path}/waivers`, {
      controlId: 'CAT-02',
      reason: 'migrating lifecycles next quarter',
      expiresAt: inDays(10),
    });
    await as(ADMIN).post(`/waivers/${body.id}/approve`);
    expect((await statusOf(as, 'CAT-02')).status).toBe('waived');
    // Time passes: the expiry is moved into the past.
    await knex('compliance_waivers')
      .where({ id: body.id })
      .update({ expires_at: new Date(Date.now() - 1000) });
    await cycle();
    expect((await statusOf(as, 'CAT-02')).status).toBe('warn');
    const after = await as(OWNER).get(`${path}/waivers`);
    expect(after.body.items.find((w: any) => w.id === body.id).status).toBe(
      'expired',
    );

    const second = await as(OWNER).post(`${path}/waivers`, {
      controlId: 'CAT-01',
      reason: 'owner group is being created',
      expiresAt: inDays(10),
    });
    expect(second.status).toBe(201);
    // Duplicate open request for the same control: conflict.
    const dup = await as(OWNER).post(`${path}/waivers`, {
      controlId: 'CAT-01',
      reason: 'owner group is being created',
      expiresAt: inDays(10),
    });
    expect(dup.status).toBe(409);
    const withdrawn = await as(OWNER).post(`/waivers/${second.body.id}/revoke`);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status).toBe('revoked');
    const queue = await as(ADMIN).get('/waivers?status=requested');
    expect(queue.body.items).toEqual([]);
    expect((await as(ADMIN).get('/waivers/not-a-uuid/approve')).status).toBe(
      404,
    );
    expect(
      (await as(ADMIN).post('/waivers/not-a-uuid/approve')).status,
    ).toBe(400);
    await backend.stop();
  });
});
