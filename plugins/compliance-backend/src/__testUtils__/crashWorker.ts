/*
 * The process src/__tests__/crash.test.ts crashes: builds the stores on the
 * database it is given and runs one collection and evaluation cycle over a
 * synthetic catalog, printing a marker line after each store call. It dies
 * by SIGKILL either from the test (after some time) or from itself, exactly
 * at a marker (`COMPLIANCE_CRASH_AT`) or that many database queries after it
 * (`COMPLIANCE_CRASH_AFTER_QUERIES`, to die inside a transaction).
 *
 *   COMPLIANCE_CRASH_DB='{"client":"pg","connection":{...}}' \
 *   COMPLIANCE_CRASH_ENTITIES=1000 COMPLIANCE_CRASH_PHASE=1 \
 *   COMPLIANCE_CRASH_AT='save-start 2' COMPLIANCE_CRASH_AFTER_QUERIES=2 \
 *   node --require @backstage/cli/config/nodeTransform.cjs src/__testUtils__/crashWorker.ts
 *
 * Markers (one per line): `ready`, `entities <n>`, `facts <n>`,
 * `save-start <n>`, `save-done <n>`, `done`; `crash` right before it kills
 * itself.
 */
import knexFactory from 'knex';
import type { ComplianceStores } from '../database/ComplianceStore';
import { createPipeline } from './pipeline';
import { syntheticEntities } from './syntheticCatalog';

const crashAt = process.env.COMPLIANCE_CRASH_AT;
const afterQueries = Number(process.env.COMPLIANCE_CRASH_AFTER_QUERIES ?? 0);
/** Queries still to send before dying; undefined until the crash marker. */
let queriesLeft: number | undefined;

function crash() {
  process.stdout.write('crash\n');
  process.kill(process.pid, 'SIGKILL');
}

function say(line: string) {
  // Synchronous on pipes (Linux): the marker is out before any crash.
  process.stdout.write(`${line}\n`);
  if (line !== crashAt) return;
  if (afterQueries > 0) queriesLeft = afterQueries;
  else crash();
}

/** The target with some methods replaced; the others stay bound to it. */
function withMethods<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get(t, p) {
      if (p in overrides) return (overrides as any)[p];
      const v = (t as any)[p];
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
}

function reporting(stores: ComplianceStores): ComplianceStores {
  let upserts = 0;
  let factWrites = 0;
  let saves = 0;
  const { entities, facts, evaluations } = stores;
  return {
    ...stores,
    entities: withMethods(entities, {
      async upsertEntities(...args) {
        const out = await entities.upsertEntities(...args);
        say(`entities ${++upserts}`);
        return out;
      },
    }),
    facts: withMethods(facts, {
      async writeFacts(...args) {
        const out = await facts.writeFacts(...args);
        say(`facts ${++factWrites}`);
        return out;
      },
    }),
    evaluations: withMethods(evaluations, {
      async saveEvaluations(...args) {
        const n = ++saves;
        say(`save-start ${n}`);
        const out = await evaluations.saveEvaluations(...args);
        say(`save-done ${n}`);
        return out;
      },
    }),
  };
}

async function main() {
  const config = JSON.parse(process.env.COMPLIANCE_CRASH_DB ?? 'null');
  if (!config) throw new Error('COMPLIANCE_CRASH_DB is not set');
  const count = Number(process.env.COMPLIANCE_CRASH_ENTITIES ?? 3000);
  const phase = Number(process.env.COMPLIANCE_CRASH_PHASE ?? 1);
  const knex = knexFactory(
    config.client === 'pg' ? { ...config, pool: { min: 1, max: 5 } } : config,
  );
  knex.on('query', () => {
    if (queriesLeft === undefined) return;
    queriesLeft -= 1;
    if (queriesLeft === 0) crash();
  });
  const pipeline = await createPipeline({
    knex,
    entities: syntheticEntities(count),
    phase: () => phase,
    wrapStores: reporting,
  });
  say('ready');
  await pipeline.runCycle();
  say('done');
  await knex.destroy();
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
