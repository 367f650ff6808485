import type { TestDatabaseId } from '@backstage/backend-test-utils';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import knexFactory, { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  changeChainViolations,
  ComplianceState,
  diffStates,
  duplicateRows,
  halfWrittenEntities,
  readState,
} from '../__testUtils__/dbState';
import { createPipeline } from '../__testUtils__/pipeline';
import { syntheticEntities } from '../__testUtils__/syntheticCatalog';

/*
 * A backend process killed (SIGKILL) in the middle of a collection and
 * evaluation cycle: right after the crash nothing is half-written, and
 * finishing the cycle afterwards reaches exactly the state of an
 * uninterrupted cycle. The killed process is `__testUtils__/crashWorker.ts`;
 * it prints a marker after each store call.
 *
 * Phase 1 is the first cycle over a new catalog (entities appear); phase 2
 * the next one, where the phase collectors' values change (ledger entries,
 * fact history). Every crash database of phase 2 is a copy of one database
 * after an uninterrupted phase 1.
 *
 * On PostgreSQL the worker and the test share a server; on SQLite they
 * share a database file (rolled back from its journal after the crash).
 */

jest.setTimeout(180_000);

const PACKAGE_DIR = resolvePath(__dirname, '../..');
const WORKER = resolvePath(__dirname, '../__testUtils__/crashWorker.ts');

interface CrashPoint {
  phase: 1 | 2;
  /** The worker kills itself at this marker line... */
  marker?: string;
  /** ...or that many queries after it, inside the transaction it starts. */
  afterQueries?: number;
  /**
   * Or the test kills it blind, after this fraction of the time the
   * uninterrupted first cycle took in the test process.
   */
  afterFraction?: number;
}

