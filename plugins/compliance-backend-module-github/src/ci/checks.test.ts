import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { parseCiSummary } from 'backstage-plugin-compliance-common';
import { setupServer } from 'msw/node';
import {
  byId,
  collector,
  context,
  githubHandlers,
  graphqlWith,
  memoryState,
  payments,
} from '../__testUtils__/replayedGithub';
import { GITHUB_FACTS as F } from '../githubFactIds';

const server = setupServer();
registerMswTestHooks(server);

const JENKINS = 'https://jenkins.acme.example/job/billing/';

/** A commit of the history whose only CI is a Jenkins commit status. */
function jenkinsCommit(day: number, state: string, oid = `c${day}`) {
  const at = `2025-06-${String(day).padStart(2, '0')}T08:00:00Z`;
  return {
    oid,
    committedDate: at,
    signature: null,
    statusCheckRollup: {
      contexts: {
        nodes: [
          {
            __typename: 'StatusContext',
            context: 'continuous-integration/jenkins/branch',
            state,
            createdAt: at,
            targetUrl: `${JENKINS}${day}/`,
            description:
              state === 'SUCCESS' ? 'This commit looks good' : 'Tests failed',
          },
        ],
      },
    },
  };
}

/** The replayed repository, its CI only a third-party status context. */
function statusOnly(history: unknown[], headState = 'SUCCESS') {
  return graphqlWith(repo => {
    const target = repo.defaultBranchRef.target;
    target.statusCheckRollup = { state: headState };
    target.checkSuites = { totalCount: 0 };
    target.history.nodes = history;
  });
}

describe('checks and statuses of the default branch', () => {
  it('gives a repository whose only CI is a third-party status context pass rate, flakiness and head state', async () => {
    const calls: string[] = [];
    server.use(
      ...githubHandlers(
        calls,
        statusOnly(
          [
            jenkinsCommit(14, 'SUCCESS'),
            jenkinsCommit(13, 'FAILURE'),
            jenkinsCommit(12, 'SUCCESS'),
            jenkinsCommit(11, 'SUCCESS'),
            jenkinsCommit(10, 'ERROR'),
            jenkinsCommit(9, 'SUCCESS'),
          ],
          'SUCCESS',
        ),
      ),
    );
    const facts = byId(await collector().collect([payments], context().ctx));
    const v = (id: string) => facts.get(id)?.value;

    expect(v(F.ciPresent)).toBe(true);
    expect(v(F.ciHeadState)).toBe('SUCCESS');
    expect(v(F.ciRuns)).toBe(6);
    expect(v(F.ciPassRate)).toBe(0.6667);
    expect(v(F.ciFlakyRate)).toBe(0);
    expect(v(F.ciChecksMaxFlakyRate)).toBe(0);
    expect(v(F.ciChecksMinPassRate)).toBe(0.6667);
    // Statuses carry no duration: nothing to judge, never a made-up figure.
    expect(v(F.ciChecksMaxP95DurationSeconds)).toBeNull();
    const summary = parseCiSummary(v(F.ciSummary));
    expect(summary?.sources).toEqual(['status']);
    expect(summary?.checks?.[0]).toMatchObject({
      name: 'continuous-integration/jenkins/branch',
      status: 'ok',
      lastFailure: {
        url: `${JENKINS}13/`,
        summary: 'Tests failed',
        source: 'status',
      },
    });
    // No check suites: the workflow runs API is not asked.
    expect(calls.some(c => c.startsWith('GET /actions/runs'))).toBe(false);
  });

  it('counts a failure and a success of the same check on one commit as flaky', async () => {
    const failed = jenkinsCommit(13, 'FAILURE', 'same');
    const passed = jenkinsCommit(13, 'SUCCESS', 'same');
    // The same context reported again on the same commit (a rebuild):
    // GitHub's rollup shows it as a check run of the Jenkins app.
    const rebuilt = {
      ...passed,
      statusCheckRollup: {
        contexts: {
          nodes: [
            failed.statusCheckRollup.contexts.nodes[0],
            {
              __typename: 'CheckRun',
              databaseId: 77,
              name: 'continuous-integration/jenkins/branch',
              status: 'COMPLETED',
              conclusion: 'SUCCESS',
              startedAt: '2025-06-13T09:00:00Z',
              completedAt: '2025-06-13T09:05:00Z',
              detailsUrl: `${JENKINS}13b/`,
              title: 'Rebuild passed',
              checkSuite: { app: { slug: 'jenkins' } },
            },
          ],
        },
      },
    };
    server.use(...githubHandlers([], statusOnly([rebuilt])));
    const facts = byId(await collector().collect([payments], context().ctx));
    expect(facts.get(F.ciFlakyRate)?.value).toBe(0.5);
    // One check with 2 runs: below the minimum, the per-check facts are unknown.
    expect(facts.get(F.ciChecksMaxFlakyRate)).toMatchObject({
      unknownReason: 'insufficient_data',
    });
    expect(facts.get(F.ciChecksMaxFlakyRate)?.value).toBeUndefined();
  });

  it('keeps earlier observations between cycles (incremental) and prunes nothing inside the window', async () => {
    const state = memoryState();
    const history = [14, 13, 12, 11, 10].map(d =>
      jenkinsCommit(d, d === 12 ? 'FAILURE' : 'SUCCESS'),
    );
    server.use(...githubHandlers([], statusOnly(history)));
    await collector().collect([payments], context(state).ctx);

    // Next cycle GitHub shows only the two newest commits.
    server.use(
      ...githubHandlers(
        [],
        statusOnly([jenkinsCommit(15, 'SUCCESS'), history[0]]),
      ),
    );
    const facts = byId(
      await collector().collect([payments], context(state).ctx),
    );
    expect(facts.get(F.ciRuns)?.value).toBe(6);
    expect(facts.get(F.ciPassRate)?.value).toBe(0.8333);
    expect(facts.get(F.ciChecksMinPassRate)?.value).toBe(0.8333);
  });

  it('reports the check facts unknown with the permission name when GitHub hides check runs (no checks:read), never a fail', async () => {
    const answer = graphqlWith(
      repo => {
        for (const node of repo.defaultBranchRef.target.history.nodes) {
          node.statusCheckRollup = null;
        }
      },
      [
        {
          type: 'FORBIDDEN',
          path: [
            'r0',
            'defaultBranchRef',
            'target',
            'history',
            'nodes',
            0,
            'statusCheckRollup',
          ],
          message: 'Resource not accessible by integration',
        },
      ],
    );
    server.use(...githubHandlers([], answer));
    const facts = byId(await collector().collect([payments], context().ctx));
    for (const id of [
      F.ciChecksMaxFlakyRate,
      F.ciChecksMaxP95DurationSeconds,
      F.ciChecksMinPassRate,
    ]) {
      expect(facts.get(id)).toMatchObject({
        unknownReason: 'insufficient_permission',
      });
      expect(facts.get(id)?.message).toContain('checks:read');
    }
    // The workflow runs still count.
    expect(facts.get(F.ciRuns)?.value).toBe(8);
  });
});
