/*
 * Benchmark: the GitHub collector against a local fake GitHub (REST +
 * GraphQL over a real HTTP server) serving N generated repositories.
 *
 *   yarn bench:github            (N = 1000)
 *   BENCH_REPOS=200 yarn bench:github
 *
 * Counts requests (304 answers separately: they cost no primary rate limit)
 * and GraphQL points, for a first (cold) cycle and a steady-state cycle.
 */
import { createHash } from 'crypto';
import { createServer, IncomingMessage, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { ScmIntegrations } from '@backstage/integration';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { JsonValue } from 'backstage-plugin-compliance-common';
import type { CollectorStateStore } from 'backstage-plugin-compliance-node';
import { GithubCollector } from '../src/GithubCollector';
import { readGithubComplianceConfig } from '../src/config';

const REPOS = Number(process.env.BENCH_REPOS ?? 1000);
const HOST = 'github.bench';
const OWNER = 'acme';
const NOW = new Date();

// ---------------------------------------------------------------- fake data
function rand(seed: number) {
  // mulberry32
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface FakeRepo {
  name: string;
  protectedClassic: boolean;
  secretScanning: boolean;
  codeScanning: boolean;
  ci: boolean;
  runs: Array<Record<string, unknown>>;
}

function makeRepo(i: number): FakeRepo {
  const r = rand(i + 1);
  const ci = r() < 0.7;
  const runs: Array<Record<string, unknown>> = [];
  if (ci) {
    let id = i * 100000;
    for (let d = 29; d >= 0; d--) {
      const perDay = Math.floor(r() * 4);
      for (let k = 0; k < perDay; k++) {
        const created = new Date(
          NOW.getTime() - d * 86400000 - (k + 1) * 3600000,
        );
        const roll = r();
        let conclusion = 'cancelled';
        if (roll < 0.82) conclusion = 'success';
        else if (roll < 0.95) conclusion = 'failure';
        const attempt = conclusion === 'success' && r() < 0.05 ? 2 : 1;
        const duration = 120 + Math.floor(r() * 600);
        id += 1;
        runs.push({
          id,
          check_suite_node_id: `CS_kwDO${id.toString(36)}`,
          name: r() < 0.8 ? 'CI' : 'Lint',
          head_sha: createHash('sha1').update(`${i}-${d}-${k}`).digest('hex'),
          head_branch: 'main',
          event: 'push',
          status: 'completed',
          conclusion,
          run_attempt: attempt,
          created_at: created.toISOString().replace(/\.\d{3}Z$/, 'Z'),
          run_started_at: created.toISOString().replace(/\.\d{3}Z$/, 'Z'),
          updated_at: new Date(created.getTime() + duration * 1000)
            .toISOString()
            .replace(/\.\d{3}Z$/, 'Z'),
        });
      }
    }
    runs.sort((a, b) =>
      String(b.created_at).localeCompare(String(a.created_at)),
    );
  }
  return {
    name: `service-${i}`,
    protectedClassic: r() < 0.6,
    secretScanning: r() < 0.5,
    codeScanning: r() < 0.4,
    ci,
    runs,
  };
}

const repos = new Map<string, FakeRepo>();
for (let i = 0; i < REPOS; i++) {
  const repo = makeRepo(i);
  repos.set(repo.name, repo);
}

/**
 * The default branch's last 30 commits with their statuses and check runs:
 * Actions jobs (counted as workflow runs), a Codecov check run, and for a
 * third of the repositories a Jenkins commit status (their only CI when
 * they have no workflow runs).
 */
function historyOf(repo: FakeRepo) {
  const r = rand(repo.name.length * 7919 + repo.runs.length);
  const jenkins = r() < 0.33;
  const commits = repo.runs.length
    ? repo.runs.slice(0, 30).map(run => ({
        oid: String(run.head_sha),
        at: String(run.created_at),
      }))
    : Array.from({ length: jenkins ? 30 : 1 }, (_, d) => ({
        oid: createHash('sha1').update(`${repo.name}-${d}`).digest('hex'),
        at: new Date(NOW.getTime() - d * 86400000).toISOString(),
      }));
  return commits.map(c => {
    const nodes: Array<Record<string, unknown>> = [];
    if (jenkins) {
      nodes.push({
        __typename: 'StatusContext',
        context: 'continuous-integration/jenkins/branch',
        state: r() < 0.9 ? 'SUCCESS' : 'FAILURE',
        createdAt: c.at,
        targetUrl: `https://jenkins.bench/job/${repo.name}/1/`,
        description: 'Build finished',
      });
    }
    if (repo.ci) {
      nodes.push(
        {
          __typename: 'CheckRun',
          databaseId: Math.floor(r() * 1e9),
          name: 'build',
          status: 'COMPLETED',
          conclusion: 'SUCCESS',
          startedAt: c.at,
          completedAt: c.at,
          detailsUrl: 'https://github.bench/job',
          title: '',
          checkSuite: { app: { slug: 'github-actions' } },
        },
        {
          __typename: 'CheckRun',
          databaseId: Math.floor(r() * 1e9),
          name: 'codecov/patch',
          status: 'COMPLETED',
          conclusion: r() < 0.85 ? 'SUCCESS' : 'FAILURE',
          startedAt: c.at,
          completedAt: c.at,
          detailsUrl: 'https://codecov.bench/x',
          title: 'Coverage',
          checkSuite: { app: { slug: 'codecov' } },
        },
      );
    }
    return {
      oid: c.oid,
      committedDate: c.at,
      signature: { isValid: true },
      statusCheckRollup: { contexts: { nodes } },
    };
  });
}

function graphqlNode(repo: FakeRepo) {
  const head = repo.runs[0];
  return {
    isArchived: false,
    isEmpty: false,
    visibility: 'PRIVATE',
    viewerPermission: 'ADMIN',
    licenseInfo: { spdxId: 'Apache-2.0' },
    isSecurityPolicyEnabled: true,
    hasVulnerabilityAlertsEnabled: true,
    vulnerabilityAlerts: { totalCount: 0, nodes: [] },
    codeowners: { errors: [] },
    coGithub: { id: 'x' },
    coRoot: null,
    coDocs: null,
    dependabotYml: { id: 'y' },
    dependabotYaml: null,
    renovateJson: null,
    renovateJson5: null,
    renovateGithub: null,
    renovaterc: null,
    renovatercJson: null,
    pullRequests: {
      nodes: [
        {
          number: 1,
          url: `https://${HOST}/${OWNER}/${repo.name}/pull/1`,
          mergedAt: NOW.toISOString(),
          author: { __typename: 'User', login: 'a' },
          reviews: { nodes: [{ author: { login: 'b' } }] },
          commits: {
            nodes: [{ commit: { statusCheckRollup: { state: 'SUCCESS' } } }],
          },
        },
      ],
    },
    defaultBranchRef: {
      name: 'main',
      refUpdateRule: repo.protectedClassic
        ? {
            allowsDeletions: false,
            allowsForcePushes: false,
            requiredApprovingReviewCount: 1,
            requiredStatusCheckContexts: ['ci'],
            requiresCodeOwnerReviews: false,
            requiresSignatures: false,
          }
        : null,
      rules: { nodes: [] },
      target: {
        oid: head ? head.head_sha : 'deadbeef',
        committedDate: head ? head.created_at : NOW.toISOString(),
        statusCheckRollup: repo.ci ? { state: 'SUCCESS' } : null,
        checkSuites: { totalCount: repo.ci ? 2 : 0 },
        history: { nodes: historyOf(repo) },
      },
    },
  };
}

// GraphQL cost, following GitHub's published formula: sum the requests each
// connection needs assuming every first/last is reached, divide by 100.
// Per repository in our query: vulnerabilityAlerts 1, pullRequests 1 +
// 30 × (reviews + last commit), rules 1 + 20 × bypassActors, checkSuites 1,
// history 1 + 30 × statusCheckRollup contexts.
const REQUESTS_PER_REPO = 1 + (1 + 30 + 30) + (1 + 20) + 1 + (1 + 30);

// ---------------------------------------------------------------- fake server
const counters = {
  graphql: 0,
  graphqlPoints: 0,
  rest: 0,
  rest304: 0,
  restByRoute: new Map<string, number>(),
};
function reset() {
  counters.graphql = 0;
  counters.graphqlPoints = 0;
  counters.rest = 0;
  counters.rest304 = 0;
  counters.restByRoute = new Map();
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  route: string,
) {
  const payload = JSON.stringify(body);
  const etag = `"${createHash('sha1').update(payload).digest('hex')}"`;
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'x-ratelimit-limit': '1000000',
    'x-ratelimit-remaining': '999999',
    'x-ratelimit-resource': 'core',
  };
  if (status === 200) headers.etag = etag;
  if (status === 200 && req.headers['if-none-match'] === etag) {
    counters.rest304 += 1;
    res.writeHead(304, headers).end();
    return;
  }
  counters.rest += 1;
  counters.restByRoute.set(route, (counters.restByRoute.get(route) ?? 0) + 1);
  res.writeHead(status, headers).end(payload);
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname.replace(/^\/api\/v3/, '');
  if (req.method === 'POST' && path === '/graphql') {
    let raw = '';
    req.on('data', c => (raw += c));
    req.on('end', () => {
      const { query, variables } = JSON.parse(raw) as {
        query: string;
        variables?: Record<string, string>;
      };
      const data: Record<string, unknown> = {};
      if (variables && query.includes('... on CheckSuite')) {
        // Earlier attempts of re-runs: the bench's re-runs all follow a
        // failed attempt, superseded by the later one.
        const suites = Object.keys(variables);
        for (const alias of suites) {
          data[alias] = { all: { totalCount: 1 }, latest: { totalCount: 0 } };
        }
        // Two connections of first: 1 per suite.
        const cost = Math.max(1, Math.round((suites.length * 2) / 100));
        counters.graphql += 1;
        counters.graphqlPoints += cost;
        data.rateLimit = { cost, remaining: 5000, resetAt: NOW.toISOString() };
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ data }));
        return;
      }
      const aliases = [
        ...query.matchAll(
          /(r\d+): repository\(owner: "([^"]+)", name: "([^"]+)"\)/g,
        ),
      ];
      for (const [, alias, , name] of aliases) {
        const repo = repos.get(name);
        data[alias] = repo ? graphqlNode(repo) : null;
      }
      const cost = Math.max(
        1,
        Math.round((aliases.length * REQUESTS_PER_REPO) / 100),
      );
      counters.graphql += 1;
      counters.graphqlPoints += cost;
      data.rateLimit = {
        cost,
        remaining: 5000 - counters.graphqlPoints,
        resetAt: NOW.toISOString(),
      };
      res
        .writeHead(200, {
          'content-type': 'application/json',
          'x-ratelimit-remaining': String(100000 - counters.graphqlPoints),
          'x-ratelimit-resource': 'graphql',
        })
        .end(JSON.stringify({ data }));
    });
    return;
  }
  const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
  const repo = m ? repos.get(m[2]) : undefined;
  if (!m || !repo) {
    send(req, res, 404, { message: 'Not Found' }, 'unknown');
    return;
  }
  const rest = m[3] ?? '';
  if (rest === '') {
    send(
      req,
      res,
      200,
      {
        name: repo.name,
        full_name: `${OWNER}/${repo.name}`,
        default_branch: 'main',
        archived: false,
        visibility: 'private',
        security_and_analysis: {
          secret_scanning: {
            status: repo.secretScanning ? 'enabled' : 'disabled',
          },
          secret_scanning_push_protection: {
            status: repo.secretScanning ? 'enabled' : 'disabled',
          },
        },
      },
      'repo',
    );
  } else if (rest === '/branches/main/protection') {
    if (repo.protectedClassic) {
      send(
        req,
        res,
        200,
        {
          required_status_checks: { strict: true, contexts: ['ci'] },
          required_pull_request_reviews: {
            required_approving_review_count: 1,
            dismiss_stale_reviews: true,
          },
          enforce_admins: { enabled: false },
          allow_force_pushes: { enabled: false },
          allow_deletions: { enabled: false },
          required_signatures: { enabled: false },
        },
        'protection',
      );
    } else {
      send(req, res, 404, { message: 'Branch not protected' }, 'protection');
    }
  } else if (rest === '/actions/permissions/workflow') {
    send(
      req,
      res,
      200,
      {
        default_workflow_permissions: 'read',
        can_approve_pull_request_reviews: false,
      },
      'workflow-permissions',
    );
  } else if (rest === '/secret-scanning/alerts') {
    if (repo.secretScanning) send(req, res, 200, [], 'secret-alerts');
    else
      send(
        req,
        res,
        404,
        { message: 'Secret scanning is disabled on this repository.' },
        'secret-alerts',
      );
  } else if (rest === '/code-scanning/alerts') {
    if (repo.codeScanning) send(req, res, 200, [], 'code-alerts');
    else send(req, res, 404, { message: 'no analysis found' }, 'code-alerts');
  } else if (rest === '/actions/runs') {
    const created = (
      url.searchParams.get('created') ?? '>=1970-01-01T00:00:00Z'
    ).replace(/^>=/, '');
    const page = Number(url.searchParams.get('page') ?? 1);
    const perPage = Number(url.searchParams.get('per_page') ?? 30);
    const all = repo.runs.filter(r => String(r.created_at) >= created);
    send(
      req,
      res,
      200,
      {
        total_count: all.length,
        workflow_runs: all.slice((page - 1) * perPage, page * perPage),
      },
      'runs',
    );
  } else if (/^\/actions\/runs\/\d+\/attempts\/\d+$/.test(rest)) {
    send(
      req,
      res,
      200,
      { conclusion: 'failure', status: 'completed' },
      'attempts',
    );
  } else {
    send(req, res, 404, { message: 'Not Found' }, 'unknown');
  }
});

