/*
 * Benchmark of the read path as users wait for it: through HTTP.
 *
 *   yarn bench:http [--entities 10000] [--large] [--db sqlite|postgres|both]
 *                   [--requests 200] [--days 0] [--churn 0.1] [--only summary]
 *
 * For each database, starts the compliance plugin in a Backstage test backend
 * in a CHILD process (http/backend.ts, so the backend's CPU and RSS are
 * measured alone) with a generated catalog of N components (10,000 by
 * default, 100,000 with `--large`), 5 departments, 50 teams below them and
 * 20 systems. It reports the time from the catalog holding them to every
 * entity scored, the backend's RSS, the storage per entity (per table on
 * PostgreSQL, after `vacuum full`), with `--days D` the history per entity
 * per day after D simulated days (a `--churn` share of components changes
 * one fact a day), and the plans of the overview's page queries. Then it
 * drives the entity summary, results, history and overview routes
 * (unfiltered, owner with child groups, system, search, sort by failing, a
 * deep page), each query repeated as a team reopening the overview asks
 * it, and the first four also in a distinct shape every time (page size,
 * sort, order, page), so that no answer comes from the answer cache, at
 * concurrency 1 and 20, and conditional requests (the
 * ETags of earlier answers in If-None-Match, sent through fetch as a client
 * sends them), printing p50/p95/p99, requests/s, backend CPU per request,
 * response size and the 304 rate. The last line is one JSON object.
 *
 * PostgreSQL runs when COMPLIANCE_BENCH_POSTGRES or
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set (a scratch
 * database is created and dropped). The catalog is in memory, so catalog
 * costs of the read path are understated here compared to a real catalog.
 */
import { spawn, ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg, tmpdir } from 'node:os';
import knexFactory from 'knex';
import { componentName } from './http/catalog';
import {
  BenchRequest,
  HEADER,
  RouteFigures,
  drive,
  get,
  line,
  rssMbOf,
} from './http/driver';

const args = process.argv.slice(2);
const argValue = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const LARGE = args.includes('--large');
const N = Number(argValue('entities', LARGE ? '100000' : '10000'));
const REQUESTS = Number(argValue('requests', '200'));
const DAYS = argValue('days', '0');
const CHURN = argValue('churn', '0.1');
/** Only the routes whose name starts with this (all by default). */
const ONLY = argValue('only', '');

const load = () => loadavg().map(l => Math.round(l * 100) / 100);

async function startBackend(db: object) {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      // BENCH_NODE_FLAGS: extra Node/V8 flags for the backend (memory
      // experiments, e.g. --max-semi-space-size=8).
      ...(process.env.BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? []),
      '--expose-gc',
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      join(__dirname, 'http', 'backend.ts'),
      ...['--entities', String(N), '--days', DAYS, '--churn', CHURN],
    ],
    {
      env: { ...process.env, BENCH_DB: JSON.stringify(db) },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const ready = await new Promise<any>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', l => {
      if (l.startsWith('{"ready"')) resolve(JSON.parse(l));
    });
    child.on('exit', code => reject(new Error(`backend exited ${code}`)));
  });
  return { child, ready };
}

