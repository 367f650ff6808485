import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import errors from './__fixtures__/errors.json';
import graphqlRepository from './__fixtures__/graphql-repository.json';
import repository from './__fixtures__/repository.json';
import branchProtection from './__fixtures__/branch-protection.json';
import {
  API,
  byId,
  collector,
  component,
  context,
  etagged,
  githubHandlers,
  graphqlWith,
  memoryState,
  payments,
  rate,
  REPO,
} from './__testUtils__/replayedGithub';
import { GITHUB_FACT_DESCRIPTORS, GITHUB_FACTS as F } from './githubFactIds';

const NOW_RESET = '2025-06-15T13:00:00Z';

const server = setupServer();
registerMswTestHooks(server);

describe('GithubCollector', () => {
  it('collects repository controls and CI signals from realistic answers', async () => {
    const calls: string[] = [];
    server.use(...githubHandlers(calls));
    const { ctx, stop } = context();
    const facts = byId(await collector().collect([payments], ctx));

    expect(stop).not.toHaveBeenCalled();
    expect(facts.size).toBe(GITHUB_FACT_DESCRIPTORS.length);
    const v = (id: string) => facts.get(id)?.value;
    expect(v(F.repoArchived)).toBe(false);
    expect(v(F.repoVisibility)).toBe('private');
    expect(v(F.repoDaysSinceLastCommit)).toBe(1);
    expect(v(F.repoLicense)).toBe('Apache-2.0');
    expect(v(F.codeownersPresent)).toBe(true);
    expect(v(F.codeownersErrors)).toBe(0);
    expect(v(F.securityPolicyEnabled)).toBe(true);
    expect(v(F.commitsSignedRatio)).toBe(0.75);
    expect(v(F.protected)).toBe(true);
    expect(v(F.requiredApprovals)).toBe(2);
    expect(v(F.staleReviewsDismissed)).toBe(true);
    expect(v(F.requiredStatusChecks)).toBe(2);
    expect(v(F.strictStatusChecks)).toBe(true);
    expect(v(F.adminsEnforced)).toBe(true);
    expect(v(F.forcePushesBlocked)).toBe(true);
    expect(v(F.dependencyUpdatesConfigured)).toBe(true);
    expect(v(F.dependabotAlertsEnabled)).toBe(true);
    expect(v(F.dependabotOpenCriticalHigh)).toBe(2);
    expect(v(F.dependabotOverdueCriticalHigh)).toBe(1);
    expect(v(F.secretScanningEnabled)).toBe(true);
    expect(v(F.pushProtectionEnabled)).toBe(false);
    expect(v(F.secretScanningOpenAlerts)).toBe(1);
    expect(v(F.codeScanningEnabled)).toBe(true);
    expect(v(F.codeScanningOpenCriticalHigh)).toBe(1);
    expect(v(F.workflowTokenReadOnly)).toBe(true);
    expect(v(F.workflowCanApprovePullRequests)).toBe(false);
    expect(v(F.mergedPullRequests)).toBe(3);
    expect(v(F.reviewedRatio)).toBe(0.667);
    // Change management: #41 merged with failing checks, #42 with none and
    // only its author's approval (the bot's pull request is left out).
    expect(v(F.changesChecksNotGreenRatio)).toBe(0.667);
    expect(v(F.changesUnapprovedRatio)).toBe(0.333);
    expect(v(F.changesOffenders)).toEqual([
      {
        number: 41,
        url: 'https://github.com/acme/payments/pull/41',
        mergedAt: '2025-06-11T15:00:00Z',
        author: 'bob',
        reviewers: ['carol'],
        missing: ['checks failing at merge'],
      },
      {
        number: 42,
        url: 'https://github.com/acme/payments/pull/42',
        mergedAt: '2025-06-12T15:00:00Z',
        author: 'carol',
        reviewers: ['carol'],
        missing: ['no checks reported at merge', 'independent approval'],
      },
    ]);
    expect(v(F.ciPresent)).toBe(true);
    expect(v(F.ciHeadState)).toBe('SUCCESS');
    // 8 workflow runs, 3 Jenkins statuses, 3 check runs of other apps
    // (Actions check runs are the workflow runs' jobs: not counted twice).
    expect(v(F.ciRuns)).toBe(14);
    expect(v(F.ciPassRate)).toBe(0.7143);
    // The re-run of CI, and Jenkins passing on the commit its status failed.
    expect(v(F.ciFlakyRate)).toBe(0.1429);
    expect(v(F.ciP95DurationSeconds)).toBe(420);
    // Only CI has 5 runs: the worst check is CI.
    expect(v(F.ciChecksMaxFlakyRate)).toBe(0.1667);
    expect(v(F.ciChecksMaxP95DurationSeconds)).toBe(320);
    expect(v(F.ciChecksMinPassRate)).toBe(0.8333);
    expect(v(F.ciSummary)).toMatchObject({
      headState: 'SUCCESS',
      windowDays: 30,
      runs: 14,
      p50DurationSeconds: 290,
      p95DurationSeconds: 420,
      sources: ['workflow_run', 'check_run', 'status'],
      topFailingChecks: [
        { name: 'CI', count: 1 },
        { name: 'ci/jenkins: build', count: 1 },
        { name: 'codecov/patch', count: 1 },
        { name: 'Lint', count: 1 },
      ],
    });
    const checks = (v(F.ciSummary) as { checks: any[] }).checks;
    expect(checks.find(c => c.name === 'ci/jenkins: build')).toMatchObject({
      sources: ['check_run', 'status'],
      status: 'insufficient_data',
      runs: 4,
      flaky: 1,
      lastFailure: {
        url: 'https://jenkins.acme.example/job/payments/812/',
        summary: 'Tests failed: 3 of 412 (PaymentsIT)',
        source: 'status',
      },
    });
    expect(checks.find(c => c.name === 'CI')?.lastFailure).toMatchObject({
      url: 'https://github.com/acme/payments/actions/runs/102',
      source: 'workflow_run',
    });
    expect((v(F.ciSummary) as { daily: unknown[] }).daily).toHaveLength(30);
    expect(facts.get(F.protected)?.evidence?.url).toBe(
      'https://github.com/acme/payments/settings/branches',
    );
    expect(calls.filter(c => c === 'POST /graphql')).toHaveLength(1);
    expect(calls).toContain('GET /actions/runs >=2025-05-17T00:00:00Z');
  });

  it('marks every fact unknown (no_repo) for entities without a repository, without calling GitHub', async () => {
    const calls: string[] = [];
    server.use(...githubHandlers(calls));
    const { ctx } = context();
    const facts = await collector().collect([component('lonely', {})], ctx);
    expect(facts).toHaveLength(GITHUB_FACT_DESCRIPTORS.length);
    expect(
      facts.every(f => f.unknownReason === 'no_repo' && f.value === undefined),
    ).toBe(true);
    expect(calls).toEqual([]);
  });

  it('never sends a slug GitHub would refuse, or one outside the allowed owners', async () => {
    const calls: string[] = [];
    server.use(...githubHandlers(calls));
    const slugs = [
      'acme/.',
      '../orgs',
      '-acme/payments',
      `${'o'.repeat(40)}/payments`,
      'payments',
      'acme/..',
      'evil/payments',
    ];
    const entities = slugs.map((slug, i) =>
      component(`bad-${i}`, { 'github.com/project-slug': slug }),
    );
    const facts = await collector({
      github: { allowedOwners: ['acme', 'o'.repeat(39)] },
    }).collect(entities, context().ctx);
    expect(calls).toEqual([]);
    expect(facts).toHaveLength(slugs.length * GITHUB_FACT_DESCRIPTORS.length);
    expect(
      facts.every(f => f.unknownReason === 'no_repo' && f.value === undefined),
    ).toBe(true);
    const messages = entities.map(
      (_, i) =>
        facts.find(f => f.entityRef === `component:default/bad-${i}`)?.message,
    );
    expect(messages).toEqual([
      expect.stringMatching(/"\." is not a valid GitHub repository name/),
      expect.stringMatching(/"\.\." is not a valid GitHub owner/),
      expect.stringMatching(/"-acme" is not a valid GitHub owner/),
      expect.stringMatching(/is not a valid GitHub owner \(1-39/),
      expect.stringMatching(/"payments" is not owner\/repo/),
      expect.stringMatching(/"\.\." is not a valid GitHub repository name/),
      expect.stringMatching(
        /"evil" is not in compliance\.github\.allowedOwners/,
      ),
    ]);
  });

  it('only collects a slug that matches the source location when that is required', async () => {
    const calls: string[] = [];
    server.use(...githubHandlers(calls));
    const claimed = component('claimed', {
      'github.com/project-slug': 'acme/payments',
      'backstage.io/source-location':
        'url:https://github.com/acme/side-project/tree/main/',
    });
    const facts = await collector({
      github: { requireSourceLocationMatch: true },
    }).collect([claimed, payments], context().ctx);
    const bad = byId(facts, 'component:default/claimed');
    expect(bad.get(F.protected)).toMatchObject({
      unknownReason: 'no_repo',
      message: expect.stringMatching(
        /does not match the repository acme\/side-project/,
      ),
    });
    // payments has no source location: its slug stands and is collected once
    expect(byId(facts).get(F.protected)?.value).toBe(true);
    expect(calls.filter(c => c === 'POST /graphql')).toHaveLength(1);
  });

  it('reports every fact of a repository that does not exist (or is hidden) as unknown, without REST requests', async () => {
    const calls: string[] = [];
    server.use(
      ...githubHandlers(calls, {
        data: {
          rateLimit: { cost: 1, remaining: 4999, resetAt: NOW_RESET },
          r0: null,
        },
        errors: [errors.graphqlNotFound],
      }),
    );
    const facts = await collector().collect([payments], context().ctx);
    expect(facts).toHaveLength(GITHUB_FACT_DESCRIPTORS.length);
    for (const fact of facts) {
      expect(fact.value).toBeUndefined();
      expect(['no_repo', 'insufficient_permission']).toContain(
        fact.unknownReason,
      );
      expect(fact.message).toMatch(
        /does not exist or is not visible to these credentials \(GitHub GraphQL: Could not resolve/,
      );
    }
    expect(calls).toEqual(['POST /graphql']);
  });

  it('says no GitHub credentials are configured when the host has neither token nor app', async () => {
    const calls: string[] = [];
    server.use(...githubHandlers(calls));
    const { ctx } = context();
    const facts = await collector({ token: null }).collect([payments], ctx);
    expect(facts.every(f => f.unknownReason === 'no_credentials')).toBe(true);
    expect(facts[0].message).toMatch(
      /No GitHub credentials are configured for github\.com/,
    );
    expect(calls).toEqual([]);
  });

  it('fails protection on 404 "Branch not protected" without rulesets', async () => {
    const calls: string[] = [];
    const graphql = graphqlWith(r => {
      r.defaultBranchRef.rules.nodes = [];
      r.defaultBranchRef.refUpdateRule = null;
    });
    server.use(
      http.get(`${REPO}/branches/main/protection`, () =>
        HttpResponse.json(errors.branchNotProtected, {
          status: 404,
          headers: rate(),
        }),
      ),
      ...githubHandlers(calls, graphql),
    );
    const facts = byId(await collector().collect([payments], context().ctx));
    expect(facts.get(F.protected)).toMatchObject({ value: false });
    expect(facts.get(F.requiredApprovals)).toMatchObject({ value: 0 });
    expect(facts.get(F.adminsEnforced)).toMatchObject({ value: false });
  });

  it('keeps protection unknown on 404 Not Found from an admin endpoint', async () => {
    const calls: string[] = [];
    const graphql = graphqlWith(
      r => {
        r.defaultBranchRef.rules.nodes = [];
        r.defaultBranchRef.refUpdateRule = null;
      },
      [
        {
          ...errors.graphqlForbiddenField,
          path: ['r0', 'defaultBranchRef', 'refUpdateRule'],
        },
      ],
    );
    server.use(
      http.get(`${REPO}/branches/main/protection`, () =>
        HttpResponse.json(errors.notFound, { status: 404, headers: rate() }),
      ),
      ...githubHandlers(calls, graphql),
    );
    const facts = byId(await collector().collect([payments], context().ctx));
    expect(facts.get(F.protected)).toMatchObject({
      unknownReason: 'insufficient_permission',
    });
    expect(facts.get(F.protected)?.value).toBeUndefined();
    expect(facts.get(F.requiredApprovals)).toMatchObject({
      unknownReason: 'insufficient_permission',
    });
  });

  it('uses the non-admin view on 403 "Resource not accessible by integration"', async () => {
    const calls: string[] = [];
    server.use(
      http.get(`${REPO}/branches/main/protection`, () =>
        HttpResponse.json(errors.notAccessibleByIntegration, {
          status: 403,
          headers: {
            ...rate(),
            'x-accepted-github-permissions': 'administration=read',
          },
        }),
      ),
      http.get(`${REPO}/actions/permissions/workflow`, () =>
        HttpResponse.json(errors.notAccessibleByIntegration, {
          status: 403,
          headers: rate(),
        }),
      ),
      ...githubHandlers(calls),
    );
    const facts = byId(await collector().collect([payments], context().ctx));
    expect(facts.get(F.protected)?.value).toBe(true);
    expect(facts.get(F.requiredApprovals)?.value).toBe(2);
    // dismiss-stale is proven by the ruleset, admin enforcement is not provable
    expect(facts.get(F.staleReviewsDismissed)?.value).toBe(true);
    expect(facts.get(F.adminsEnforced)).toMatchObject({
      unknownReason: 'insufficient_permission',
    });
    expect(facts.get(F.adminsEnforced)?.message).toMatch(/administration=read/);
    expect(facts.get(F.workflowTokenReadOnly)).toMatchObject({
      unknownReason: 'insufficient_permission',
    });
  });

  it('skips admin-only endpoints when the viewer is known not to be an admin', async () => {
    const calls: string[] = [];
    server.use(
      ...githubHandlers(
        calls,
        graphqlWith(r => {
          r.viewerPermission = 'WRITE';
        }),
      ),
    );
    const facts = byId(await collector().collect([payments], context().ctx));
    expect(calls.some(c => c.includes('/protection'))).toBe(false);
    expect(calls.some(c => c.includes('/permissions/workflow'))).toBe(false);
    expect(facts.get(F.requiredApprovals)?.value).toBe(2);
    expect(facts.get(F.workflowTokenReadOnly)?.unknownReason).toBe(
      'insufficient_permission',
    );
  });

  it('marks all facts unknown on 401 Bad credentials', async () => {
    server.use(
      http.post(`${API}/graphql`, () =>
        HttpResponse.json(errors.badCredentials, { status: 401 }),
      ),
    );
    const facts = await collector().collect([payments], context().ctx);
    expect(facts).toHaveLength(GITHUB_FACT_DESCRIPTORS.length);
    expect(
      facts.every(
        f => f.unknownReason === 'no_credentials' && f.value === undefined,
      ),
    ).toBe(true);
  });

  it('retries 5xx and then reports error, which keeps the last good value', async () => {
    let attempts = 0;
    server.use(
      http.post(`${API}/graphql`, () => {
        attempts += 1;
        return HttpResponse.json(errors.serverError, { status: 502 });
      }),
    );
    const facts = await collector().collect([payments], context().ctx);
    expect(attempts).toBe(3);
    expect(
      facts.every(f => f.unknownReason === 'error' && f.value === undefined),
    ).toBe(true);
  });

  it('treats an empty repository (409 / no default branch) as unknown, never as a fail', async () => {
    const calls: string[] = [];
    const graphql = graphqlWith(r => {
      r.isEmpty = true;
      r.defaultBranchRef = null;
    });
    server.use(
      http.get(`${REPO}/secret-scanning/alerts`, () =>
        HttpResponse.json(errors.emptyRepository, {
          status: 409,
          headers: rate(),
        }),
      ),
      ...githubHandlers(calls, graphql),
    );
    const facts = byId(await collector().collect([payments], context().ctx));
    expect(facts.get(F.protected)?.unknownReason).toBe('feature_unavailable');
    expect(facts.get(F.ciPresent)?.unknownReason).toBe('feature_unavailable');
    expect(facts.get(F.secretScanningOpenAlerts)?.unknownReason).toBeDefined();
    expect(
      calls.some(c => c.includes('/protection') || c.includes('/actions/runs')),
    ).toBe(false);
  });

  it('waits for retry-after on a secondary rate limit and then succeeds', async () => {
    const calls: string[] = [];
    let protectionCalls = 0;
    server.use(
      http.get(`${REPO}/branches/main/protection`, () => {
        protectionCalls += 1;
        if (protectionCalls === 1) {
          return HttpResponse.json(errors.secondaryRateLimit, {
            status: 403,
            headers: { ...rate(), 'retry-after': '2' },
          });
        }
        return HttpResponse.json(branchProtection, { headers: rate() });
      }),
      ...githubHandlers(calls),
    );
    const facts = byId(await collector().collect([payments], context().ctx));
    expect(protectionCalls).toBe(2);
    expect(facts.get(F.adminsEnforced)?.value).toBe(true);
  });

  it('classifies disabled security features as off, not as unknown', async () => {
    const calls: string[] = [];
    const noSa = { ...repository, security_and_analysis: undefined };
    server.use(
      etagged(REPO, noSa, '"repo-2"', calls),
      http.get(`${REPO}/secret-scanning/alerts`, () =>
        HttpResponse.json(errors.secretScanningDisabled, {
          status: 404,
          headers: rate(),
        }),
      ),
      http.get(`${REPO}/code-scanning/alerts`, () =>
        HttpResponse.json(errors.noAnalysisFound, {
          status: 404,
          headers: rate(),
        }),
      ),
      ...githubHandlers(
        calls,
        graphqlWith(r => {
          r.hasVulnerabilityAlertsEnabled = false;
        }),
      ),
    );
    const facts = byId(await collector().collect([payments], context().ctx));
    expect(facts.get(F.secretScanningEnabled)?.value).toBe(false);
    expect(facts.get(F.secretScanningOpenAlerts)?.unknownReason).toBe(
      'feature_unavailable',
    );
    expect(facts.get(F.codeScanningEnabled)?.value).toBe(false);
    expect(facts.get(F.dependabotAlertsEnabled)?.value).toBe(false);
    expect(facts.get(F.pushProtectionEnabled)?.unknownReason).toBe(
      'insufficient_permission',
    );
  });

  it('keeps previous facts through an outage and uses ETags and the run watermark when GitHub is back', async () => {
    const calls: string[] = [];
    server.use(...githubHandlers(calls));
    const shared = memoryState();
    const c = collector();
    const first = byId(await c.collect([payments], context(shared).ctx));
    const firstCount = calls.length;

    // Outage: every REST endpoint answers 503.
    const outageCalls: string[] = [];
    server.use(
      http.get(`${REPO}/*`, () =>
        HttpResponse.json(errors.serverError, { status: 503, headers: rate() }),
      ),
      http.get(REPO, () =>
        HttpResponse.json(errors.serverError, { status: 503, headers: rate() }),
      ),
      http.post(`${API}/graphql`, () => {
        outageCalls.push('graphql');
        return HttpResponse.json(
          graphqlWith(r => {
            r.defaultBranchRef.target.oid = 'new-head';
          }),
          { headers: rate(4980, 'graphql') },
        );
      }),
    );
    const outage = byId(await c.collect([payments], context(shared).ctx));
    const outageFacts = [...outage.entries()];
    // Only reasons that keep the last good value in the engine …
    const reasons = outageFacts.flatMap(([, f]) =>
      f.unknownReason ? [f.unknownReason] : [],
    );
    expect(reasons.filter(r => r !== 'error' && r !== 'rate_limited')).toEqual(
      [],
    );
    expect(reasons.length).toBeGreaterThan(0);
    // … and every value still reported is the same as before the outage.
    const changed = outageFacts.filter(
      ([id, f]) =>
        !f.unknownReason &&
        JSON.stringify(f.value) !== JSON.stringify(first.get(id)?.value),
    );
    expect(changed.map(([id]) => id)).toEqual([]);
    expect(outage.get(F.adminsEnforced)?.unknownReason).toBe('error');
    expect(outage.get(F.protection)?.unknownReason).toBe('error');
    expect(outage.get(F.workflowTokenReadOnly)?.unknownReason).toBe('error');
    expect(outage.get(F.ciPassRate)?.unknownReason).toBe('error');
    // The stored runs and ETags survived the outage.
    expect([...shared.data.keys()].some(k => k.startsWith('runs:'))).toBe(true);

    // Back to normal: conditional requests answer 304, runs resume from the watermark.
    server.resetHandlers();
    const after: string[] = [];
    server.use(
      ...githubHandlers(
        after,
        graphqlWith(r => {
          r.defaultBranchRef.target.oid = 'newer-head';
        }),
      ),
    );
    const recovered = byId(await c.collect([payments], context(shared).ctx));
    const expected = new Map(
      [...first].map(([id, f]) => [
        id,
        id === F.ciSummary
          ? { ...(f.value as object), headSha: 'newer-head' }
          : f.value,
      ]),
    );
    expect(new Map([...recovered].map(([id, f]) => [id, f.value]))).toEqual(
      expected,
    );
    expect(after).toContain('GET /actions/runs >=2025-06-15T11:50:00Z');
    expect(after).not.toContain('GET /attempts');
    expect(firstCount).toBeGreaterThan(0);
  });

  it('makes no REST requests for an unchanged repository in steady state except conditional ones', async () => {
    const calls: string[] = [];
    server.use(...githubHandlers(calls));
    const shared = memoryState();
    const c = collector();
    await c.collect([payments], context(shared).ctx);
    calls.length = 0;
    const statuses: number[] = [];
    const listener = ({ response }: { response: Response }) =>
      statuses.push(response.status);
    server.events.on('response:mocked', listener);
    await c.collect([payments], context(shared).ctx);
    server.events.removeListener('response:mocked', listener);
    expect(calls.some(x => x.startsWith('GET /actions/runs'))).toBe(false);
    // every REST call was answered 304, which costs no rate limit
    expect(statuses.filter(s => s !== 304)).toEqual([200]); // the GraphQL POST
  });

  it('stops the cycle when the budget falls under the reserve, marking nothing failed', async () => {
    const calls: string[] = [];
    const two = JSON.parse(JSON.stringify(graphqlRepository));
    two.data.r1 = JSON.parse(JSON.stringify(graphqlRepository.data.r0));
    server.use(
      http.get(`${API}/repos/acme/*`, ({ request }) => {
        calls.push(new URL(request.url).pathname);
        return HttpResponse.json({}, { headers: rate(100) });
      }),
      http.post(`${API}/graphql`, () =>
        HttpResponse.json(two, { headers: rate(4990, 'graphql') }),
      ),
    );
    const { ctx, stop } = context();
    const other = component('billing', {
      'github.com/project-slug': 'acme/billing',
    });
    const facts = await collector({ github: { concurrency: 1 } }).collect(
      [payments, other],
      ctx,
    );
    expect(stop).toHaveBeenCalledWith(
      expect.stringMatching(/under the reserve of 500/),
    );
    const billing = byId(facts, 'component:default/billing');
    // GraphQL facts are still reported; REST facts are left for the next cycle
    expect(billing.get(F.repoArchived)?.value).toBe(false);
    expect(billing.has(F.protected)).toBe(false);
    expect(calls.some(p => p.includes('/billing'))).toBe(false);
    expect(facts.some(f => f.value === false && f.factId === F.protected)).toBe(
      false,
    );
  });

  it('keeps every state key within the state column for very long names', async () => {
    const owner = 'o'.repeat(39);
    const repo = 'r'.repeat(100);
    const long = component('long', {
      'github.com/project-slug': `${owner}/${repo}`,
    });
    server.use(
      http.post(`${API}/graphql`, () =>
        HttpResponse.json(
          graphqlWith(r => {
            r.defaultBranchRef.name = 'b'.repeat(200);
          }),
          { headers: rate(4990, 'graphql') },
        ),
      ),
      http.get(`${API}/repos/*`, ({ request }) => {
        const path = new URL(request.url).pathname;
        let body: unknown = {};
        if (path.endsWith('/alerts')) body = [];
        else if (path.endsWith('/actions/runs')) body = { workflow_runs: [] };
        else if (path.endsWith('/permissions/workflow')) {
          body = {
            default_workflow_permissions: 'read',
            can_approve_pull_request_reviews: false,
          };
        }
        return HttpResponse.json(body as object, {
          headers: { etag: '"e"', ...rate() },
        });
      }),
    );
    const state = memoryState();
    await collector().collect([long], context(state).ctx);
    const keys = [...state.data.keys()];
    expect(keys.some(k => k.startsWith('runs:'))).toBe(true);
    expect(keys.filter(k => k.startsWith('etag:'))).toHaveLength(5);
    expect(keys.filter(k => k.length > 255)).toEqual([]);
    expect(keys.some(k => k.startsWith('etag:sha256:'))).toBe(true);
  });
});
