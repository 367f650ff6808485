import { createTestDatabases } from '../__testUtils__/databases';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import request from 'supertest';
import { component, group } from '../__testUtils__/entities';
import {
  CONDITIONAL_CATALOG_READ,
  OUTSIDER,
  outsiderCatalog,
  startCompliance,
} from '../__testUtils__/testBackend';

/**
 * The read path through the real plugin: authorization that asks the
 * catalog only when the policy is conditional, the group hierarchy kept by
 * the engine, slim rows and keyset pages, and HTTP caching.
 */

jest.setTimeout(90_000);

const databases = createTestDatabases();

const entities: Entity[] = [
  group('org', { children: ['dept-a'] }),
  group('dept-a', {}),
  group('team-1', { parent: 'dept-a' }),
  group('team-2', { parent: 'dept-a' }),
  group('other', {}),
  ...Array.from({ length: 12 }, (_, i) =>
    component(
      `svc-${String(i).padStart(2, '0')}`,
      {
        lifecycle: i % 2 ? 'production' : 'experimental',
        owner: ['group:team-1', 'group:team-2', 'group:other'][i % 3],
      },
      {
        title: i === 7 ? 'Payments Gateway' : undefined,
        ...(i % 4 ? { description: `Service number ${i} of the test` } : {}),
      },
    ),
  ),
];

/** The in-memory catalog, counting calls; hides svc-03 from the outsider. */
function countingCatalog() {
  return outsiderCatalog({ entities, hidden: name => name === 'svc-03' });
}

/** A policy: compliance reads allowed; catalog reads as given. */
function policy(catalogRead: 'allow' | 'deny' | 'conditional') {
  const asks: string[] = [];
  const mock = mockServices.permissions.mock({
    authorize: async reqs =>
      reqs.map(() => ({ result: AuthorizeResult.ALLOW })),
    authorizeConditional: async reqs =>
      reqs.map(r => {
        asks.push(r.permission.name);
        if (r.permission.name !== catalogEntityReadPermission.name) {
          return { result: AuthorizeResult.ALLOW };
        }
        if (catalogRead === 'allow') return { result: AuthorizeResult.ALLOW };
        if (catalogRead === 'deny') return { result: AuthorizeResult.DENY };
        return CONDITIONAL_CATALOG_READ;
      }) as any,
  });
  return { asks, factory: mock.factory };
}