async function runOn(label: string, db: object) {
  const loadAtStart = load();
  const { child, ready } = await startBackend(db);
  const pid = child.pid!;
  console.log(
    `\n${label}: ${ready.evaluated} entities scored ${ready.ingestMs} ms after ` +
      `the catalog had them (collect ${ready.collectMs} ms; backend CPU ${ready.ingestCpuMs} ms); ` +
      `RSS: backend ${ready.rssBackendMb} MB, growth from the suite ${ready.rssGrowthMb} MB ` +
      `(${ready.rssGrowthAfterGcMb} MB after a GC, heap ${ready.heapUsedAfterGcMb} MB), peak ${ready.rssPeakMb} MB`,
  );
  console.log(`storage: ${JSON.stringify(ready.storage)}`);
  for (const [name, plans] of Object.entries(ready.plans)) {
    console.log(`plan ${name}: ${(plans as string[]).join(' || ')}`);
  }
  const base = `http://127.0.0.1:${ready.port}/api/compliance`;
  let k = 0;
  const entity = () =>
    `/entities/component/default/${componentName((k++ * 7919) % N)}`;
  const at = (path: string) => (): BenchRequest => ({ path });
  // The same filter asked in a different shape each time (page size, sort,
  // order, one of the first pages): every answer is read from the store,
  // none from the answer cache, as when many users each ask their own.
  const SORTS = ['score', 'coverage', 'name', 'failing'];
  const distinct = (path: string) => {
    let q = 0;
    return (): BenchRequest => {
      const i = q++;
      const sep = path.includes('?') ? '&' : '?';
      return {
        path:
          `${path}${sep}pageSize=${41 + (i % 20)}` +
          `&sort=${SORTS[Math.floor(i / 20) % 4]}` +
          `&order=${Math.floor(i / 80) % 2 ? 'desc' : 'asc'}` +
          `&page=${1 + (Math.floor(i / 160) % 4)}`,
      };
    };
  };
  const routes: Array<[string, () => BenchRequest]> = [
    ['summary', () => ({ path: entity() })],
    ['results', () => ({ path: `${entity()}/results` })],
    ['history', () => ({ path: `${entity()}/history?days=30` })],
    ['overview', at('/overview?pageSize=50')],
    ['overview owner (dept)', at('/overview?owner=group:default/dept-2')],
    ['overview system', at('/overview?system=system:default/sys-7')],
    ['overview search', at('/overview?search=svc-0007')],
    ['overview failing', at('/overview?sort=failing&order=desc')],
    [
      'overview deep page',
      at(`/overview?page=${Math.max(1, Math.floor(N / 50) - 1)}`),
    ],
    ['overview distinct', distinct('/overview')],
    [
      'overview distinct owner',
      distinct('/overview?owner=group:default/dept-2'),
    ],
    [
      'overview distinct system',
      distinct('/overview?system=system:default/sys-7'),
    ],
    ['overview distinct search', distinct('/overview?search=svc-0007')],
  ];
  const figures: RouteFigures[] = [];
  const record = (f: RouteFigures) => {
    figures.push(f);
    console.log(line(f));
  };
  console.log(HEADER);
  for (const [route, next] of routes.filter(([r]) => r.startsWith(ONLY))) {
    for (const c of [1, 20]) {
      const requests = c === 1 ? Math.ceil(REQUESTS / 2) : REQUESTS;
      record(await drive({ pid, base, route, next, concurrency: c, requests }));
    }
  }

  // Polling and reloads: each request carries the ETag of an earlier answer.
  const polled: BenchRequest[] = [];
  for (const path of [
    ...Array.from({ length: 50 }, entity),
    '/overview?pageSize=50',
  ]) {
    const { res } = await get(base, { path });
    const etag = res.headers.get('etag');
    if (etag) polled.push({ path, headers: { 'if-none-match': etag } });
  }
  let p = 0;
  const nextPolled = () => polled[p++ % Math.max(1, polled.length)];
  for (const c of [1, 20]) {
    record(
      await drive({
        pid,
        base,
        route: 'If-None-Match (51 ETags)',
        next: nextPolled,
        concurrency: c,
        requests: c === 1 ? Math.ceil(REQUESTS / 2) : REQUESTS,
      }),
    );
  }
  const rss = rssMbOf(pid);
  child.kill('SIGTERM');
  await new Promise(r => child.on('exit', r));
  const { plans: _plans, ready: _ready, ...figuresOfReady } = ready;
  return {
    ...figuresOfReady,
    rssMb: rss,
    load: { start: loadAtStart, end: load() },
    figures,
  };
}

async function main() {
  const which = argValue('db', 'both');
  const out: Record<string, unknown> = { entities: N, cores: 2 };
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

main().catch(e => {
  console.error(e);
  process.exit(1);
});