// ---------------------------------------------------------------- harness
function memoryState(): CollectorStateStore {
  const data = new Map<string, string>();
  return {
    async get<T extends JsonValue>(key: string) {
      const v = data.get(key);
      return v === undefined ? undefined : (JSON.parse(v) as T);
    },
    async getMany<T extends JsonValue>(keys: string[]) {
      const out = new Map<string, T>();
      for (const k of keys) {
        const v = data.get(k);
        if (v !== undefined) out.set(k, JSON.parse(v) as T);
      }
      return out;
    },
    async set(entries) {
      for (const e of entries) data.set(e.key, JSON.stringify(e.value));
    },
    async delete(keys) {
      keys.forEach(k => data.delete(k));
    },
  };
}

const quietLogger: LoggerService = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child() {
    return quietLogger;
  },
};

async function main() {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const config = new ConfigReader({
    integrations: {
      github: [
        {
          host: HOST,
          apiBaseUrl: `http://127.0.0.1:${port}/api/v3`,
          token: 'bench-token',
        },
      ],
    },
  });
  const moduleConfig = readGithubComplianceConfig(config);
  const collector = GithubCollector.create({
    config: moduleConfig,
    integrations: ScmIntegrations.fromConfig(config),
    logger: quietLogger,
  });
  const entities: Entity[] = [...repos.keys()].map(name => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: {
        'github.com/project-slug': `${OWNER}/${name}`,
        'backstage.io/source-location': `url:https://${HOST}/${OWNER}/${name}/tree/main/`,
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team' },
  }));
  const state = memoryState();

  async function cycle() {
    reset();
    const start = process.hrtime.bigint();
    let facts = 0;
    const flag: { stopped?: string } = {};
    const ctx = {
      logger: quietLogger,
      state,
      stop: (reason: string) => {
        flag.stopped = reason;
      },
    };
    const batch = collector.batchSize ?? 100;
    for (let i = 0; i < entities.length && !flag.stopped; i += batch) {
      const out = await collector.collect(entities.slice(i, i + batch), ctx);
      facts += out.length;
    }
    const stopped = flag.stopped;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return {
      seconds,
      facts,
      stopped,
      graphql: counters.graphql,
      points: counters.graphqlPoints,
      rest: counters.rest,
      rest304: counters.rest304,
      byRoute: Object.fromEntries(counters.restByRoute),
    };
  }

  const first = await cycle();
  const steady = await cycle();
  // Churn: 20% of repositories get a new push with a CI run.
  let index = 0;
  for (const repo of repos.values()) {
    if (index++ % 5 !== 0 || !repo.ci) continue;
    const created = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const id = Number(repo.runs[0]?.id ?? 0) + 1;
    repo.runs.unshift({
      id,
      check_suite_node_id: `CS_kwDO${id.toString(36)}`,
      name: 'CI',
      head_sha: createHash('sha1').update(`new-${repo.name}`).digest('hex'),
      head_branch: 'main',
      event: 'push',
      status: 'completed',
      conclusion: 'success',
      run_attempt: 1,
      created_at: created,
      run_started_at: created,
      updated_at: created,
    });
  }
  const churn = await cycle();
  server.close();

  const perRepo = (c: typeof first) => (c.graphql + c.rest) / REPOS;
  const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d;
  const requestsPerRepoFirst = round(perRepo(first));
  const requestsPerRepoSteady = round(perRepo(steady));
  const result = {
    repos: REPOS,
    requestsPerRepoFirst,
    requestsPerRepoSteady,
    graphqlPoints: first.points,
    wallSeconds: round(first.seconds, 1),
    reposPerHourAt5000: Math.floor(
      5000 / Math.max(requestsPerRepoSteady, 1e-9),
    ),
  };

  const line = (label: string, c: typeof first) =>
    `${label}: ${c.graphql} GraphQL requests (${c.points} points), ${c.rest} REST requests counted, ` +
    `${c.rest304} REST 304 (free), ${round(
      (c.graphql + c.rest + c.rest304) / REPOS,
    )} HTTP requests/repo, ` +
    `${round(c.seconds, 1)} s, ${c.facts} facts${
      c.stopped ? `, stopped: ${c.stopped}` : ''
    }`;
  console.log(
    `GitHub collector benchmark: ${REPOS} repositories on a local fake GitHub`,
  );
  console.log(line('first cycle ', first));
  console.log(`  REST by route: ${JSON.stringify(first.byRoute)}`);
  console.log(line('steady cycle', steady));
  console.log(`  REST by route: ${JSON.stringify(steady.byRoute)}`);
  console.log(line('churn cycle (20% of repos pushed)', churn));
  console.log(`  REST by route: ${JSON.stringify(churn.byRoute)}`);
  console.log(
    `requests/repo (rate-limited: GraphQL + non-304 REST): first ${requestsPerRepoFirst}, steady ${requestsPerRepoSteady}`,
  );
  console.log(
    `GraphQL points first cycle: ${first.points} (${round(
      first.points / REPOS,
    )} per repo); steady: ${steady.points}`,
  );
  console.log(
    `wall seconds: first ${round(first.seconds, 1)}, steady ${round(
      steady.seconds,
      1,
    )} (GraphQL is serialised 1/s per owner by plugin-throttling)`,
  );
  console.log(
    `repos/hour at 5000 req/h: steady ${
      result.reposPerHourAt5000
    }, with 20% churn ${Math.floor(5000 / perRepo(churn))}, first ${Math.floor(
      5000 / requestsPerRepoFirst,
    )}`,
  );
  console.log(
    `GraphQL-bound repos/hour at 5000 points/h: ${Math.floor(
      5000 / (steady.points / REPOS),
    )} (GraphQL is a separate bucket; 304s still count toward secondary limits)`,
  );
  console.log(JSON.stringify(result));
}

main().catch(error => {
  server.close();
  console.error(error);
  process.exit(1);
});
