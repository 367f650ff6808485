/*
 * Benchmark of the read path as users wait for it: through HTTP.
 *
 *   yarn bench:http [--entities 10000] [--db sqlite|postgres|both]
 *                   [--requests 200] [--large]
 *
 * For each database, starts the compliance plugin in a Backstage test backend
 * in a CHILD process (so the backend's CPU and RSS are measured alone) with
 * a generated catalog of N components (10,000 by default, 100,000 with
 * `--large`), 5 departments, 50 teams below them and 20 systems; the
 * scheduler collects and evaluates every entity (the time is reported), then
 * the parent drives the entity summary, results, history and overview routes
 * (unfiltered, owner with child groups, system, search, sort by failing, a
 * deep page) at concurrency 1 and 20 and prints p50/p95/p99, requests/s,
 * backend CPU per request and response size. The last line is one JSON object.
 *
 * PostgreSQL runs when COMPLIANCE_BENCH_POSTGRES or
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set (a scratch
 * database is created and dropped). The catalog is in memory, so catalog
 * costs of the read path are understated here compared to a real catalog.
 */
import { spawn, ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import {
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  complianceCollectorsExtensionPoint,
  complianceControlsExtensionPoint,
} from 'backstage-plugin-compliance-node';
import knexFactory from 'knex';
import { compliancePlugin } from '../src/plugin';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const argValue = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};

const LARGE = flag('large');
const N = Number(argValue('entities', LARGE ? '100000' : '10000'));
const REQUESTS = Number(argValue('requests', '200'));
const DEPARTMENTS = 5;
const TEAMS = 50;
const SYSTEMS = 20;
const SYNTHETIC_CONTROLS = 30;

// ---------------------------------------------------------------------------
// Child: the backend

async function serve() {
  const dbConfig = JSON.parse(process.env.BENCH_DB!);
  const knex = knexFactory(dbConfig);
  const entities = generateCatalog(N);

  // The in-memory catalog, with refs looked up in a map (the test client
  // rebuilds its map on every call, which would dominate the figures).
  const inner = new InMemoryCatalogClient({ entities });
  const byRef = new Map(
    entities.map(e => [stringifyEntityRef(e).toLocaleLowerCase('en-US'), e]),
  );
  const catalog: any = new Proxy(inner, {
    get(t, p) {
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
  });

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
            facts: Array.from({ length: SYNTHETIC_CONTROLS }, (_, i) => ({
              id: `bench.f${i}`,
              type: 'number' as const,
              description: 'synthetic',
            })),
            batchSize: 500,
            filter: e => e.kind === 'Component',
            async collect(batch) {
              return batch.flatMap(e => {
                const ref = stringifyEntityRef(e).toLocaleLowerCase('en-US');
                const seed = Number(e.metadata.name.slice(4));
                return Array.from({ length: SYNTHETIC_CONTROLS }, (_, i) => ({
                  entityRef: ref,
                  factId: `bench.f${i}`,
                  value: (seed * 31 + i * 17) % 100,
                  evidence: {
                    source: 'bench',
                    url: `https://example.test/${ref}/${i}`,
                  },
                }));
              });
            },
          });
        },
      });
    },
  });

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
      mockServices.logger.factory({ level: 'warn' } as any),
    ],
  });
  const started = Date.now();
  const cpu0 = process.cpuUsage();
  const tasks: string[] = (await scheduler.getScheduledTasks()).map(
    (t: any) => t.id,
  );
  for (const id of tasks.filter(t => t.startsWith('compliance:collect:'))) {
    await scheduler.triggerTask(id);
  }
  for (const id of tasks.filter(
    t =>
      t.startsWith('compliance:') &&
      !t.startsWith('compliance:collect:') &&
      !['compliance:retention', 'compliance:rollup'].includes(t),
  )) {
    await scheduler.triggerTask(id);
  }
  const evaluated = Number(
    (
      await knex('compliance_entities')
        .whereNotNull('evaluated_at')
        .count({ n: '*' })
        .first()
    )?.n ?? 0,
  );
  const cpu = process.cpuUsage(cpu0);
  const port = (backend.server.address() as { port: number }).port;
  process.stdout.write(
    `${JSON.stringify({
      ready: true,
      port,
      evaluated,
      ingestMs: Date.now() - started,
      ingestCpuMs: Math.round((cpu.user + cpu.system) / 1000),
      rssGrowthMb: Math.round((process.memoryUsage().rss - rssBefore) / 1e6),
    })}\n`,
  );
  process.on('SIGTERM', async () => {
    await backend.stop();
    await knex.destroy();
    process.exit(0);
  });
}