const label = (p: CrashPoint) =>
  `phase ${p.phase} ${
    p.marker
      ? `at "${p.marker}"${
          p.afterQueries ? ` + ${p.afterQueries} queries` : ''
        }`
      : `blind, after ${p.afterFraction} of a cycle's time`
  }`;

/** The knex config the worker gets (JSON). */
type DatabaseConfig = Knex.Config & { connection: Record<string, unknown> };

/** Where crash databases come from, per kind of database. */
interface CrashDatabases {
  entities: number;
  points: CrashPoint[];
  /** A new empty database. */
  create(): Promise<DatabaseConfig>;
  /** A new database with the contents of a closed one. */
  copy(from: DatabaseConfig): Promise<DatabaseConfig>;
  open(config: DatabaseConfig): Knex;
  cleanUp(): Promise<void>;
}

function postgresDatabases(
  databases: ReturnType<typeof createTestDatabases>,
  id: TestDatabaseId,
): CrashDatabases {
  let admin: Knex | undefined;
  let server: Record<string, unknown> | undefined;
  const created: string[] = [];
  const pools: Knex[] = [];
  const named = (database: string): DatabaseConfig => ({
    client: 'pg',
    connection: { ...server, database },
  });
  const adminOf = async () => {
    if (!admin) {
      // The server of the test databases, reached through its own database.
      const probe = await databases.init(id);
      server = { ...(probe.client.config.connection as object) };
      await probe.destroy();
      admin = knexFactory({
        client: 'pg',
        connection: { ...server, database: 'postgres' },
        pool: { min: 0, max: 2 },
      });
    }
    return admin;
  };
  const create = async (template?: string) => {
    const db = await adminOf();
    const name = `crash_${randomBytes(8).toString('hex')}`;
    await db.raw(
      template ? 'CREATE DATABASE ?? TEMPLATE ??' : 'CREATE DATABASE ??',
      template ? [name, template] : [name],
    );
    created.push(name);
    return named(name);
  };
  return {
    entities: 800,
    // Between entity upserts, inside an evaluation save transaction, inside
    // a fact write, between two saves, and blind.
    points: [
      { phase: 1, marker: 'entities 2' },
      { phase: 1, marker: 'save-start 2', afterQueries: 3 },
      { phase: 2, marker: 'facts 30', afterQueries: 3 },
      { phase: 2, marker: 'save-start 1', afterQueries: 4 },
      { phase: 2, marker: 'save-done 1' },
      { phase: 2, afterFraction: 0.3 },
    ],
    create: () => create(),
    copy: from => create(String(from.connection.database)),
    open(config) {
      const pool = knexFactory({ ...config, pool: { min: 0, max: 5 } });
      pools.push(pool);
      return pool;
    },
    async cleanUp() {
      for (const pool of pools) await pool.destroy().catch(() => {});
      for (const name of created) {
        await admin
          ?.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name])
          .catch(() => {});
      }
      await admin?.destroy();
    },
  };
}

function sqliteFileDatabases(): CrashDatabases {
  let dir: string | undefined;
  const pools: Knex[] = [];
  const create = async (): Promise<DatabaseConfig> => {
    dir ??= await mkdtemp(join(tmpdir(), 'compliance-crash-'));
    return {
      client: 'better-sqlite3',
      connection: {
        filename: join(dir, `${randomBytes(8).toString('hex')}.sqlite`),
      },
      useNullAsDefault: true,
    };
  };
  return {
    entities: 600,
    points: [
      { phase: 1, marker: 'save-start 1', afterQueries: 3 },
      { phase: 2, marker: 'facts 12', afterQueries: 3 },
      { phase: 2, marker: 'save-start 2', afterQueries: 2 },
      { phase: 2, afterFraction: 0.3 },
    ],
    create,
    async copy(from) {
      const to = await create();
      await copyFile(
        String(from.connection.filename),
        String(to.connection.filename),
      );
      return to;
    },
    open(config) {
      const pool = knexFactory(config);
      pools.push(pool);
      return pool;
    },
    async cleanUp() {
      for (const pool of pools) await pool.destroy().catch(() => {});
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Runs the worker on a database until it dies at the crash point. */
function crashWorker(
  config: DatabaseConfig,
  entities: number,
  point: CrashPoint,
  cycleMs: number,
): Promise<{ killed: boolean; lastMarker: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        WORKER,
      ],
      {
        cwd: PACKAGE_DIR,
        env: {
          ...process.env,
          COMPLIANCE_CRASH_DB: JSON.stringify(config),
          COMPLIANCE_CRASH_ENTITIES: String(entities),
          COMPLIANCE_CRASH_PHASE: String(point.phase),
          COMPLIANCE_CRASH_AT: point.marker ?? '',
          COMPLIANCE_CRASH_AFTER_QUERIES: String(point.afterQueries ?? 0),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const markers: string[] = [];
    let stderr = '';
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        markers.push(line);
        if (line === 'ready' && point.afterFraction) {
          const ms = Math.round(point.afterFraction * cycleMs);
          setTimeout(() => child.kill('SIGKILL'), ms);
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    // 'close', not 'exit': only then has every marker the worker wrote
    // been read from its stdout.
    child.on('close', (_code, signal) => {
      // The marker the worker died after (its own "crash" line aside).
      const last = markers.filter(m => m !== 'crash').pop() ?? '';
      resolve({ killed: signal === 'SIGKILL', lastMarker: last, stderr });
    });
  });
}

/** Rows a crash left in status "running". */
async function runsLeftRunning(knex: Knex) {
  const row = await knex('compliance_collector_runs')
    .where('status', 'running')
    .count({ n: '*' })
    .first();
  return Number(row?.n ?? 0);
}

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'a crash mid-cycle on %s',
  databaseId => {
    let crashDatabases: CrashDatabases | undefined;
    afterAll(async () => {
      await crashDatabases?.cleanUp();
    });

    it('leaves nothing half-written and converges to the uninterrupted state', async () => {
      const started = Date.now();
      if (databaseId === 'SQLITE_3') crashDatabases = sqliteFileDatabases();
      else if (databaseId.startsWith('POSTGRES')) {
        crashDatabases = postgresDatabases(databases, databaseId);
      } else throw new Error(`No crash databases for ${databaseId}`);
      const dbs = crashDatabases;
      const entities = syntheticEntities(dbs.entities);
      const finishCycle = async (knex: Knex, phase: number) => {
        const pipeline = await createPipeline({
          knex,
          entities,
          phase: () => phase,
        });
        await pipeline.runCycle();
      };

      // Phase 1 uninterrupted: the reference of phase 1, the original of
      // every phase 2 database.
      const base = await dbs.create();
      const baseKnex = dbs.open(base);
      const cycleStart = Date.now();
      await finishCycle(baseKnex, 1);
      const cycleMs = Date.now() - cycleStart;
      const afterPhase1 = await readState(baseKnex);
      await baseKnex.destroy();

      const referenceConfig = await dbs.copy(base);
      const crashes = await Promise.all(
        dbs.points.map(async point => ({
          point,
          config: point.phase === 2 ? await dbs.copy(base) : await dbs.create(),
        })),
      );
      // The reference phase 2 runs while the workers run and die.
      const reference = dbs.open(referenceConfig);
      const [, ...outcomes] = await Promise.all([
        finishCycle(reference, 2),
        ...crashes.map(c =>
          crashWorker(c.config, dbs.entities, c.point, cycleMs),
        ),
      ]);
      const expected: Record<number, ComplianceState> = {
        1: afterPhase1,
        2: await readState(reference),
      };

      const report: string[] = [];
      const problems: Record<string, unknown> = {};
      const check = async (
        { point, config }: (typeof crashes)[number],
        i: number,
      ) => {
        const outcome = outcomes[i];
        const name = label(point);
        const dead =
          outcome.killed &&
          outcome.lastMarker !== 'done' &&
          (!point.marker || outcome.lastMarker === point.marker);
        if (!dead && !point.marker && outcome.lastMarker === 'done') {
          // A blind kill is timed from another run: on a fast or idle
          // machine the worker can finish first. Nothing to check there.
          report.push(`${name}: finished before the kill`);
          return;
        }
        if (!dead) {
          problems[name] = `did not die there; last marker "${
            outcome.lastMarker
          }"; ${outcome.stderr.slice(0, 500)}`;
          return;
        }
        const knex = dbs.open(config);
        // Right after the crash: every transaction is whole.
        const atCrash = {
          halfWritten: await halfWrittenEntities(knex),
          duplicates: Object.entries(await duplicateRows(knex)).filter(
            ([, n]) => n > 0,
          ),
          changesTwice: await changeChainViolations(knex),
        };
        const leftRunning = await runsLeftRunning(knex);
        await finishCycle(knex, point.phase);
        const afterResume = {
          halfWritten: await halfWrittenEntities(knex),
          changesTwice: await changeChainViolations(knex),
          divergences: diffStates(await readState(knex), expected[point.phase]),
        };
        await knex.destroy();
        const issues = {
          ...(Object.values(atCrash).some(v => v.length) ? { atCrash } : {}),
          ...(afterResume.halfWritten.length ||
          afterResume.changesTwice.length ||
          Object.keys(afterResume.divergences).length
            ? { afterResume }
            : {}),
        };
        if (Object.keys(issues).length) problems[name] = issues;
        report.push(
          `${name}: died after "${
            outcome.lastMarker
          }", ${leftRunning} run(s) left "running", ${
            Object.keys(afterResume.divergences).length
          } divergent aspect(s)`,
        );
      };
      // PostgreSQL: the resumes overlap; SQLite: one connection at a time anyway.
      await Promise.all(crashes.map(check));
      expect(problems).toEqual({});

      process.stdout.write(
        `\ncrash.test figures (${databaseId}, ${
          dbs.entities
        } components, ${Math.round((Date.now() - started) / 1000)} s):\n${report
          .sort()
          .join('\n')}\n`,
      );
    });
  },
);
