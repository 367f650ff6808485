/*
 * What the store benchmarks share: command-line numbers, a silent logger,
 * running one measurement on in-memory SQLite and, when configured, a
 * fresh PostgreSQL database that is dropped afterwards, and the engine over
 * synthetic components seeded in batches.
 */
import knexFactory, { Knex } from 'knex';
import type { ControlDefinition } from 'backstage-plugin-compliance-common';
import type { FactWrite } from '../src/database/ComplianceStore';
import { DatabaseComplianceStore } from '../src/database/DatabaseComplianceStore';
import { ControlCatalogue } from '../src/controls/ControlCatalogue';
import {
  catalogControls,
  defaultLevels,
} from '../src/controls/catalogControls';
import type { EntitySnapshot } from '../src/lib/evaluate';
import { EvaluationRunner } from '../src/service/EvaluationRunner';

/** `--name <number>` from the command line, or the fallback. */
export function numberArg(name: string, fallback: number): number {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

export const noopLogger: any = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child() {
    return noopLogger;
  },
};

/**
 * Runs `measure` on SQLite and on PostgreSQL (when
 * COMPLIANCE_BENCH_POSTGRES or
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set), then prints
 * the figures of both as the last line, one JSON object.
 */
export async function onEachDatabase(
  prefix: string,
  measure: (label: string, knex: Knex) => Promise<unknown>,
): Promise<void> {
  const out: Record<string, unknown> = {};
  const sqlite = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  try {
    out.sqlite = await measure('sqlite (better-sqlite3, in memory)', sqlite);
  } finally {
    await sqlite.destroy();
  }
  const pgUrl =
    process.env.COMPLIANCE_BENCH_POSTGRES ??
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  if (pgUrl) {
    const dbName = `${prefix}_${Date.now()}`;
    const admin = knexFactory({ client: 'pg', connection: pgUrl });
    await admin.raw(`create database ${dbName}`);
    const url = new URL(pgUrl);
    url.pathname = `/${dbName}`;
    const pg = knexFactory({
      client: 'pg',
      connection: url.toString(),
      pool: { min: 1, max: 5 },
    });
    try {
      out.postgres = await measure(`postgres (${dbName})`, pg);
    } finally {
      await pg.destroy();
      if (!process.env.BENCH_KEEP_DB) {
        await admin.raw(`drop database if exists ${dbName}`);
      }
      await admin.destroy();
    }
  } else {
    console.log(
      '\npostgres: skipped (set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING)',
    );
  }
  console.log(JSON.stringify(out));
}

/** Runs a benchmark's main, exiting non-zero on an error. */
export function runMain(main: () => Promise<void>): void {
  main().catch(e => {
    console.error(e);
    process.exit(1);
  });
}

/**
 * The stores on `knex` (migrated), the catalogue of the catalog controls
 * plus `synthetic` ones, and the evaluation engine over them.
 */
export async function benchEngine(knex: Knex, synthetic: ControlDefinition[]) {
  const stores = await DatabaseComplianceStore.create({
    database: {
      getClient: async () => knex,
      migrations: { skip: false },
    } as any,
  });
  const catalogue = ControlCatalogue.create({
    builtin: catalogControls({
      lifecycles: ['experimental', 'production', 'deprecated'],
      minDescriptionLength: 20,
    }),
    modules: synthetic,
    config: [],
    levels: defaultLevels,
    frameworks: [],
    kinds: ['component'],
  });
  const engine = new EvaluationRunner({
    ...stores,
    catalogue,
    waivers: [],
    logger: noopLogger,
  });
  return { stores, catalogue, engine };
}

/**
 * Seeds `count` components `svc-000000`… in batches of 1000: the entity,
 * the catalog collector's facts (owner `team-<e % owners>`, system
 * `sys-<e % 20>`), and the facts `factsOf` adds for component `e`.
 */
export async function seedComponents(
  stores: Awaited<ReturnType<typeof benchEngine>>['stores'],
  options: {
    count: number;
    owners: number;
    observedAt: Date;
    lifecycle: (e: number) => string;
    sourceRepoKind: (e: number) => string;
    factsOf: (e: number, entityRef: string, id: string) => FactWrite[];
  },
): Promise<void> {
  const { count, owners, observedAt } = options;
  for (let start = 0; start < count; start += 1000) {
    const snapshots: EntitySnapshot[] = [];
    const facts: FactWrite[] = [];
    for (let e = start; e < Math.min(count, start + 1000); e++) {
      const id = String(e).padStart(6, '0');
      const entityRef = `component:default/svc-${id}`;
      const lifecycle = options.lifecycle(e);
      snapshots.push({
        entityRef,
        kind: 'component',
        namespace: 'default',
        name: `svc-${id}`,
        type: 'service',
        lifecycle,
        owner: `group:default/team-${e % owners}`,
        system: `system:default/sys-${e % 20}`,
        tags: [],
        annotations: {},
      });
      const cat: Record<string, FactWrite['value']> = {
        'catalog.owner.ref': `group:default/team-${e % owners}`,
        'catalog.owner.kind': 'group',
        'catalog.owner.exists': e % 10 !== 0,
        'catalog.lifecycle': lifecycle,
        'catalog.system.ref': `system:default/sys-${e % 20}`,
        'catalog.system.exists': true,
        'catalog.description.length': e % 40,
        'catalog.techdocs': e % 2 === 0,
        'catalog.oncall': e % 5 !== 0,
        'catalog.sourceRepo.kind': options.sourceRepoKind(e),
      };
      for (const [factId, value] of Object.entries(cat)) {
        facts.push({ entityRef, factId, value, observedAt });
      }
      facts.push(...options.factsOf(e, entityRef, id));
    }
    await stores.entities.upsertEntities(snapshots, observedAt);
    await stores.facts.writeFacts('bench', facts);
  }
}
