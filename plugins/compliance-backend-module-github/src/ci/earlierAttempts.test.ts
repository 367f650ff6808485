import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { Octokit } from '@octokit/rest';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import graphqlRepository from '../__fixtures__/graphql-repository.json';
import workflowRuns from '../__fixtures__/workflow-runs.json';
import {
  API,
  byId,
  collector,
  context,
  payments,
  REPO,
  restRepositoryHandlers,
} from '../__testUtils__/replayedGithub';
import { GITHUB_FACTS as F } from '../githubFactIds';
import { StoredRun } from '../lib/ciStats';
import {
  AttemptLookup,
  earlierAttemptQuery,
  rerunAfterFailureOf,
  resolveEarlierAttempts,
} from './earlierAttempts';

const server = setupServer();
registerMswTestHooks(server);

const rerun = (id: number, checkSuiteNodeId?: string): StoredRun => ({
  id,
  name: 'CI',
  sha: `sha-${id}`,
  status: 'completed',
  conclusion: 'success',
  attempt: 2,
  createdAt: '2025-06-08T10:00:00Z',
  durationSeconds: 300,
  ...(checkSuiteNodeId ? { checkSuiteNodeId } : {}),
});

const lookup = (repo: string, runs: StoredRun[]): AttemptLookup => ({
  owner: 'acme',
  repo,
  repositoryKey: `github.com/acme/${repo}`,
  runs,
});

/** Answers the check-suite query: failed check runs in all attempts / the latest. */
function suitesHandler(
  bodies: Array<{ query: string; variables: Record<string, string> }>,
  failed: Record<string, { all: number; latest: number } | null>,
) {
  return http.post(`${API}/graphql`, async ({ request }) => {
    const body = (await request.json()) as {
      query: string;
      variables: Record<string, string>;
    };
    bodies.push(body);
    const data: Record<string, unknown> = {
      rateLimit: { cost: 1, remaining: 4990, resetAt: '2025-06-15T13:00:00Z' },
    };
    for (const [alias, id] of Object.entries(body.variables)) {
      const f = failed[id];
      data[alias] = f
        ? { all: { totalCount: f.all }, latest: { totalCount: f.latest } }
        : null;
    }
    return HttpResponse.json({ data });
  });
}

