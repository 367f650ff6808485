import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { ComplianceCollector } from 'backstage-plugin-compliance-node';
import { describeOnEachDatabase } from '../__testUtils__/databases';
import { component as entity } from '../__testUtils__/entities';
import { StatusService } from './StatusService';
import { CollectionRunner } from './CollectionRunner';

const component = (name: string, annotations = {}): Entity =>
  entity(name, {}, { annotations });

describeOnEachDatabase('CollectionRunner', setup => {
  async function world(
    entities: Entity[],
    collect: ComplianceCollector['collect'],
  ) {
    const { stores, knex } = await setup();
    const catalog = catalogServiceMock({ entities });
    const collector: ComplianceCollector = {
      id: 'test',
      facts: [{ id: 'test.f', type: 'number', description: 'f' }],
      collect,
    };
    const runner = new CollectionRunner({
      ...stores,
      catalog,
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      collectors: [collector],
      settings: {},
      kinds: ['component'],
    });
    const status = new StatusService({
      ...stores,
      collectors: [collector],
      settings: {},
      controlCount: 0,
    });
    return { stores, knex, runner, status };
  }

  it('records a failed run with a generic message, keeping the detail out of /status', async () => {
    const w = await world([component('a')], async () => {
      throw new Error(
        'SELECT * FROM secrets WHERE entity = component:default/b',
      );
    });
    // A collector batch failure is contained: facts become transient unknowns.
    await w.runner.collect('test');
    const facts = await w.stores.facts.getFacts(['component:default/a']);
    expect(facts.get('component:default/a')?.[0]).toMatchObject({
      factId: 'test.f',
      unknownReason: 'error',
    });
    // A failure of the run itself (the store) is recorded generically.
    jest
      .spyOn(w.stores.entities, 'upsertEntities')
      .mockRejectedValueOnce(new Error('insert into ... values (secret)'));
    await expect(w.runner.collect('test')).rejects.toThrow('secret');
    const { collectors } = await w.status.status();
    expect(collectors[0].lastRun).toMatchObject({ status: 'failed' });
    expect(collectors[0].lastRun?.message).not.toContain('secret');
    expect(collectors[0].lastRun?.message).toContain('backend logs');
  });

  it('counts a batch whose source failed for some entities as an error of the run', async () => {
    const w = await world([component('a'), component('b')], async batch =>
      batch.map(e =>
        e.metadata.name === 'a'
          ? { entityRef: 'component:default/a', factId: 'test.f', value: 1 }
          : {
              entityRef: 'component:default/b',
              factId: 'test.f',
              unknownReason: 'error' as const,
              message: 'GitHub answered 502',
            },
      ),
    );
    const stats = await w.runner.collect('test');
    expect(stats.errors).toBe(1);
    const { collectors } = await w.status.status();
    expect(collectors[0].lastRun).toMatchObject({
      status: 'succeeded',
      errors: 1,
      entitiesProcessed: 2,
    });
  });

  it('records an aborted cycle as failed, not succeeded', async () => {
    const controller = new AbortController();
    const w = await world([component('a'), component('b')], async batch => {
      controller.abort();
      return batch.map(e => ({
        entityRef: `component:default/${e.metadata.name}`,
        factId: 'test.f',
        value: 1,
      }));
    });
    await w.runner.collect('test', { signal: controller.signal });
    const { collectors } = await w.status.status();
    expect(collectors[0].lastRun).toMatchObject({ status: 'failed' });
    expect(collectors[0].lastRun?.message).toMatch(/Aborted/);
  });

  it('prunes entities that left the catalog or opted out, never on an empty answer', async () => {
    const w = await world(
      [
        component('a'),
        component('b', { 'compliance.backstage.io/skip': 'true' }),
      ],
      async () => [],
    );
    await w.stores.entities.upsertEntities(
      ['a', 'b', 'gone'].map(name => ({
        entityRef: `component:default/${name}`,
        kind: 'component',
        namespace: 'default',
        name,
        tags: [],
        annotations: {},
      })),
      new Date(),
    );
    expect(await w.runner.pruneEntities()).toBe(2);
    expect(await w.stores.entities.countEntities()).toBe(1);
    const empty = await world([], async () => []);
    await empty.stores.entities.upsertEntities(
      [
        {
          entityRef: 'component:default/a',
          kind: 'component',
          namespace: 'default',
          name: 'a',
          tags: [],
          annotations: {},
        },
      ],
      new Date(),
    );
    expect(await empty.runner.pruneEntities()).toBe(0);
    expect(await empty.stores.entities.countEntities()).toBe(1);
  });

  it('cleans up collector state not written within the retention, keeping the engine state', async () => {
    const { stores } = await world([], async () => []);
    const old = new Date('2026-01-01T00:00:00Z');
    await stores.facts.setState(
      'github',
      [{ key: 'etag:x', value: 'W/"1"' }],
      old,
    );
    await stores.facts.setState(
      '$engine',
      [{ key: 'controlsHash', value: 'h' }],
      old,
    );
    await stores.facts.setState(
      'github',
      [{ key: 'etag:y', value: 'W/"2"' }],
      new Date(),
    );
    expect(
      await stores.facts.deleteStateBefore(new Date('2026-06-01T00:00:00Z')),
    ).toBe(1);
    expect([
      ...(await stores.facts.getState('github', ['etag:x', 'etag:y'])).keys(),
    ]).toEqual(['etag:y']);
    expect(
      (await stores.facts.getState('$engine', ['controlsHash'])).size,
    ).toBe(1);
  });
});
