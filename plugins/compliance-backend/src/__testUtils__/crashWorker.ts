/*
 * The process src/__tests__/crash.test.ts kills: builds the stores on the database it is
 * given and runs one collection and evaluation cycle over a synthetic
 * catalog, printing a marker line after each step so the test can SIGKILL
 * it at a chosen point.
 *
 *   COMPLIANCE_CRASH_DB='{"client":"pg","connection":{...}}' \
 *   COMPLIANCE_CRASH_ENTITIES=3000 \
 *   node --require @backstage/cli/config/nodeTransform.cjs src/__testUtils__/crashWorker.ts
 *
 * Markers (one per line): `ready`, `entities <n>`, `facts <n>`,
 * `save-start <n>`, `save-done <n>`, `done`.
 */
import knexFactory from 'knex';
import type { ComplianceStores } from '../database/ComplianceStore';
import { createPipeline } from './pipeline';
import { syntheticEntities } from './syntheticCatalog';

function say(line: string) {
  process.stdout.write(`${line}\n`);
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
  const knex = knexFactory({ ...config, pool: { min: 1, max: 5 } });
  const pipeline = await createPipeline({
    knex,
    entities: syntheticEntities(count),
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
