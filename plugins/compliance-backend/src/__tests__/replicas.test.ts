import knexFactory, { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  changeChainViolations,
  diffStates,
  duplicateRows,
  halfWrittenEntities,
  readState,
} from '../__testUtils__/dbState';
import {
  COLLECT_TASKS,
  COMPONENTS,
  collectionAnomalies,
  collectionRuns,
  runCluster,
  SHARD_TASKS,
} from '../__testUtils__/replicaCluster';

/*
 * Two backends (replicas) on one database, each with the real,
 * database-locked scheduler, one catalog, three collection and evaluation
 * cycles triggered on both replicas at once, and refreshes on one replica
 * racing the evaluation that runs on the other. The result must be the one
 * a single replica reaches.
 */

jest.setTimeout(120_000);

const databases = createTestDatabases();
const CYCLES = 3;
/**
 * Collectors one after the other, the shards of one collector at once (they
 * own disjoint entities, which is what sharding across replicas is for).
 */
const COLLECT_GROUPS = [
  ['compliance:collect:catalog'],
  ['compliance:collect:scanner'],
  SHARD_TASKS,
];

const figures: string[] = [];
afterAll(() => {
  if (figures.length) {
    process.stdout.write(`\nreplicas.test figures:\n${figures.join('\n')}\n`);
  }
});

/** A second connection pool on the same database, as a second replica has. */
function secondPool(knex: Knex): Knex {
  // SQLite in memory is one connection: the replicas share it.
  if (knex.client.config.client !== 'pg') return knex;
  return knexFactory({
    client: 'pg',
    connection: knex.client.config.connection,
    pool: { min: 0, max: 10 },
  });
}

describe.each(databases.eachSupportedId())('two replicas on %s', databaseId => {
  it('collect every entity once per cycle, write no duplicate, and end where one replica ends', async () => {
    const knexA = await databases.init(databaseId);
    const knexB = secondPool(knexA);
    const reference = await databases.init(databaseId);
    const started = Date.now();
    try {
      const two = await runCluster([knexA, knexB], {
        cycles: CYCLES,
        collectGroups: COLLECT_GROUPS,
        refreshes: 6,
      });
      const one = await runCluster([reference], {
        cycles: CYCLES,
        collectGroups: COLLECT_GROUPS,
        refreshes: 0,
      });
      expect(two.world.errors).toEqual([]);
      expect(one.world.errors).toEqual([]);

      // Exactly once per cycle: the scheduler's lock let one replica run
      // each task, and every run went through.
      expect(collectionAnomalies(two.world, CYCLES)).toEqual([]);
      const runs = await collectionRuns(knexA);
      expect(runs.failed).toEqual([]);
      expect(runs.perKey).toEqual({
        catalog: CYCLES,
        scanner: CYCLES,
        'sharded#0': CYCLES,
        'sharded#1': CYCLES,
        'sharded#2': CYCLES,
      });

      // No duplicate rows, no change recorded twice, nothing half-written.
      const duplicates = await duplicateRows(knexA);
      const chains = await changeChainViolations(knexA);
      const halfWritten = await halfWrittenEntities(knexA);
      expect(duplicates).toEqual(
        Object.fromEntries(Object.keys(duplicates).map(t => [t, 0])),
      );
      expect(chains).toEqual([]);
      expect(halfWritten).toEqual([]);

      // The state one replica reaches. The first cycle's ledger depends on
      // whether an evaluation ran between two collectors (a control still
      // unknown turning known), so ledgers are compared from cycle 2 on.
      const divergences = diffStates(
        await readState(knexA, { ledgerSince: two.afterFirstCycle }),
        await readState(reference, { ledgerSince: one.afterFirstCycle }),
      );
      expect(divergences).toEqual({});

      const runsOf = (replica: string) =>
        two.world.runs.filter(r => r.replica === replica).length;
      const duplicateCount = Object.values(duplicates).reduce(
        (a, b) => a + b,
        0,
      );
      figures.push(
        [
          `${databaseId}: 2 replicas x ${CYCLES} cycles`,
          `${COMPONENTS} components, ${COLLECT_TASKS.length} collect tasks + evaluation per cycle`,
          `task runs A=${runsOf('replica-A')} B=${runsOf('replica-B')}`,
          `${two.refreshed} refreshes, ${two.overlapping} during an evaluation run`,
          `duplicate rows ${duplicateCount}`,
          `changes recorded twice ${chains.length}`,
          `divergences from one replica ${Object.keys(divergences).length}`,
          `${Math.round((Date.now() - started) / 1000)} s`,
        ].join('; '),
      );
    } finally {
      if (knexB !== knexA) await knexB.destroy();
    }
  });
});
