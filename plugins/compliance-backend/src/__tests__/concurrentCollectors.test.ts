import knexFactory, { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  COLLECT_TASKS,
  collectionAnomalies,
  collectionRuns,
  runCluster,
} from '../__testUtils__/replicaCluster';

/*
 * Two replicas with every collect task triggered at once, as the scheduler
 * runs them in production (each collector has its own schedule), while a
 * catalog-wide edit changes every entity each cycle. On PostgreSQL a
 * collector run fails now and then with "deadlock detected" between
 * DatabaseEntityStore.upsertEntities and DatabaseFactStore.writeFacts (see
 * lockOrder.test.ts for the forced interleaving).
 */

jest.setTimeout(120_000);

const databases = createTestDatabases();
const CYCLES = 4;

function secondPool(knex: Knex): Knex {
  if (knex.client.config.client !== 'pg') return knex;
  return knexFactory({
    client: 'pg',
    connection: knex.client.config.connection,
    pool: { min: 0, max: 10 },
  });
}

describe.each(databases.eachSupportedId())(
  'collectors at once on %s',
  databaseId => {
    it('runs every collector to completion every cycle', async () => {
      const knexA = await databases.init(databaseId);
      const knexB = secondPool(knexA);
      try {
        const run = await runCluster([knexA, knexB], {
          cycles: CYCLES,
          collectGroups: [COLLECT_TASKS],
          refreshes: 0,
          catalogChangesEachCycle: true,
        });
        expect(run.world.errors).toEqual([]);
        expect((await collectionRuns(knexA)).failed).toEqual([]);
        expect(collectionAnomalies(run.world, CYCLES)).toEqual([]);
      } finally {
        if (knexB !== knexA) await knexB.destroy();
      }
    });
  },
);
