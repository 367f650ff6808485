/*
 * Benchmark of the streamed auditor export.
 *
 *   yarn bench:export [--entities 10000]
 *
 * Seeds N entities (catalog controls + 33 synthetic controls mapped to SOC 2,
 * ISO 27001 and OpenSSF) into SQLite and, when
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING or
 * COMPLIANCE_BENCH_POSTGRES is set, PostgreSQL; evaluates them; then streams
 * the export of every framework as of now in CSV and JSON into a hashing
 * sink (what the HTTP response does, without the socket). Prints rows/s,
 * bytes, and the RSS before and at the peak of the export (sampled every
 * 20 ms). The last line is one JSON object with the figures per database.
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
import { ExportService, HashingSink } from '../src/service/ExportService';

const N = numberArg('entities', Number(process.env.BENCH_ENTITIES ?? 10000));
const SYNTHETIC = 33;

function syntheticControls(): ControlDefinition[] {
  return Array.from({ length: SYNTHETIC }, (_, i) => ({
    id: `BENCH-${String(i).padStart(2, '0')}`,
    title: `Synthetic control ${i}`,
    description: 'benchmark',
    category: ['security', 'branch-protection', 'ci', 'repository'][i % 4],
    severity: (['critical', 'high', 'medium', 'low'] as const)[i % 4],
    rule: {
      pass: {
        fact: `bench.f${i}`,
        operator: 'greaterThanInclusive' as const,
        value: 30,
      },
    },
    frameworks:
      i % 2
        ? { soc2: [`CC8.${i % 3}`], openssf: ['Branch-Protection'] }
        : { iso27001: [`A.8.${20 + (i % 5)}`] },
  }));
}

async function runOn(name: string, knex: Knex) {
  const { stores, catalogue, engine } = await benchEngine(
    knex,
    syntheticControls(),
  );
  const seedStart = Date.now();
  const observed = new Date(Date.now() - 3600_000);
  await seedComponents(stores, {
    count: N,
    owners: 50,
    observedAt: observed,
    lifecycle: () => 'production',
    sourceRepoKind: () => 'project-slug',
    factsOf: (e, entityRef, id) =>
      Array.from({ length: SYNTHETIC }, (_, i) => ({
        entityRef,
        factId: `bench.f${i}`,
        value: (e * 7919 + i * 104729) % 100,
        evidence: {
          source: 'GET /repos/{owner}/{repo}',
          url: `https://github.example.com/org/svc-${id}`,
        },
        observedAt: observed,
      })),
  });
  await engine.evaluateDirty();
  const seedSeconds = (Date.now() - seedStart) / 1000;
  await knex.raw('analyze');

  const service = new ExportService({
    ...stores,
    catalogue,
    configWaivers: [],
  });
  const figures: Record<string, unknown> = {
    entities: N,
    controls: catalogue.controls.length,
    seedSeconds: round(seedSeconds),
  };
  for (const format of ['csv', 'json'] as const) {
    (global as any).gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const sink = new HashingSink();
    const t0 = process.hrtime.bigint();
    const rows = await service.write(
      service.resolve({ framework: 'all', format }, new Date()),
      undefined,
      sink,
    );
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    figures[format] = {
      rows,
      seconds: round(seconds),
      rowsPerSecond: Math.round(rows / seconds),
      megabytes: round(sink.bytes / 1e6),
      rssBeforeMb: Math.round(rssBefore / 1e6),
      rssPeakMb: Math.round(peak / 1e6),
      rssRiseMb: Math.round((peak - rssBefore) / 1e6),
    };
    console.log(
      `${name} ${format}: ${rows} rows in ${round(seconds)} s (${Math.round(
        rows / seconds,
      )} rows/s), ${round(sink.bytes / 1e6)} MB; RSS ${Math.round(
        rssBefore / 1e6,
      )} MB before, ${Math.round(peak / 1e6)} MB peak (+${Math.round(
        (peak - rssBefore) / 1e6,
      )} MB)`,
    );
  }
  return figures;
}

function round(n: number) {
  return Math.round(n * 100) / 100;
}

async function main() {
  console.log(`Seeding ${N} entities...`);
  await onEachDatabase('compliance_bench_export', runOn);
}

runMain(main);
