/*
 * What the store benchmarks share: command-line numbers, a silent logger,
 * and running one measurement on in-memory SQLite and, when configured, a
 * fresh PostgreSQL database that is dropped afterwards.
 */
import knexFactory, { Knex } from 'knex';

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
