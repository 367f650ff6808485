import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  createBackendModule,
  createServiceFactory,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  complianceCollectorsExtensionPoint,
  complianceControlsExtensionPoint,
} from 'backstage-plugin-compliance-node';
import type { Knex } from 'knex';
import request from 'supertest';
import { compliancePlugin } from '../plugin';
import {
  closeGate,
  newWorld,
  recordingRootLogger,
  type World,
} from './clusterWorld';
import { manualSchedulerFactory, waitForTasksIdle } from './manualScheduler';
import {
  componentName,
  phaseCollectors,
  phaseControls,
  scannerClean,
  syntheticEntities,
} from './syntheticCatalog';

/**
 * Backends (replicas) of the compliance plugin on one database, each with
 * the real database-locked scheduler, sharing one catalog and the "outside
 * world" the phase collectors read; cycles are triggered on every replica
 * at once.
 */

export const COMPONENTS = 300;
export const SHARDS = 3;
export const EVALUATE_TASK = 'compliance:evaluate';
export const SHARD_TASKS = Array.from(
  { length: SHARDS },
  (_, i) => `compliance:collect:sharded:${i}`,
);
/** Every collect task of the plugin with the phase collectors. */
export const COLLECT_TASKS = [
  'compliance:collect:catalog',
  'compliance:collect:scanner',
  ...SHARD_TASKS,
];

export interface Replica {
  name: string;
  backend: Awaited<ReturnType<typeof startTestBackend>>;
  scheduler: SchedulerService;
}

