/*
 * The child process of the HTTP benchmark (bench/http.ts): the compliance
 * plugin in a Backstage test backend with a generated catalog, alone in its
 * process so its CPU and RSS are measured alone. Prints one line
 * `{"ready":true,...}` with the ingestion figures, then serves until SIGTERM.
 *
 *   BENCH_DB=<knex config JSON> node http/backend.ts --entities N [--days D] [--churn C]
 *
 * Memory: the ready line breaks the retained RSS down into V8's spaces and
 * the process's anonymous and file-backed memory; BENCH_SMAPS=1 prints the
 * largest mappings and V8's heap statistics to stderr, BENCH_IDLE_MS=<ms>
 * idles that long before measuring (V8's memory reducer runs when idle).
 */
import {
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  complianceCollectorsExtensionPoint,
  complianceControlsExtensionPoint,
} from 'backstage-plugin-compliance-node';
import knexFactory from 'knex';
import { compliancePlugin } from '../../src/plugin';
import { DatabaseComplianceStore } from '../../src/database/DatabaseComplianceStore';
import {
  collectFacts,
  generateCatalog,
  syntheticControls,
  syntheticFacts,
} from './catalog';
import {
  columnBytes,
  compact,
  overviewPlans,
  simulateDays,
  split,
  tableBytes,
} from './storage';

const args = process.argv.slice(2);
const argValue = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const N = Number(argValue('entities', '10000'));
const DAYS = Number(argValue('days', '0'));
const CHURN = Number(argValue('churn', '0.1'));

/** An entity with only the given fields (dot paths), as the catalog answers. */
function pick(entity: Entity, fields: string[] | undefined): Entity {
  if (!fields?.length) return entity;
  const out: any = {};
  for (const field of fields) {
    const path = field.split('.');
    let from: any = entity;
    for (const key of path) from = from?.[key];
    if (from === undefined) continue;
    let to = out;
    for (const key of path.slice(0, -1)) to = to[key] ??= {};
    to[path[path.length - 1]] = from;
  }
  return out;
}

/**
 * The in-memory catalog, with refs looked up in a map and kind-filtered
 * pages served from a list sorted once (the test client rebuilds its map
 * and filters every entity on every call, which is quadratic in the catalog
 * and would dominate the figures; a real catalog pages from its database).
 * Other filters go to the test client.
 */
function benchCatalog(entities: Entity[]) {
  const inner = new InMemoryCatalogClient({ entities });
  const byRef = new Map(
    entities.map(e => [stringifyEntityRef(e).toLocaleLowerCase('en-US'), e]),
  );
  const byKinds = new Map<string, Entity[]>();
  const ofKinds = (kinds: string[]) => {
    const key = kinds
      .map(k => k.toLocaleLowerCase('en-US'))
      .sort()
      .join(',');
    let list = byKinds.get(key);
    if (!list) {
      const wanted = new Set(key.split(','));
      list = entities
        .filter(e => wanted.has(e.kind.toLocaleLowerCase('en-US')))
        .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
      byKinds.set(key, list);
    }
    return list;
  };
  const CURSOR = 'bench:';
  const page = (
    kinds: string[],
    offset: number,
    limit: number,
    fields?: string[],
  ) => {
    const list = ofKinds(kinds);
    const end = Math.min(list.length, offset + limit);
    return {
      items: list.slice(offset, end).map(e => pick(e, fields)),
      totalItems: list.length,
      pageInfo:
        end < list.length
          ? {
              nextCursor: `${CURSOR}${Buffer.from(
                JSON.stringify({ kinds, offset: end, limit, fields }),
              ).toString('base64')}`,
            }
          : {},
    };
  };
  const onlyKind = (filter: unknown): string[] | undefined => {
    if (!filter || Array.isArray(filter) || typeof filter !== 'object') {
      return undefined;
    }
    const keys = Object.keys(filter);
    if (keys.length !== 1 || keys[0] !== 'kind') return undefined;
    const kind = (filter as { kind: string | string[] }).kind;
    return Array.isArray(kind) ? kind : [kind];
  };
  return new Proxy(inner, {
    get(t, p) {
      if (p === 'queryEntities') {
        return async (req: any = {}, opts?: unknown) => {
          if (typeof req.cursor === 'string' && req.cursor.startsWith(CURSOR)) {
            const c = JSON.parse(
              Buffer.from(req.cursor.slice(CURSOR.length), 'base64').toString(),
            );
            return page(c.kinds, c.offset, req.limit ?? c.limit, c.fields);
          }
          const kinds = req.cursor ? undefined : onlyKind(req.filter);
          if (!kinds || req.fullTextFilter)
            return t.queryEntities(req, opts as any);
          return page(kinds, 0, req.limit ?? 1000, req.fields);
        };
      }
      if (p === 'getEntityByRef') {
        return async (ref: any) =>
          byRef.get(
            (typeof ref === 'string'
              ? ref
              : stringifyEntityRef(ref)
            ).toLocaleLowerCase('en-US'),
          );
      }
      if (p === 'getEntitiesByRefs') {
        return async (req: { entityRefs: string[] }) => ({
          items: req.entityRefs.map(r =>
            byRef.get(r.toLocaleLowerCase('en-US')),
          ),
        });
      }
      const v = (t as any)[p];
      return typeof v === 'function' ? v.bind(t) : v;
    },
  }) as any;
}