describe.each(databases.eachSupportedId())(
  'the read path on %s',
  databaseId => {
    async function start(catalogRead: 'allow' | 'deny' | 'conditional') {
      const knex = await databases.init(databaseId);
      const catalog = countingCatalog();
      const permissions = policy(catalogRead);
      const { backend, scheduler, cycle } = await startCompliance({
        knex,
        features: [catalog.factory, permissions.factory],
        compliance: { authorization: { cacheTtl: '1 minute' } },
      });
      await cycle();
      catalog.calls.length = 0;
      const get = (path: string, user?: string, headers: object = {}) =>
        request(backend.server)
          .get(`/api/compliance${path}`)
          .set('Authorization', mockCredentials.user.header(user))
          .set(headers as Record<string, string>);
      return { backend, knex, catalog, permissions, get, scheduler };
    }

    it('allow-all: answers entity reads and the overview without calling the catalog', async () => {
      const { backend, catalog, get } = await start('allow');
      const summary = await get('/entities/component/default/svc-03');
      expect(summary.status).toBe(200);
      expect(summary.body.entityRef).toBe('component:default/svc-03');
      expect(
        (await get('/entities/component/default/svc-03/results')).status,
      ).toBe(200);
      expect(
        (await get('/entities/component/default/svc-03/history')).status,
      ).toBe(200);
      expect((await get('/entities/component/default/nope')).status).toBe(404);
      const overview = await get('/overview?kind=component', OUTSIDER);
      expect(overview.body.totalCount).toBe(12);
      expect(catalog.calls).toEqual([]);
      await backend.stop();
    });

    it('deny-all: answers 404 and an empty overview without calling the catalog', async () => {
      const { backend, catalog, get } = await start('deny');
      const summary = await get('/entities/component/default/svc-01');
      expect(summary.status).toBe(404);
      expect(
        (await get('/entities/component/default/svc-01/results')).status,
      ).toBe(404);
      const overview = await get('/overview');
      expect(overview.status).toBe(200);
      expect(overview.body.items).toEqual([]);
      expect(overview.body.totalCount).toBe(0);
      expect(catalog.calls).toEqual([]);
      await backend.stop();
    });

    it('conditional: asks the catalog for refs only, batched and cached per user, and hides what it hides', async () => {
      const { backend, catalog, get } = await start('conditional');
      const [hidden, visible, other] = await Promise.all([
        get('/entities/component/default/svc-03', OUTSIDER),
        get('/entities/component/default/svc-04', OUTSIDER),
        get('/entities/component/default/svc-05/results', OUTSIDER),
      ]);
      expect(hidden.status).toBe(404);
      expect(JSON.stringify(hidden.body)).not.toContain('score');
      expect(visible.status).toBe(200);
      expect(other.status).toBe(200);
      // Refs and fields only (batching is tested in ReadAccess.test.ts).
      const byRefs = () =>
        catalog.calls.filter(c => c.method === 'getEntitiesByRefs');
      expect(
        byRefs()
          .flatMap(c => c.arg.entityRefs)
          .sort(),
      ).toEqual([
        'component:default/svc-03',
        'component:default/svc-04',
        'component:default/svc-05',
      ]);
      for (const c of byRefs()) {
        expect(c.arg.fields).toEqual([
          'kind',
          'metadata.namespace',
          'metadata.name',
        ]);
      }
      expect(catalog.calls.map(c => c.method)).not.toContain('getEntityByRef');

      // Cached for this user: no new catalog request; another user asks anew.
      const asked = byRefs().length;
      expect(
        (await get('/entities/component/default/svc-03', OUTSIDER)).status,
      ).toBe(404);
      expect(byRefs()).toHaveLength(asked);
      expect((await get('/entities/component/default/svc-03')).status).toBe(
        200,
      );
      expect(byRefs()).toHaveLength(asked + 1);

      const overview = await get(
        '/overview?kind=component&pageSize=100',
        OUTSIDER,
      );
      expect(overview.body.totalCount).toBe(11);
      expect(overview.body.items.map((i: any) => i.name)).not.toContain(
        'svc-03',
      );
      await backend.stop();
    });

    it('expands owner groups from the hierarchy the scheduler collected, without paging the catalog', async () => {
      const { backend, catalog, get, scheduler } = await start('allow');
      const res = await get(
        '/overview?owner=group:default/org&sort=name&pageSize=100',
      );
      expect(res.status).toBe(200);
      // org → dept-a → team-1, team-2 (children and parent links both count).
      expect(res.body.totalCount).toBe(8);
      expect(
        res.body.items.every((i: any) => i.owner !== 'group:default/other'),
      ).toBe(true);
      expect(catalog.calls).toEqual([]);
      // The aggregates of the common filter match its rows.
      const levels = Object.values(res.body.levels as Record<string, number>);
      expect(levels.reduce((a, b) => a + b, 0)).toBe(8);
      const buckets = res.body.distribution.map((d: any) => d.count);
      expect(buckets.reduce((a: number, b: number) => a + b, 0)).toBe(8);
      // The governance routes use the same hierarchy-aware scope.
      const control = await get(
        '/controls/CAT-01/entities?owner=group:default/org&limit=100',
      );
      expect(control.status).toBe(200);
      expect(control.body.items.map((i: any) => i.entityRef).sort()).toEqual(
        res.body.items.map((i: any) => i.entityRef).sort(),
      );
      const trend = await get('/overview/trend?owner=group:default/dept-a');
      expect(trend.status).toBe(200);
      expect(trend.body.points.map((p: any) => p.entities)).toContain(8);
      expect(catalog.calls).toEqual([]);
      // A second catalog cycle collects the hierarchy again.
      await scheduler.triggerTask('compliance:collect:catalog');
      expect(
        catalog.calls.some(
          c => c.method === 'queryEntities' && c.arg?.filter?.kind === 'group',
        ),
      ).toBe(true);
      await backend.stop();
    });

    it('serves slim rows unless categories are asked for, and keyset pages that cover every row once', async () => {
      const { backend, get } = await start('allow');
      const slim = await get('/overview?sort=name&pageSize=5');
      expect(slim.body.items).toHaveLength(5);
      expect(slim.body.items[0].categories).toEqual({});
      expect(slim.body.items[0].frameworks).toEqual({});
      const full = await get('/overview?sort=name&pageSize=5&categories=true');
      expect(Object.keys(full.body.items[0].categories).length).toBeGreaterThan(
        0,
      );

      for (const sort of ['score', 'name', 'failing', 'evaluatedAt']) {
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const res = await get(
            `/overview?sort=${sort}&order=desc&pageSize=4${
              cursor ? `&cursor=${cursor}` : ''
            }`,
          );
          expect(res.status).toBe(200);
          seen.push(...res.body.items.map((i: any) => i.entityRef));
          cursor = res.body.nextCursor;
          pages++;
        } while (cursor && pages < 20);
        const offset = await get(
          `/overview?sort=${sort}&order=desc&pageSize=100`,
        );
        expect(seen).toEqual(offset.body.items.map((i: any) => i.entityRef));
        expect(new Set(seen).size).toBe(offset.body.totalCount);
      }
      const wrong = await get(
        `/overview?sort=name&pageSize=4&cursor=${
          (
            await get('/overview?sort=score&pageSize=4')
          ).body.nextCursor
        }`,
      );
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.message).toMatch(/cursor/);
      const garbage = await get('/overview?cursor=not*a*cursor');
      expect(garbage.status).toBe(400);
      await backend.stop();
    });

    it('searches word starts of names and titles through the index', async () => {
      const { backend, get } = await start('allow');
      const names = async (q: string) =>
        (
          await get(`/overview?sort=name&search=${encodeURIComponent(q)}`)
        ).body.items.map((i: any) => i.name);
      expect(await names('svc-1')).toEqual(['svc-10', 'svc-11']);
      expect(await names('GATEWAY')).toEqual(['svc-07']);
      expect(await names('payments g')).toEqual(['svc-07']);
      expect(await names('%')).toEqual([]);
      await backend.stop();
    });

    it('answers 304 for an unchanged read and a new ETag once an evaluation changed it', async () => {
      const { backend, get, scheduler, knex } = await start('allow');
      const first = await get('/entities/component/default/svc-01');
      const etag = first.headers.etag;
      expect(etag).toMatch(/^"/);
      const again = await get('/entities/component/default/svc-01', undefined, {
        'If-None-Match': etag,
      });
      expect(again.status).toBe(304);
      const overview = await get('/overview');
      const unchanged = await get('/overview', undefined, {
        'If-None-Match': overview.headers.etag,
      });
      expect(unchanged.status).toBe(304);
      // Another user gets the same answer under an allow-all policy.
      expect(
        (
          await get('/overview', OUTSIDER, {
            'If-None-Match': overview.headers.etag,
          })
        ).status,
      ).toBe(304);

      // Something changes and the scheduler evaluates it.
      await knex('compliance_entities').update({ dirty: true });
      await scheduler.triggerTask('compliance:evaluate');
      const changed = await get(
        '/entities/component/default/svc-01',
        undefined,
        {
          'If-None-Match': etag,
        },
      );
      expect(changed.status).toBe(200);
      expect(changed.headers.etag).not.toBe(etag);
      const overviewChanged = await get('/overview', undefined, {
        'If-None-Match': overview.headers.etag,
      });
      expect(overviewChanged.status).toBe(200);

      // A collection finishing changes what the summary shows (when each
      // collector last finished) even when no score moves.
      await scheduler.triggerTask('compliance:collect:catalog');
      const collected = await get(
        '/entities/component/default/svc-01',
        undefined,
        { 'If-None-Match': changed.headers.etag },
      );
      expect(collected.status).toBe(200);
      expect(collected.body.collectedAt.catalog).not.toBe(
        changed.body.collectedAt.catalog,
      );
      expect(Date.parse(collected.body.collectedAt.catalog)).toBeGreaterThan(
        Date.parse(changed.body.collectedAt.catalog),
      );
      await backend.stop();
    });
  },
);
