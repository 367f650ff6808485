import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { orgCiResponseSchema } from 'backstage-plugin-compliance-common';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import { component, group } from '../__testUtils__/entities';
import {
  conditionalPermissions,
  OUTSIDER,
  outsiderCatalog,
  startCompliance,
} from '../__testUtils__/testBackend';

jest.setTimeout(90_000);

const databases = createTestDatabases();

const entities: Entity[] = [
  group('platform', { type: 'tribe', children: ['team-a'] }),
  group('team-a', { parent: 'platform' }),
  component('api', { lifecycle: 'production', owner: 'group:team-a' }),
  component('web', { lifecycle: 'production', owner: 'group:team-b' }),
  component('secret', { lifecycle: 'production', owner: 'group:team-a' }),
];

/** The in-memory catalog; the outsider may not read `secret`. */
const catalog = outsiderCatalog({
  entities,
  hidden: name => name === 'secret',
});

/** Every permission allowed, catalog reads decided by the catalog. */
const permissions = conditionalPermissions();

const NOW = Date.now();
/** Six runs of `build` (one flaky commit) and `e2e` (slow) of one entity. */
function runs(prefix: string, e2eSeconds: number, flaky: boolean) {
  return Array.from({ length: 6 }, (_, i) => {
    const failedFirst = flaky && i === 0;
    return {
      id: `${prefix}-${i}`,
      name: 'pipeline',
      status: failedFirst ? 'failure' : 'success',
      sha: `${i}`.padStart(7, 'a'),
      startedAt: new Date(NOW - (i + 1) * 3_600_000).toISOString(),
      durationSeconds: 300,
      checks: [
        { name: 'build', status: failedFirst ? 'failure' : 'success' },
        { name: 'e2e', status: 'success', durationSeconds: e2eSeconds },
      ],
    };
  }).concat(
    flaky
      ? [
          {
            id: `${prefix}-retry`,
            name: 'pipeline',
            status: 'success',
            sha: 'aaaaaa0',
            startedAt: new Date(NOW - 1_800_000).toISOString(),
            durationSeconds: 300,
            checks: [
              { name: 'build', status: 'success' },
              { name: 'e2e', status: 'success', durationSeconds: e2eSeconds },
            ],
          },
        ]
      : [],
  );
}

describe.each(databases.eachSupportedId())('org CI view on %s', databaseId => {
  it('lists the flakiest and slowest checks of the readable filtered entities', async () => {
    const knex = await databases.init(databaseId);
    const { backend, cycle } = await startCompliance({
      knex,
      features: [catalog.factory, permissions.factory],
    });
    await cycle();
    const server = backend.server;
    const push = (entityRef: string, body: unknown[]) =>
      request(server)
        .post('/api/compliance/ci/runs')
        .set('Authorization', mockCredentials.service.header())
        .send({ entityRef, system: 'gitlab-ci', runs: body });
    expect(
      (await push('component:default/api', runs('a', 600, true))).status,
    ).toBe(200);
    expect(
      (await push('component:default/web', runs('w', 1200, false))).status,
    ).toBe(200);
    expect(
      (await push('component:default/secret', runs('s', 5000, true))).status,
    ).toBe(200);

    const get = (query: string, user?: string) =>
      request(server)
        .get(`/api/compliance/overview/ci${query}`)
        .set('Authorization', mockCredentials.user.header(user));

    const all = await get('');
    expect(all.status).toBe(200);
    const body = orgCiResponseSchema.parse(all.body);
    expect(body.entityCount).toBe(3);
    expect(body.flakiest.map(c => c.name)).toEqual(['build', 'pipeline']);
    expect(body.flakiest[0].entities.map(e => e.entityRef)).toEqual([
      'component:default/api',
      'component:default/secret',
    ]);
    expect(body.slowest[0]).toMatchObject({
      name: 'e2e',
      maxP95DurationSeconds: 5000,
      entityCount: 3,
    });
    expect(body.slowest[0].entities[0].entityRef).toBe(
      'component:default/secret',
    );

    // The outsider never sees the entity the catalog hides from them.
    const outsider = orgCiResponseSchema.parse((await get('', OUTSIDER)).body);
    expect(outsider.entityCount).toBe(2);
    expect(JSON.stringify(outsider)).not.toContain('secret');
    expect(outsider.slowest[0].maxP95DurationSeconds).toBe(1200);

    // Owner filters are transitive: platform owns team-a's entities.
    const owned = orgCiResponseSchema.parse(
      (await get('?owner=group:default/platform', OUTSIDER)).body,
    );
    expect(owned.entityCount).toBe(1);
    expect(owned.flakiest[0].entities).toEqual([
      expect.objectContaining({ entityRef: 'component:default/api' }),
    ]);

    const bad = await get('?limit=500');
    expect(bad.status).toBe(400);
    expect(bad.body.error.name).toBe('InputError');
    await knex.destroy();
  });
});
