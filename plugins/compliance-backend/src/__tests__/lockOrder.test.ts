import type { TestDatabaseId } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import {
  createTestDatabases,
  createTestStores,
} from '../__testUtils__/databases';
import { snapshot } from '../database/__testUtils__/fixtures';

/*
 * Two collectors at once on PostgreSQL: one upserts entity snapshots (the
 * first pass over new or changed catalog entities), the other writes facts
 * of the same entities. Both lock `compliance_entities` rows inside a
 * transaction, in different orders: the upsert in the order of the catalog
 * page (by metadata.name across kinds, which is not the ref order), the
 * fact write in the order of its UPDATE's plan. Seen in replicas.test.ts
 * with every collector triggered at once: "deadlock detected" from
 * DatabaseFactStore.writeFacts, which fails the whole collector run.
 *
 * Here the interleaving is forced with a third transaction holding one row.
 */

jest.setTimeout(60_000);

const databases = createTestDatabases();
const postgres = databases
  .eachSupportedId()
  .map(([id]) => id)
  .filter(id => id.startsWith('POSTGRES'));

const ref = (name: string) => `component:default/${name}`;

async function waitForLockWaits(knex: Knex, sessions: number) {
  for (let i = 0; i < 200; i++) {
    const rows = await knex('pg_stat_activity')
      .where('datname', knex.client.config.connection.database)
      .where('wait_event_type', 'Lock')
      .count({ n: '*' })
      .first();
    if (Number(rows?.n) >= sessions) return;
    await new Promise(r => setTimeout(r, 10));
  }
  throw new Error(`Never saw ${sessions} sessions waiting for a lock`);
}

describe.each(postgres.map(id => [id as TestDatabaseId]))(
  'entity row locks on %s',
  databaseId => {
    it('lets a snapshot upsert and a fact write of the same entities run at once', async () => {
      const { knex, stores } = await createTestStores(databases, databaseId);
      const t0 = new Date('2026-11-20T10:00:00Z');
      // Inserted in ref order: heap order and index order agree (a, b, c).
      for (const name of ['a', 'b', 'c']) {
        await stores.entities.upsertEntities([snapshot(name)], t0);
      }

      // A third transaction holds c, so the upsert stops there.
      const holder = await knex.transaction();
      await holder('compliance_entities')
        .where('entity_ref', ref('c'))
        .forUpdate()
        .select('entity_ref');

      // The catalog page order b, c, a: the upsert locks b, waits for c.
      const t1 = new Date('2026-11-20T10:05:00Z');
      const upsert = stores.entities.upsertEntities(
        ['b', 'c', 'a'].map(n => snapshot(n, { title: `${n} renamed` })),
        t1,
      );
      await waitForLockWaits(knex, 1);

      // Another collector's facts for a and b: its UPDATE marks a dirty,
      // then waits for b.
      const facts = stores.facts.writeFacts(
        'scanner',
        ['a', 'b'].map(n => ({
          entityRef: ref(n),
          factId: 'scanner.clean',
          value: true,
          observedAt: t1,
        })),
      );
      await waitForLockWaits(knex, 2);
      await holder.commit();

      const [upserted, written] = await Promise.allSettled([upsert, facts]);
      expect(upserted).toEqual({
        status: 'fulfilled',
        value: expect.arrayContaining([ref('a'), ref('b'), ref('c')]),
      });
      // Fails today: "deadlock detected" from the UPDATE of writeFacts.
      expect(written).toEqual({ status: 'fulfilled', value: { written: 4 } });
    });
  },
);
