import { delay, http, HttpResponse } from 'msw';
import errors from '../__fixtures__/errors.json';
import workflowRunAttempt from '../__fixtures__/workflow-run-attempt.json';
import workflowRuns from '../__fixtures__/workflow-runs.json';
import {
  API,
  graphqlWith,
  rate,
  REPO,
  restRepositoryHandlers,
} from './replayedGithub';

/*
 * Fault injection at the GitHub boundary: one repository answered well in a
 * first cycle, then answered with one fault at one phase in the second. The
 * second cycle's data differs from the first only where a phase needs it to
 * be asked at all (a new HEAD for the runs sync, a new re-run for the
 * attempt lookup); without a fault it changes no control's status.
 */

/** Every request phase of a collection cycle. */
export const PHASES = {
  graphqlBatch: { method: 'post', url: `${API}/graphql` },
  securityAnalysis: { method: 'get', url: REPO },
  branchProtection: { method: 'get', url: `${REPO}/branches/main/protection` },
  workflowPermissions: {
    method: 'get',
    url: `${REPO}/actions/permissions/workflow`,
  },
  secretScanningAlerts: {
    method: 'get',
    url: `${REPO}/secret-scanning/alerts`,
  },
  codeScanningAlerts: { method: 'get', url: `${REPO}/code-scanning/alerts` },
  dependabotAlerts: { method: 'get', url: `${REPO}/dependabot/alerts` },
  workflowRunsSync: { method: 'get', url: `${REPO}/actions/runs` },
  attemptLookup: {
    method: 'get',
    url: `${REPO}/actions/runs/:runId/attempts/:attempt`,
  },
} as const;

/** A phase of {@link PHASES}. */
export type Phase = keyof typeof PHASES;

const SECONDS = () => String(Math.floor(Date.now() / 1000) + 3600);

/** Every fault, as GitHub (or the network between) answers it. */
export const FAULTS = {
  http500: () =>
    HttpResponse.json(errors.serverError, { status: 500, headers: rate() }),
  http502: () =>
    HttpResponse.json(errors.serverError, { status: 502, headers: rate() }),
  timeout: async () => {
    await delay('infinite');
    return HttpResponse.json({});
  },
  secondaryRateLimit: () =>
    HttpResponse.json(errors.secondaryRateLimit, {
      status: 403,
      headers: { ...rate(), 'retry-after': '1' },
    }),
  abuseDetection: () =>
    HttpResponse.json(
      {
        message:
          'You have triggered an abuse detection mechanism. Please wait a few minutes before you try again.',
        documentation_url:
          'https://docs.github.com/rest/overview/resources-in-the-rest-api#secondary-rate-limits',
      },
      { status: 403, headers: { ...rate(), 'retry-after': '2' } },
    ),
  primaryRateLimit403: () =>
    HttpResponse.json(errors.primaryRateLimit, {
      status: 403,
      headers: {
        ...rate(0),
        'x-ratelimit-reset': SECONDS(),
      },
    }),
  primaryRateLimit429: () =>
    HttpResponse.json(errors.primaryRateLimit, {
      status: 429,
      headers: { ...rate(0), 'x-ratelimit-reset': SECONDS() },
    }),
  malformedJson: () =>
    new HttpResponse('{"data": {"r0": {"isArchived": fal', {
      status: 200,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        ...rate(),
      },
    }),
} as const;

/** A fault of {@link FAULTS}. */
export type Fault = keyof typeof FAULTS;

/** Faults that are rate limits: the cycle must stop and say so. */
export const RATE_LIMIT_FAULTS: readonly Fault[] = [
  'secondaryRateLimit',
  'abuseDetection',
  'primaryRateLimit403',
  'primaryRateLimit429',
];

/** The handler that answers `phase` with `fault` (takes precedence when used first). */
export function faultHandler(phase: Phase, fault: Fault, hits?: string[]) {
  const { method, url } = PHASES[phase];
  return http[method](url, async () => {
    hits?.push(`${phase}:${fault}`);
    return FAULTS[fault]();
  });
}

/** The GraphQL fixture of a cycle: its head, and 100 of 103 open Dependabot alerts. */
function graphqlOf(cycle: 1 | 2) {
  return graphqlWith(r => {
    r.defaultBranchRef.target.oid = cycle === 1 ? 'head-1' : 'head-2';
    const shown = r.vulnerabilityAlerts.nodes;
    r.vulnerabilityAlerts = {
      totalCount: 103,
      nodes: [
        ...shown,
        ...Array.from({ length: 100 - shown.length }, () => ({
          createdAt: '2025-06-01T00:00:00Z',
          securityVulnerability: { severity: 'LOW' },
        })),
      ],
    };
  });
}

/** The critical/high Dependabot alerts REST lists for the repository. */
const dependabotAlerts = [
  {
    number: 1,
    state: 'open',
    created_at: '2025-04-01T08:00:00Z',
    security_advisory: { severity: 'critical' },
    security_vulnerability: { severity: 'critical' },
  },
  {
    number: 2,
    state: 'open',
    created_at: '2025-06-10T08:00:00Z',
    security_advisory: { severity: 'high' },
    security_vulnerability: { severity: 'high' },
  },
];

/**
 * A successful re-run that appears in the second cycle (not flaky), of a
 * workflow of its own so that no per-check figure crosses a threshold.
 */
const rerun = {
  ...workflowRuns.workflow_runs[1],
  name: 'Release',
  id: 111,
  run_attempt: 2,
  conclusion: 'success',
  status: 'completed',
  head_sha: 'head-2',
  created_at: '2025-06-15T11:55:00Z',
  run_started_at: '2025-06-15T11:56:00Z',
  updated_at: '2025-06-15T12:00:00Z',
};

/** GitHub answering well in cycle 1 or 2, counting requests. */
export function scenarioHandlers(cycle: 1 | 2, calls: string[] = []) {
  const graphql = graphqlOf(cycle);
  const runs =
    cycle === 1
      ? workflowRuns
      : {
          ...workflowRuns,
          workflow_runs: [rerun, ...workflowRuns.workflow_runs],
        };
  return [
    http.post(`${API}/graphql`, () => {
      calls.push('POST /graphql');
      return HttpResponse.json(graphql, { headers: rate(4990, 'graphql') });
    }),
    ...restRepositoryHandlers(calls),
    http.get(`${REPO}/dependabot/alerts`, () => {
      calls.push('GET /dependabot/alerts');
      return HttpResponse.json(dependabotAlerts, { headers: rate() });
    }),
    http.get(`${REPO}/actions/runs`, () => {
      calls.push('GET /actions/runs');
      return HttpResponse.json(runs, { headers: rate() });
    }),
    http.get(`${REPO}/actions/runs/103/attempts/1`, () => {
      calls.push('GET /attempts 103');
      return HttpResponse.json(workflowRunAttempt, { headers: rate() });
    }),
    http.get(`${REPO}/actions/runs/111/attempts/1`, () => {
      calls.push('GET /attempts 111');
      return HttpResponse.json(
        { ...workflowRunAttempt, id: 111, conclusion: 'success' },
        { headers: rate() },
      );
    }),
  ];
}