function generateCatalog(n: number) {
  const out: any[] = [];
  const group = (name: string, spec: Record<string, unknown>) =>
    out.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name, namespace: 'default' },
      spec: { type: 'team', children: [], ...spec },
    });
  group('org', {
    type: 'organization',
    children: Array.from({ length: DEPARTMENTS }, (_, d) => `dept-${d}`),
  });
  for (let d = 0; d < DEPARTMENTS; d++) {
    group(`dept-${d}`, { type: 'department', parent: 'org' });
  }
  for (let t = 0; t < TEAMS; t++) {
    group(`team-${String(t).padStart(2, '0')}`, {
      parent: `dept-${t % DEPARTMENTS}`,
    });
  }
  for (let s = 0; s < SYSTEMS; s++) {
    out.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name: `sys-${s}`, namespace: 'default' },
      spec: { owner: `team-${String(s % TEAMS).padStart(2, '0')}` },
    });
  }
  const lifecycles = ['production', 'experimental', 'deprecated'];
  for (let i = 0; i < n; i++) {
    const name = `svc-${String(i).padStart(6, '0')}`;
    out.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name,
        namespace: 'default',
        title: `Service ${i} of team ${i % TEAMS}`,
        ...(i % 4
          ? { description: `Synthetic service ${i} for the HTTP benchmark` }
          : {}),
        annotations: {
          ...(i % 5 ? { 'github.com/project-slug': `org/${name}` } : {}),
          ...(i % 2 ? { 'backstage.io/techdocs-ref': 'dir:.' } : {}),
        },
      },
      spec: {
        type: 'service',
        lifecycle: lifecycles[i % lifecycles.length],
        owner: `group:default/team-${String(i % TEAMS).padStart(2, '0')}`,
        system: `sys-${i % SYSTEMS}`,
      },
    });
  }
  return out;
}

function syntheticControls() {
  return Array.from({ length: SYNTHETIC_CONTROLS }, (_, i) => ({
    id: `BENCH-${String(i).padStart(2, '0')}`,
    title: `Synthetic control ${i}`,
    description: 'benchmark control',
    category: ['security', 'branch-protection', 'ci', 'repository'][i % 4],
    severity: (['critical', 'high', 'medium', 'low'] as const)[i % 4],
    rule: {
      pass: {
        fact: `bench.f${i}`,
        operator: 'greaterThanInclusive' as const,
        value: 40,
      },
      warn: {
        fact: `bench.f${i}`,
        operator: 'greaterThanInclusive' as const,
        value: 20,
      },
    },
    frameworks:
      i % 2
        ? { soc2: ['CC8.1'], openssf: ['Branch-Protection'] }
        : { iso27001: ['A.8.32'] },
  }));
}

// ---------------------------------------------------------------------------
// Parent: the driver

/** CPU time (user + system) of a process in ms, from /proc. */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 (1-based) of the whole line.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

function rssMbOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

const pct = (sorted: number[], p: number) =>
  sorted.length
    ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]
    : NaN;

interface RouteFigures {
  route: string;
  concurrency: number;
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  rps: number;
  cpuMsPerRequest: number;
  bytes: number;
  statuses: Record<string, number>;
}

const auth = (headers: Record<string, string>) => ({
  authorization: 'Bearer mock-user-token',
  ...headers,
});

async function drive(
  pid: number,
  base: string,
  route: string,
  paths: () => string,
  concurrency: number,
  requests: number,
  headers: Record<string, string> = {},
): Promise<RouteFigures> {
  const times: number[] = [];
  const statuses: Record<string, number> = {};
  let bytes = 0;
  let issued = 0;
  // Warm up.
  for (let i = 0; i < 3; i++) {
    await (await fetch(base + paths(), { headers: auth(headers) })).text();
  }
  const cpu0 = cpuMsOf(pid);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < requests) {
        issued++;
        const s = performance.now();
        try {
          const res = await fetch(base + paths(), { headers: auth(headers) });
          const body = await res.arrayBuffer();
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          bytes = Math.max(bytes, body.byteLength);
        } catch {
          statuses.error = (statuses.error ?? 0) + 1;
        }
        times.push(performance.now() - s);
      }
    }),
  );
  const elapsed = performance.now() - t0;
  const cpu = cpuMsOf(pid) - cpu0;
  times.sort((a, b) => a - b);
  const r = (v: number) => Math.round(v * 10) / 10;
  return {
    route,
    concurrency,
    requests: times.length,
    p50: r(pct(times, 0.5)),
    p95: r(pct(times, 0.95)),
    p99: r(pct(times, 0.99)),
    rps: Math.round((times.length / elapsed) * 1000),
    cpuMsPerRequest: r(cpu / times.length),
    bytes,
    statuses,
  };
}

