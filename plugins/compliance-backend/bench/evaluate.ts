/*
 * Benchmark of a full evaluation cycle.
 *
 *   yarn bench:evaluate [--entities 10000]
 *
 * Seeds N synthetic entities with facts for ~40 controls into SQLite and (when
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING or
 * COMPLIANCE_BENCH_POSTGRES is set) PostgreSQL, runs a full evaluation cycle
 * and an unchanged second cycle, and times an org-overview page. The last
 * line printed is one JSON object with the figures per database.
 */
import type { Knex } from 'knex';
import {
  benchEngine,
  numberArg,
  onEachDatabase,
  runMain,
  seedComponents,
} from './support';
import type { ControlDefinition } from 'backstage-plugin-compliance-common';
import type { FactWrite } from '../src/database/ComplianceStore';

const N = numberArg('entities', Number(process.env.BENCH_ENTITIES ?? 10000));
const OWNERS = 50;
const SYNTHETIC = 33;

function syntheticControls(): ControlDefinition[] {
  const ops = ['equal', 'greaterThanInclusive', 'in', 'exists'] as const;
  return Array.from({ length: SYNTHETIC }, (_, i) => {
    const fact = `bench.f${i}`;
    const op = ops[i % ops.length];
    const passByOp = {
      equal: { fact, operator: op, value: true },
      greaterThanInclusive: { fact, operator: op, value: 50 },
      in: { fact, operator: op, value: ['a', 'b'] },
      exists: { fact, operator: op },
    };
    const pass = passByOp[op];
    return {
      id: `BENCH-${String(i).padStart(2, '0')}`,
      title: `Synthetic control ${i}`,
      description: 'benchmark',
      category: ['security', 'branch-protection', 'ci', 'repository'][i % 4],
      severity: (['critical', 'high', 'medium', 'low'] as const)[i % 4],
      rule: {
        pass: pass as any,
        ...(op === 'greaterThanInclusive'
          ? {
              warn: {
                fact,
                operator: 'greaterThanInclusive' as const,
                value: 25,
              },
            }
          : {}),
      },
      frameworks:
        i % 2
          ? { soc2: ['CC8.1'], openssf: ['Branch-Protection'] }
          : { iso27001: ['A.8.32'] },
    };
  });
}

function factValue(i: number, e: number): FactWrite['value'] {
  const r = (e * 7919 + i * 104729) % 100;
  switch (i % 4) {
    case 0:
      return r > 30;
    case 1:
      return r;
    case 2:
      return r > 50 ? 'a' : 'c';
    default:
      return r > 20 ? 'x' : null;
  }
}

async function runOn(name: string, knex: Knex) {
  const { stores, catalogue, engine } = await benchEngine(
    knex,
    syntheticControls(),
  );

  const seedStart = Date.now();
  const now = new Date();
  await seedComponents(stores, {
    count: N,
    owners: OWNERS,
    observedAt: now,
    lifecycle: e => (e % 3 ? 'production' : 'experimental'),
    sourceRepoKind: e => (e % 7 ? 'project-slug' : 'none'),
    factsOf: (e, entityRef) =>
      Array.from(
        { length: SYNTHETIC },
        (_, i): FactWrite =>
          // A few facts are unknown, as real sources produce.
          (e + i) % 97 === 0
            ? {
                entityRef,
                factId: `bench.f${i}`,
                unknownReason: 'insufficient_permission',
                observedAt: now,
              }
            : {
                entityRef,
                factId: `bench.f${i}`,
                value: factValue(i, e),
                observedAt: now,
              },
      ),
  });
  const seedSeconds = (Date.now() - seedStart) / 1000;
  // Fresh statistics, as autovacuum / a periodic ANALYZE keeps them.
  await knex.raw('analyze');

  const t0 = process.hrtime.bigint();
  const first = await engine.evaluateDirty();
  const cycleSeconds = Number(process.hrtime.bigint() - t0) / 1e9;

  // Same facts again: nothing is dirty, nothing is written.
  await stores.facts.writeFacts('bench', [
    {
      entityRef: 'component:default/svc-000000',
      factId: 'bench.f0',
      value: factValue(0, 0),
      observedAt: new Date(),
    },
  ]);
  const t1 = process.hrtime.bigint();
  const second = await engine.evaluateDirty();
  const secondCycleSeconds = Number(process.hrtime.bigint() - t1) / 1e9;

  // Force a full re-evaluation over unchanged facts: inputs hashes match, nothing written.
  await stores.entities.markAllDirty();
  const t2 = process.hrtime.bigint();
  const unchanged = await engine.evaluateDirty();
  const unchangedCycleSeconds = Number(process.hrtime.bigint() - t2) / 1e9;

  // Statistics again now that scores exist (autovacuum would do the same).
  await knex.raw('analyze');
  const timings: number[] = [];
  for (let i = 0; i < 25; i++) {
    const s = process.hrtime.bigint();
    const page = await stores.overview.getOverview({
      owners: [`group:default/team-${i % OWNERS}`],
      sort: 'score',
      order: 'asc',
      page: 1,
      pageSize: 50,
    });
    if (page.items.length === 0) throw new Error('overview returned nothing');
    timings.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  timings.sort((a, b) => a - b);
  const overviewMs = timings[Math.floor(timings.length / 2)];
  const unfiltered: number[] = [];
  for (let i = 0; i < 5; i++) {
    const s = process.hrtime.bigint();
    await stores.overview.getOverview({
      sort: 'score',
      order: 'desc',
      page: 1,
      pageSize: 50,
    });
    unfiltered.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  unfiltered.sort((a, b) => a - b);

  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const figures = {
    entities: N,
    controls: catalogue.controls.length,
    seedSeconds: round(seedSeconds),
    cycleSeconds: round(cycleSeconds),
    entitiesPerSecond: Math.round(N / cycleSeconds),
    rowsWritten: first.rowsWritten,
    secondCycleSeconds: round(secondCycleSeconds),
    secondCycleRowsWritten: second.rowsWritten,
    unchangedFullCycleSeconds: round(unchangedCycleSeconds),
    unchangedFullCycleRowsWritten: unchanged.rowsWritten,
    overviewMs: round(overviewMs),
    overviewUnfilteredMs: round(unfiltered[2]),
    peakRssMb,
  };
  console.log(`\n${name}`);
  console.log(
    `  seeded ${N} entities x ${catalogue.controls.length} controls in ${figures.seedSeconds} s`,
  );
  console.log(
    `  full evaluation cycle: ${figures.cycleSeconds} s (${figures.entitiesPerSecond} entities/s), ${figures.rowsWritten} rows written`,
  );
  console.log(
    `  next cycle with 1 changed fact: ${figures.secondCycleSeconds} s, ${figures.secondCycleRowsWritten} rows written`,
  );
  console.log(
    `  forced re-evaluation over unchanged facts: ${figures.unchangedFullCycleSeconds} s, ${figures.unchangedFullCycleRowsWritten} rows written`,
  );
  console.log(
    `  overview page (owner filter, sort by score, 50 rows): median ${figures.overviewMs} ms; unfiltered ${figures.overviewUnfilteredMs} ms`,
  );
  console.log(`  peak RSS so far: ${peakRssMb} MB`);
  return figures;
}

function round(n: number) {
  return Math.round(n * 1000) / 1000;
}

async function main() {
  await onEachDatabase('compliance_bench', runOn);
}

runMain(main);