async function startReplica(
  name: string,
  knex: Knex,
  world: World,
  catalog: ReturnType<typeof catalogServiceMock>,
): Promise<Replica> {
  let scheduler: SchedulerService | undefined;
  const testCollectors = createBackendModule({
    pluginId: 'compliance',
    moduleId: 'phase-test',
    register(env) {
      env.registerInit({
        deps: {
          collectors: complianceCollectorsExtensionPoint,
          controls: complianceControlsExtensionPoint,
        },
        async init({ collectors, controls }) {
          collectors.addCollector(
            phaseCollectors({
              phase: () => world.phase,
              onCall: call => {
                if (!call.signal) return;
                world.calls.push({
                  replica: name,
                  collectorId: call.collectorId,
                  phase: call.phase,
                  refs: call.refs,
                });
              },
            }),
          );
          controls.addControls(phaseControls);
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      compliancePlugin,
      testCollectors,
      createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () => catalog,
      }),
      manualSchedulerFactory({
        onCreate: s => {
          scheduler = s;
        },
        wrap: (taskId, fn) => async (signal: AbortSignal) => {
          world.runs.push({ replica: name, taskId, phase: world.phase });
          if (taskId !== EVALUATE_TASK) {
            await fn(signal);
            return;
          }
          await world.gate;
          const start = Date.now();
          try {
            await fn(signal);
          } finally {
            world.evaluating.push([start, Date.now()]);
          }
        },
      }),
      mockServices.database.factory({ knex }),
      recordingRootLogger(world.errors),
      mockServices.rootConfig.factory({
        data: {
          compliance: {
            collectors: { sharded: { shards: SHARDS } },
            waivers: [
              {
                entityRef: 'component:default/svc-00003',
                controlId: 'CAT-05',
                reason: 'docs are being written',
              },
            ],
          },
        },
      }),
    ],
  });
  if (!scheduler) throw new Error(`${name}: no scheduler was created`);
  return { name, backend, scheduler };
}

/** Triggers tasks on every replica at once; "already running" is fine. */
async function triggerEverywhere(replicas: Replica[], taskIds: string[]) {
  const outcomes = await Promise.allSettled(
    replicas.flatMap(r => taskIds.map(id => r.scheduler.triggerTask(id))),
  );
  for (const o of outcomes) {
    if (o.status === 'rejected' && o.reason?.name !== 'ConflictError') {
      throw o.reason;
    }
  }
}

async function dirtyCount(knex: Knex) {
  const row = await knex('compliance_entities')
    .where('dirty', true)
    .count({ n: '*' })
    .first();
  return Number(row?.n ?? 0);
}

async function refreshWhileEvaluating(
  world: World,
  replica: Replica,
  phase: number,
  count: number,
): Promise<number> {
  let refreshed = 0;
  const flipping = Array.from({ length: COMPONENTS }, (_, i) => i)
    .filter(i => scannerClean(i, phase) !== scannerClean(i, phase - 1))
    .filter(i => !world.refreshedComponents.has(i))
    .slice(0, count);
  flipping.forEach(i => world.refreshedComponents.add(i));
  // Two at a time: the refresh guard's default concurrency.
  for (let i = 0; i < flipping.length; i += 2) {
    const answers = await Promise.all(
      flipping.slice(i, i + 2).map(async n => {
        const start = Date.now();
        const answer = await request(replica.backend.server)
          .post(
            `/api/compliance/entities/component/default/${componentName(
              n,
            )}/refresh`,
          )
          .set('Authorization', mockCredentials.user.header());
        world.refreshing.push([start, Date.now()]);
        return answer;
      }),
    );
    for (const a of answers) {
      if (a.status !== 200) {
        throw new Error(`Refresh answered ${a.status}: ${a.text}`);
      }
      refreshed += 1;
    }
  }
  return refreshed;
}

/**
 * One cycle: the world moves to `phase`; each group of collect tasks is
 * triggered on every replica at once and awaited; then the evaluation,
 * which starts only when the test opens the gate; with `refreshes`,
 * entities whose scanner result flips are refreshed over HTTP on a replica
 * other than the one running the evaluation, while it runs.
 */
async function runCycle(options: {
  knex: Knex;
  replicas: Replica[];
  world: World;
  phase: number;
  collectGroups: string[][];
  refreshes: number;
}): Promise<number> {
  const { knex, replicas, world, phase } = options;
  world.phase = phase;
  closeGate(world);
  for (const group of options.collectGroups) {
    await triggerEverywhere(replicas, group);
    await waitForTasksIdle(knex, group);
  }
  await triggerEverywhere(replicas, [EVALUATE_TASK]);
  // A replica has claimed the evaluation when it waits at the gate.
  const deadline = Date.now() + 20_000;
  let holder: string | undefined;
  while (!holder) {
    holder = world.runs.find(
      r => r.taskId === EVALUATE_TASK && r.phase === phase,
    )?.replica;
    if (!holder && Date.now() > deadline) {
      throw new Error('No replica ran the evaluation');
    }
    if (!holder) await new Promise(r => setTimeout(r, 20));
  }
  world.openGate();
  const other = replicas.find(r => r.name !== holder) ?? replicas[0];
  const refreshed = options.refreshes
    ? await refreshWhileEvaluating(world, other, phase, options.refreshes)
    : 0;
  for (let attempt = 0; ; attempt++) {
    await waitForTasksIdle(knex, [EVALUATE_TASK]);
    if ((await dirtyCount(knex)) === 0) break;
    if (attempt > 10) throw new Error('Entities stay dirty');
    await triggerEverywhere(replicas, [EVALUATE_TASK]);
  }
  return refreshed;
}

/** What a run of a cluster leaves for the assertions. */
export interface ClusterRun {
  world: World;
  refreshed: number;
  /** Refreshes served while an evaluation ran. */
  overlapping: number;
  /** After the first cycle's evaluation finished. */
  afterFirstCycle: Date;
}

/**
 * Starts one replica per connection, runs `cycles` cycles and stops them.
 * From the second cycle on, `refreshes` entities are refreshed per cycle.
 */
export async function runCluster(
  knexes: Knex[],
  options: {
    cycles: number;
    collectGroups: string[][];
    refreshes: number;
    /** An annotation of every entity changes each cycle (a catalog-wide edit). */
    catalogChangesEachCycle?: boolean;
  },
): Promise<ClusterRun> {
  const world = newWorld();
  const base = syntheticEntities(COMPONENTS);
  const catalog = catalogServiceMock({
    entities: options.catalogChangesEachCycle
      ? base.map(e => {
          const annotations = { ...e.metadata.annotations };
          // A live view: every read sees the current cycle.
          Object.defineProperty(annotations, 'compliance.test/cycle', {
            enumerable: true,
            get: () => String(world.phase),
          });
          return { ...e, metadata: { ...e.metadata, annotations } };
        })
      : base,
  });
  // One after the other: two backends migrating a fresh database at the
  // same moment fail on knex's migration table (the scheduler's and this
  // plugin's alike), which is not what the cycles are about.
  const replicas: Replica[] = [];
  for (const [i, knex] of knexes.entries()) {
    replicas.push(
      await startReplica(`replica-${'AB'[i]}`, knex, world, catalog),
    );
  }
  let refreshed = 0;
  let afterFirstCycle = new Date();
  try {
    for (let phase = 1; phase <= options.cycles; phase++) {
      refreshed += await runCycle({
        knex: knexes[0],
        replicas,
        world,
        phase,
        collectGroups: options.collectGroups,
        refreshes: phase > 1 ? options.refreshes : 0,
      });
      if (phase === 1) afterFirstCycle = new Date();
    }
  } finally {
    await Promise.all(replicas.map(r => r.backend.stop()));
  }
  const overlapping = world.refreshing.filter(([s, e]) =>
    world.evaluating.some(([es, ee]) => s < ee && es < e),
  ).length;
  return { world, refreshed, overlapping, afterFirstCycle };
}

/** Per phase collector and cycle: components not collected exactly once. */
export function collectionAnomalies(world: World, cycles: number): string[] {
  const out: string[] = [];
  for (const collectorId of ['scanner', 'sharded']) {
    for (let phase = 1; phase <= cycles; phase++) {
      const counts = new Map<string, number>();
      for (const call of world.calls) {
        if (call.collectorId !== collectorId || call.phase !== phase) continue;
        for (const ref of call.refs) {
          counts.set(ref, (counts.get(ref) ?? 0) + 1);
        }
      }
      for (let i = 0; i < COMPONENTS; i++) {
        const ref = `component:default/${componentName(i)}`;
        const n = counts.get(ref) ?? 0;
        if (n !== 1) out.push(`${collectorId} cycle ${phase}: ${ref} ${n}x`);
      }
    }
  }
  return out;
}

/** Collection runs per run key, and the ones that did not succeed. */
export async function collectionRuns(knex: Knex) {
  const rows = await knex('compliance_collector_runs')
    .whereNot('collector_id', '$evaluation')
    .select('collector_id', 'status');
  const perKey: Record<string, number> = {};
  const failed: string[] = [];
  for (const r of rows) {
    perKey[r.collector_id] = (perKey[r.collector_id] ?? 0) + 1;
    if (r.status !== 'succeeded') failed.push(`${r.collector_id} ${r.status}`);
  }
  return { perKey, failed };
}