const benchModule = createBackendModule({
  pluginId: 'compliance',
  moduleId: 'bench',
  register(env) {
    env.registerInit({
      deps: {
        collectors: complianceCollectorsExtensionPoint,
        controls: complianceControlsExtensionPoint,
      },
      async init({ collectors, controls }) {
        controls.addControls(syntheticControls());
        collectors.addCollector({
          id: 'bench',
          facts: syntheticFacts(),
          batchSize: 500,
          filter: e => e.kind === 'Component',
          async collect(batch) {
            return collectFacts(batch);
          },
        });
      },
    });
  },
});

const mb = (bytes: number) => Math.round(bytes / 1e6);
const peakRss = () => {
  const status = require('node:fs').readFileSync('/proc/self/status', 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
};

/**
 * With BENCH_CPU_PROFILE=<file>, a CPU profile of the ingestion (collection
 * and evaluation) is written there, and with BENCH_READ_PROFILE=<file> one
 * of the requests served after it, to open in Chrome DevTools.
 */
async function startCpuProfile(file: string | undefined) {
  if (!file) return undefined;
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      require('node:fs').writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/**
 * With BENCH_SQL_STATS=1, the ingestion's statements by shape (count and
 * milliseconds) go to stderr, the costliest first.
 */
function sqlStats(knex: ReturnType<typeof knexFactory>) {
  if (!process.env.BENCH_SQL_STATS) return () => {};
  const started = new Map<string, number>();
  const byShape = new Map<string, { n: number; ms: number }>();
  knex.on('query', q => started.set(q.__knexQueryUid, performance.now()));
  knex.on('query-response', (_r, q) => {
    const t0 = started.get(q.__knexQueryUid);
    if (t0 === undefined) return;
    started.delete(q.__knexQueryUid);
    const shape = String(q.sql)
      .replace(/(\?|\$\d+)(, ?(\?|\$\d+))+/g, '?…')
      .replace(/(\(\?…\),? ?)+/g, '(?…)…')
      .slice(0, 140);
    const s = byShape.get(shape) ?? { n: 0, ms: 0 };
    s.n++;
    s.ms += performance.now() - t0;
    byShape.set(shape, s);
  });
  return () => {
    for (const [shape, s] of [...byShape]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 25)) {
      process.stderr.write(
        `${String(Math.round(s.ms)).padStart(8)} ms ${String(s.n).padStart(
          7,
        )}x ${shape}\n`,
      );
    }
  };
}

async function serve() {
  const knex = knexFactory(JSON.parse(process.env.BENCH_DB!));
  const printSqlStats = sqlStats(knex);
  const catalog = benchCatalog(generateCatalog(N));
  const scheduler = mockServices.scheduler() as any;
  const rssBefore = process.memoryUsage().rss;
  const backend = await startTestBackend({
    features: [
      compliancePlugin,
      benchModule,
      createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () => catalog,
      }),
      scheduler.factory({ skipTaskRunOnStartup: true }),
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({ data: {} }),
      (mockServices.logger.factory as any)({ level: 'warn' }),
    ],
  });
  const started0 = process.memoryUsage();
  const rssStarted = started0.rss;
  const tasks: string[] = (await scheduler.getScheduledTasks()).map(
    (t: any) => t.id,
  );
  const countEvaluated = async () =>
    Number(
      (
        await knex('compliance_entities')
          .whereNotNull('evaluated_at')
          .where('dirty', false)
          .count({ n: '*' })
          .first()
      )?.n ?? 0,
    );
  const evaluate = async () => {
    for (const id of tasks.filter(
      t =>
        t.startsWith('compliance:') &&
        !t.startsWith('compliance:collect:') &&
        !['compliance:retention', 'compliance:rollup'].includes(t),
    )) {
      await scheduler.triggerTask(id);
    }
  };

  // Ingestion: the catalog has the entities; collect, then evaluate until
  // every entity is scored (the scheduler's tasks, triggered back to back).
  const profile = await startCpuProfile(process.env.BENCH_CPU_PROFILE);
  const started = Date.now();
  const cpu0 = process.cpuUsage();
  const taskMs: Record<string, number> = {};
  for (const id of tasks.filter(t => t.startsWith('compliance:collect:'))) {
    const t0 = Date.now();
    await scheduler.triggerTask(id);
    taskMs[id] = Date.now() - t0;
  }
  const collectMs = Date.now() - started;
  let evaluated = 0;
  for (let round = 0; round < 20 && evaluated < N; round++) {
    await evaluate();
    evaluated = await countEvaluated();
  }
  const ingestMs = Date.now() - started;
  const cpu = process.cpuUsage(cpu0);
  const rssAfter = process.memoryUsage().rss;
  await profile?.stop();
  printSqlStats();
  // What the suite keeps, as opposed to garbage not yet collected.
  (global as { gc?: () => void }).gc?.();
  if (process.env.BENCH_IDLE_MS) {
    // Idle a while first, as a backend between collections is: V8 gives
    // back the pages it kept for reuse when idle.
    await new Promise(r => setTimeout(r, Number(process.env.BENCH_IDLE_MS)));
    (global as { gc?: () => void }).gc?.();
  }
  const retained = process.memoryUsage();
  // Where the retained RSS is: V8's spaces (committed) and the process's
  // anonymous and file-backed memory.
  const heapSpacesMb = Object.fromEntries(
    require('node:v8')
      .getHeapSpaceStatistics()
      .map((sp: { space_name: string; physical_space_size: number }) => [
        sp.space_name.replace(/_space$/, ''),
        mb(sp.physical_space_size),
      ])
      .filter(([, size]: [string, number]) => size > 0),
  );
  if (process.env.BENCH_SMAPS) {
    // The largest mappings, to tell the allocator's heap from V8's.
    const text: string = require('node:fs').readFileSync(
      '/proc/self/smaps',
      'utf8',
    );
    const maps = text.split(/\n(?=[0-9a-f]+-[0-9a-f]+ )/).map(block => ({
      name: block.split('\n')[0].split(/\s+/).slice(5).join(' ') || '[anon]',
      rssKb: Number(/\nRss:\s+(\d+)/.exec(block)?.[1] ?? 0),
    }));
    const byName = new Map<string, { kb: number; n: number }>();
    for (const m of maps) {
      const e = byName.get(m.name) ?? { kb: 0, n: 0 };
      e.kb += m.rssKb;
      e.n++;
      byName.set(m.name, e);
    }
    for (const [name, e] of [...byName]
      .sort((a, b) => b[1].kb - a[1].kb)
      .slice(0, 8)) {
      process.stderr.write(
        `smaps ${Math.round(e.kb / 1024)} MB in ${e.n} mappings: ${name}\n`,
      );
    }
    const stats = require('node:v8').getHeapStatistics();
    process.stderr.write(
      `v8 ${JSON.stringify(
        Object.fromEntries(
          Object.entries(stats).map(([k, v]) => [k, mb(Number(v))]),
        ),
      )}\n`,
    );
    const big = maps
      .filter(m => m.name === '[anon]')
      .sort((a, b) => b.rssKb - a.rssKb);
    process.stderr.write(
      `largest anonymous mappings (MB): ${big
        .slice(0, 12)
        .map(m => Math.round(m.rssKb / 1024))
        .join(' ')}\n`,
    );
  }
  const smaps = (() => {
    try {
      const text = require('node:fs').readFileSync(
        '/proc/self/smaps_rollup',
        'utf8',
      );
      const kb = (name: string) =>
        Number(new RegExp(`${name}:\\s+(\\d+)`).exec(text)?.[1] ?? 0);
      return {
        anonMb: Math.round(kb('Anonymous') / 1024),
        fileMb: Math.round((kb('Rss') - kb('Anonymous')) / 1024),
      };
    } catch {
      return undefined;
    }
  })();

  const stores = await DatabaseComplianceStore.create({
    database: mockServices.database({ knex, migrations: { skip: true } }),
  });
  const storage: Record<string, unknown> = {};
  const raw = await tableBytes(knex);
  await compact(knex);
  const compacted = await tableBytes(knex);
  if (Object.keys(compacted).length) {
    storage.currentBytesPerEntity = Math.round(split(raw).current / N);
    storage.currentBytesPerEntityCompacted = Math.round(
      split(compacted).current / N,
    );
    storage.tablesMb = Object.fromEntries(
      Object.entries(compacted)
        .sort((a, b) => b[1] - a[1])
        .map(([t, b]) => [t.replace(/^compliance_/, ''), mb(b)]),
    );
    // Average bytes per row of each column and index (PostgreSQL).
    const columns = await columnBytes(knex);
    if (columns) storage.bytesPerRow = columns;
  }
  if (DAYS > 0) {
    const historyBefore = split(compacted).history;
    const t0 = Date.now();
    await simulateDays({
      stores,
      entities: N,
      days: DAYS,
      churn: CHURN,
      evaluate,
    });
    const after = await tableBytes(knex);
    storage.days = DAYS;
    storage.churn = CHURN;
    storage.simulateMs = Date.now() - t0;
    storage.historyBytesPerEntityDay = Math.round(
      (split(after).history - historyBefore) / (N * DAYS),
    );
    storage.historyTablesMb = Object.fromEntries(
      Object.entries(after)
        .filter(([t]) => /history|status_changes/.test(t))
        .map(([t, b]) => [t.replace(/^compliance_/, ''), mb(b)]),
    );
  }
  const plans = await overviewPlans(knex, stores, N);

  const port = (backend.server.address() as { port: number }).port;
  process.stdout.write(
    `${JSON.stringify({
      ready: true,
      port,
      evaluated,
      collectMs,
      taskMs,
      ingestMs,
      ingestCpuMs: Math.round((cpu.user + cpu.system) / 1000),
      rssBackendMb: mb(rssStarted - rssBefore),
      rssGrowthMb: mb(rssAfter - rssStarted),
      rssGrowthAfterGcMb: mb(retained.rss - rssStarted),
      heapUsedAfterGcMb: mb(retained.heapUsed),
      heapTotalAfterGcMb: mb(retained.heapTotal),
      heapTotalAtStartMb: mb(started0.heapTotal),
      externalAfterGcMb: mb(retained.external),
      rssPeakMb: mb(peakRss()),
      heapSpacesMb,
      smaps,
      storage,
      plans,
    })}\n`,
  );
  const readProfile = await startCpuProfile(process.env.BENCH_READ_PROFILE);
  process.on('SIGTERM', async () => {
    await readProfile?.stop();
    await backend.stop();
    await knex.destroy();
    process.exit(0);
  });
}

serve().catch(e => {
  console.error(e);
  process.exit(1);
});