async function runOn(label: string, db: object) {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      __filename,
      '--serve',
      '--entities',
      String(N),
    ],
    {
      env: { ...process.env, BENCH_DB: JSON.stringify(db) },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const ready = await new Promise<any>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', line => {
      if (line.startsWith('{"ready"')) resolve(JSON.parse(line));
    });
    child.on('exit', code => reject(new Error(`backend exited ${code}`)));
  });
  const pid = child.pid!;
  console.log(
    `\n${label}: ${ready.evaluated} entities evaluated in ${ready.ingestMs} ms ` +
      `(backend CPU ${ready.ingestCpuMs} ms, RSS growth ${
        ready.rssGrowthMb
      } MB, RSS ${rssMbOf(pid)} MB)`,
  );
  const base = `http://127.0.0.1:${ready.port}/api/compliance`;
  let k = 0;
  const entity = () =>
    `/entities/component/default/svc-${String((k++ * 7919) % N).padStart(
      6,
      '0',
    )}`;
  const routes: Array<[string, () => string]> = [
    ['summary', entity],
    ['results', () => `${entity()}/results`],
    ['history', () => `${entity()}/history?days=30`],
    ['overview', () => '/overview?pageSize=50'],
    ['overview owner (dept)', () => '/overview?owner=group:default/dept-2'],
    ['overview system', () => '/overview?system=system:default/sys-7'],
    ['overview search', () => '/overview?search=svc-0007'],
    ['overview failing', () => '/overview?sort=failing&order=desc'],
    [
      'overview deep page',
      () => `/overview?page=${Math.max(1, Math.floor(N / 50) - 1)}`,
    ],
  ];
  const figures: RouteFigures[] = [];
  console.log(
    'route                     c   p50 ms  p95 ms  p99 ms   req/s  cpu ms/req    bytes  statuses',
  );
  for (const [route, path] of routes) {
    for (const c of [1, 20]) {
      const f = await drive(
        pid,
        base,
        route,
        path,
        c,
        c === 1 ? Math.ceil(REQUESTS / 2) : REQUESTS,
      );
      figures.push(f);
      console.log(
        `${route.padEnd(24)} ${String(c).padStart(2)} ${String(f.p50).padStart(
          8,
        )} ${String(f.p95).padStart(7)} ${String(f.p99).padStart(7)} ${String(
          f.rps,
        ).padStart(7)} ${String(f.cpuMsPerRequest).padStart(11)} ${String(
          f.bytes,
        ).padStart(8)}  ${JSON.stringify(f.statuses)}`,
      );
    }
  }
  // A reload: the same request with the ETag of the first answer.
  const again = entity();
  const first = await fetch(`${base}${again}`, { headers: auth({}) });
  const etag = first.headers.get('etag');
  if (etag) {
    const f = await drive(
      pid,
      base,
      'summary If-None-Match',
      () => again,
      20,
      REQUESTS,
      { 'if-none-match': etag },
    );
    figures.push(f);
    console.log(
      `${f.route.padEnd(24)} 20 ${String(f.p50).padStart(8)} ${String(
        f.p95,
      ).padStart(7)} ${String(f.p99).padStart(7)} ${String(f.rps).padStart(
        7,
      )} ${String(f.cpuMsPerRequest).padStart(11)} ${String(f.bytes).padStart(
        8,
      )}  ${JSON.stringify(f.statuses)}`,
    );
  }
  const rss = rssMbOf(pid);
  child.kill('SIGTERM');
  await new Promise(r => child.on('exit', r));
  return { ...ready, rssMb: rss, figures };
}

async function main() {
  const which = argValue('db', 'both');
  const out: Record<string, unknown> = { entities: N };
  if (which !== 'postgres') {
    const dir = mkdtempSync(join(tmpdir(), 'compliance-bench-'));
    out.sqlite = await runOn('sqlite', {
      client: 'better-sqlite3',
      connection: { filename: join(dir, 'bench.sqlite') },
      useNullAsDefault: true,
    });
  }
  const pgUrl =
    process.env.COMPLIANCE_BENCH_POSTGRES ??
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  if (which !== 'sqlite' && pgUrl) {
    const dbName = `compliance_http_bench_${process.pid}`;
    const admin = knexFactory({ client: 'pg', connection: pgUrl });
    await admin.raw(`create database ${dbName}`);
    try {
      const url = new URL(pgUrl);
      url.pathname = `/${dbName}`;
      out.postgres = await runOn(`postgres (${dbName})`, {
        client: 'pg',
        connection: url.toString(),
        pool: { min: 0, max: 10 },
      });
    } finally {
      await admin.raw(`drop database if exists ${dbName} with (force)`);
      await admin.destroy();
    }
  } else if (which !== 'sqlite') {
    console.log(
      '\npostgres: skipped (set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING)',
    );
  }
  console.log(JSON.stringify(out));
}

if (flag('serve')) {
  serve().catch(e => {
    console.error(e);
    process.exit(1);
  });
} else {
  main().catch(e => {
    console.error(e);
    process.exit(1);
  });
}