describe('earlier attempts of re-run workflow runs', () => {
  it('sends check suite ids as variables, never in the query text', () => {
    const query = earlierAttemptQuery(2);
    expect(query).toContain('query($s0: ID!, $s1: ID!)');
    expect(query).toContain('s1: node(id: $s1)');
    expect(query).toContain('checkType: ALL');
    expect(query).toContain('checkType: LATEST');
  });

  it('reads a failed check run superseded by a later attempt as a re-run after failure', () => {
    const answer = (all: number, latest: number) => ({
      all: { totalCount: all },
      latest: { totalCount: latest },
    });
    expect(rerunAfterFailureOf(answer(1, 0))).toBe(true);
    // A failure that is still in the latest attempt (continue-on-error) was not re-run away.
    expect(rerunAfterFailureOf(answer(1, 1))).toBe(false);
    expect(rerunAfterFailureOf(answer(0, 0))).toBe(false);
    expect(rerunAfterFailureOf(null)).toBeUndefined();
    expect(rerunAfterFailureOf({ all: { totalCount: 1 } })).toBeUndefined();
    expect(rerunAfterFailureOf(answer(0, 2))).toBeUndefined();
    expect(rerunAfterFailureOf(answer(-1, 0))).toBeUndefined();
  });

  it('asks one GraphQL query for the re-runs of several repositories and REST only for the rest', async () => {
    const bodies: Array<{ query: string; variables: Record<string, string> }> =
      [];
    const rest: string[] = [];
    server.use(
      suitesHandler(bodies, {
        CS_flaky: { all: 2, latest: 0 },
        CS_clean: { all: 0, latest: 0 },
      }),
      http.get(
        `${API}/repos/acme/:repo/actions/runs/:id/attempts/:n`,
        ({ params }) => {
          rest.push(`${params.repo} ${params.id}/${params.n}`);
          return HttpResponse.json({ id: 7, conclusion: 'failure' });
        },
      ),
    );
    const flaky = rerun(1, 'CS_flaky');
    const clean = rerun(2, 'CS_clean');
    const hostile = rerun(3, 'x") { viewer { login } } #');
    const legacy = rerun(4);
    const unanswered = rerun(5, 'CS_gone');
    const lookups = [
      lookup('payments', [flaky, hostile]),
      lookup('billing', [clean, legacy]),
      lookup('ledger', [unanswered]),
    ];
    await resolveEarlierAttempts({
      octokit: new Octokit({ baseUrl: API }),
      lookups,
      logger: mockServices.logger.mock(),
    });
    expect(bodies).toHaveLength(1);
    expect(Object.values(bodies[0].variables).sort()).toEqual([
      'CS_clean',
      'CS_flaky',
      'CS_gone',
    ]);
    expect(bodies[0].query).not.toContain('CS_');
    expect(flaky.rerunAfterFailure).toBe(true);
    expect(clean.rerunAfterFailure).toBe(false);
    // Runs GraphQL could not settle ask REST, one per repository and cycle.
    expect(rest.sort()).toEqual(['billing 4/1', 'ledger 5/1', 'payments 3/1']);
    expect(hostile.rerunAfterFailure).toBe(true);
    expect(lookups.map(l => l.error)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('keeps re-runs unclassified and reports the outage when the GraphQL lookup fails', async () => {
    const rest: string[] = [];
    server.use(
      http.post(`${API}/graphql`, () =>
        HttpResponse.json({ message: 'Server Error' }, { status: 502 }),
      ),
      http.get(`${API}/repos/acme/:repo/actions/runs/:id/attempts/:n`, () => {
        rest.push('attempt');
        return HttpResponse.json({ conclusion: 'failure' });
      }),
    );
    const run = rerun(1, 'CS_flaky');
    const lookups = [lookup('payments', [run])];
    await resolveEarlierAttempts({
      octokit: new Octokit({ baseUrl: API, request: { retries: 0 } }),
      lookups,
      logger: mockServices.logger.mock(),
    });
    expect(run.rerunAfterFailure).toBeUndefined();
    expect(lookups[0].error).toMatchObject({
      kind: 'unknown',
      reason: 'error',
    });
    expect(rest).toEqual([]);
  });

  async function collectWithSuiteAnswer(failed: {
    all: number;
    latest: number;
  }) {
    const calls: string[] = [];
    const bodies: Array<{ query: string; variables: Record<string, string> }> =
      [];
    const runs = JSON.parse(JSON.stringify(workflowRuns));
    for (const run of runs.workflow_runs) {
      run.check_suite_node_id = `CS_${run.id}`;
    }
    server.use(
      http.post(`${API}/graphql`, async ({ request }) => {
        const text = await request.clone().text();
        if (text.includes('CheckSuite')) return undefined;
        calls.push('POST /graphql');
        return HttpResponse.json(graphqlRepository);
      }),
      suitesHandler(bodies, { CS_103: failed }),
      ...restRepositoryHandlers(calls),
      http.get(`${REPO}/actions/runs`, () => {
        calls.push('GET /actions/runs');
        return HttpResponse.json(runs);
      }),
      http.get(`${REPO}/actions/runs/:id/attempts/:n`, () => {
        calls.push('GET /attempts');
        return HttpResponse.json({ conclusion: 'failure' });
      }),
    );
    const facts = byId(await collector().collect([payments], context().ctx));
    return { calls, bodies, facts };
  }

  it('classifies the re-runs of a collected batch without per-run REST requests', async () => {
    const flaky = await collectWithSuiteAnswer({ all: 1, latest: 0 });
    expect(flaky.calls).not.toContain('GET /attempts');
    expect(flaky.bodies.map(b => b.variables)).toEqual([{ s0: 'CS_103' }]);
    expect(flaky.facts.get(F.ciFlakyRate)?.unknownReason).toBeUndefined();
    server.resetHandlers();
    const clean = await collectWithSuiteAnswer({ all: 0, latest: 0 });
    expect(clean.calls).not.toContain('GET /attempts');
    // The re-run after a failure is what makes the flaky rate.
    expect(flaky.facts.get(F.ciFlakyRate)?.value).toBeGreaterThan(
      clean.facts.get(F.ciFlakyRate)?.value as number,
    );
  });
});
