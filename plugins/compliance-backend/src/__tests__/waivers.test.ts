import { mockCredentials } from '@backstage/backend-test-utils';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { createHash } from 'node:crypto';
import { createTestDatabases } from '../__testUtils__/databases';
import { component } from '../__testUtils__/entities';
import { startCompliance } from '../__testUtils__/testBackend';

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
      if (r.permission.name === 'compliance.export.read') {
        return user !== OTHER;
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
    const { backend, cycle } = await startCompliance({
      knex,
      features: [catalogFactory, permissionsFactory, auditorFactory],
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
    });
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
    expect(approved.body).toMatchObject({
      status: 'approved',
      decidedBy: ADMIN,
    });
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

    expect(auditEvents.map(e => [e.eventId, e.status, e.meta.actor])).toEqual(
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
    expect((await as(ADMIN).post('/waivers/not-a-uuid/approve')).status).toBe(
      400,
    );
    await backend.stop();
  });

  it('reads an entity as of a date and exports it for auditors, with a manifest whose hashes verify', async () => {
    const { backend, cycle, as } = await start();
    await cycle();
    await new Promise(r => setTimeout(r, 30));
    const before = new Date().toISOString();
    await new Promise(r => setTimeout(r, 30));
    entities = baseEntities('production');
    await cycle();
    expect((await statusOf(as, 'CAT-02')).status).toBe('pass');

    // Point in time: what was true before the change.
    const then = await as(OTHER).get(
      `${path}/as-of?asOf=${encodeURIComponent(before)}`,
    );
    expect(then.status).toBe(200);
    expect(
      then.body.results.find((r: any) => r.controlId === 'CAT-02'),
    ).toEqual({ controlId: 'CAT-02', status: 'warn' });
    const lifecycle = then.body.facts.find(
      (f: any) => f.factId === 'catalog.lifecycle',
    );
    expect(lifecycle).toMatchObject({
      value: 'sandbox',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const nowRead = await as(OTHER).get(
      `${path}/as-of?asOf=${encodeURIComponent(new Date().toISOString())}`,
    );
    expect(
      nowRead.body.facts.find((f: any) => f.factId === 'catalog.lifecycle')
        .value,
    ).toBe('production');
    expect((await as(OTHER).get(`${path}/as-of?asOf=yesterday`)).status).toBe(
      400,
    );

    // The auditor export as of the earlier time, in both formats.
    const q = `framework=soc2&asOf=${encodeURIComponent(before)}`;
    expect((await as(OTHER).get(`/export?${q}`)).status).toBe(403);
    const badFramework = await as(OWNER).get('/export?framework=pci');
    expect(badFramework.status).toBe(400);
    expect(badFramework.body.error.message).toMatch(/framework/);
    const manifest = await as(OWNER).get(`/export/manifest?${q}`);
    expect(manifest.status).toBe(200);
    expect(manifest.body.files.map((f: any) => f.name)).toEqual([
      expect.stringMatching(/^compliance-soc2-.*\.json$/),
      expect.stringMatching(/^compliance-soc2-.*\.csv$/),
    ]);
    const download = async (format: string) => {
      const file = await as(OWNER)
        .get(`/export?${q}&format=${format}`)
        .buffer(true)
        .parse((res, done) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            text += c;
          });
          res.on('end', () => done(null, text));
        });
      const entry = manifest.body.files.find((f: any) =>
        f.name.endsWith(`.${format}`),
      );
      return {
        status: file.status,
        text: file.body as string,
        sha256: createHash('sha256').update(file.body).digest('hex'),
        expected: entry.sha256,
      };
    };
    const csv = await download('csv');
    expect(csv.status).toBe(200);
    expect(csv.sha256).toBe(csv.expected);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toMatch(/^framework,requirement,control_id/);
    const cat02 = lines.filter((l: string) => l.includes(',CAT-02,'));
    expect(cat02).toHaveLength(2); // CC2.1 and CC3.2
    expect(cat02[0]).toContain(',warn,');
    expect(cat02[0]).toContain('catalog.lifecycle=""sandbox""');

    const json = await download('json');
    expect(json.status).toBe(200);
    expect(json.sha256).toBe(json.expected);
    const doc = JSON.parse(json.text);
    expect(doc.framework).toBe('soc2');
    expect(doc.requirements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          requirement: 'CC2.1',
          controlIds: expect.arrayContaining(['CAT-02']),
        }),
      ]),
    );
    const row = doc.rows.find(
      (r: any) => r.controlId === 'CAT-02' && r.requirement === 'CC2.1',
    );
    expect(row).toMatchObject({
      status: 'warn',
      entityRef: 'component:default/svc',
      owner: 'group:default/team',
    });
    expect(row.evidence[0]).toMatchObject({
      factId: 'catalog.lifecycle',
      value: 'sandbox',
      sha256: lifecycle.sha256,
    });
    // The config waiver in force (CAT-04) is exported with its approver.
    const waived = doc.rows.find((r: any) => r.controlId === 'CAT-04');
    expect(waived.waiver).toMatchObject({
      source: 'config',
      approver: 'app-config',
      reason: 'declared in git',
    });
    expect(
      auditEvents
        .filter(e => e.eventId === 'compliance-export')
        .map(e => e.status),
    ).toEqual(['failed', 'failed', 'succeeded', 'succeeded']);

    // Per-control campaign and org trend.
    const campaign = await as(OTHER).get('/controls/CAT-02/entities');
    expect(campaign.status).toBe(200);
    expect(campaign.body.items).toEqual([
      expect.objectContaining({
        entityRef: 'component:default/svc',
        status: 'pass',
        owner: 'group:default/team',
      }),
    ]);
    expect(campaign.body.counts).toEqual({ pass: 1 });
    const filtered = await as(OTHER).get(
      '/controls/CAT-02/entities?owner=group:default/nobody',
    );
    expect(filtered.body.items).toEqual([]);
    expect((await as(OTHER).get('/controls/NOPE/entities')).status).toBe(404);
    const trend = await as(OTHER).get('/overview/trend?days=7');
    expect(trend.status).toBe(200);
    expect(trend.body.points).toHaveLength(1);
    expect(trend.body.points[0]).toMatchObject({
      entities: 1,
      averageScore: expect.any(Number),
    });
    await backend.stop();
  });
});
