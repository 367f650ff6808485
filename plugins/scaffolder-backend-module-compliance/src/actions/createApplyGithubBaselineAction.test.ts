import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { complianceServiceMock } from 'backstage-plugin-compliance-node/testUtils';
import { HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  fakeGithubRepository,
  githubCatalogue,
} from '../__testUtils__/githubBaseline';
import { createApplyGithubBaselineAction } from './createApplyGithubBaselineAction';

const server = setupServer();
registerMswTestHooks(server);

const config = new ConfigReader({
  integrations: { github: [{ host: 'github.com', token: 'ghp_fake' }] },
  compliance: { github: { baseline: { requiredStatusChecks: ['build'] } } },
});

function setup() {
  const github = fakeGithubRepository();
  server.use(...github.handlers);
  const compliance = complianceServiceMock({
    getControls: async () => githubCatalogue(),
  });
  const action = createApplyGithubBaselineAction({ compliance, config });
  const run = async (input: Record<string, unknown>, isDryRun = false) => {
    const ctx = createMockActionContext({
      input: {
        repoUrl: 'github.com?owner=acme&repo=payments',
        level: 'gold',
        codeOwners: ['@acme/payments-team'],
        ...input,
      } as any,
    });
    Object.assign(ctx, { isDryRun });
    jest.spyOn(ctx.logger, 'info');
    const outputs: Record<string, any> = {};
    (ctx.output as jest.Mock).mockImplementation((k: string, v: unknown) => {
      outputs[k] = v;
    });
    let error: Error | undefined;
    try {
      await action.handler(ctx);
    } catch (e) {
      error = e as Error;
    }
    return { outputs, error, ctx };
  };
  return { github, run };
}

describe('compliance:github:apply-baseline', () => {
  it('applies the gold baseline, and a second run changes nothing and says so', async () => {
    const { github, run } = setup();

    const first = await run({});

    expect(first.error).toBeUndefined();
    expect(first.outputs.failed).toEqual([]);
    expect(first.outputs.changed).toBeGreaterThan(10);
    expect(github.state.files.get('main:.github/CODEOWNERS')).toContain(
      '* @acme/payments-team',
    );
    expect(github.state.files.get('main:SECURITY.md')).toMatch(/vulnerability/);
    expect(github.state.files.get('main:.github/dependabot.yml')).toContain(
      'package-ecosystem: github-actions',
    );
    expect(github.state.secretScanning).toBe('enabled');
    expect(github.state.pushProtection).toBe('enabled');
    expect(github.state.vulnerabilityAlerts).toBe(true);
    expect(github.state.automatedSecurityFixes).toBe(true);
    expect(github.state.codeScanning).toBe('configured');
    expect(github.state.workflow).toEqual({
      default_workflow_permissions: 'read',
      can_approve_pull_request_reviews: false,
    });
    expect(github.state.rulesets).toHaveLength(1);
    const ruleset = github.state.rulesets[0];
    expect(ruleset).toMatchObject({
      name: 'compliance-baseline',
      target: 'branch',
      enforcement: 'active',
      conditions: { ref_name: { include: ['~DEFAULT_BRANCH'], exclude: [] } },
      bypass_actors: [],
    });
    expect(ruleset.rules).toEqual(
      expect.arrayContaining([
        { type: 'deletion' },
        { type: 'non_fast_forward' },
        {
          type: 'pull_request',
          parameters: expect.objectContaining({
            required_approving_review_count: 2,
            require_code_owner_review: true,
            dismiss_stale_reviews_on_push: true,
          }),
        },
      ]),
    );
    // Files go in before the ruleset starts requiring pull requests.
    const writes = github.writes().map(w => `${w.method} ${w.path}`);
    expect(writes.indexOf('POST /rulesets')).toBe(writes.length - 1);
    expect(first.outputs.uncoveredControls).toEqual([]);

    const before = github.writes().length;
    const second = await run({});

    expect(second.error).toBeUndefined();
    expect(github.writes().length).toBe(before);
    expect(second.outputs.changed).toBe(0);
    expect(
      second.outputs.plan.every((e: any) => e.status === 'unchanged'),
    ).toBe(true);
    expect(second.ctx.logger.info).toHaveBeenCalledWith(
      'Nothing to change: acme/payments already has the gold baseline',
    );
  });

  it('prints the plan, current → target, without writing on dryRun', async () => {
    const { github, run } = setup();

    const { outputs, error, ctx } = await run({
      level: 'silver',
      dryRun: true,
    });

    expect(error).toBeUndefined();
    expect(github.writes()).toEqual([]);
    expect(outputs.plan).toEqual(
      expect.arrayContaining([
        {
          setting: 'workflowPermissions.defaultWorkflowPermissions',
          current: 'write',
          target: 'read',
          status: 'planned',
        },
        {
          setting: 'ruleset.requiredApprovals',
          current: '0',
          target: '1',
          status: 'planned',
        },
        {
          setting: 'files.codeowners',
          current: 'absent',
          target: 'present',
          status: 'planned',
        },
      ]),
    );
    // Silver does not need gold's push protection.
    expect(outputs.plan.map((e: any) => e.setting)).not.toContain(
      'security.pushProtection',
    );
    expect((ctx.logger.info as jest.Mock).mock.calls[0][0]).toContain(
      'ruleset.requiredApprovals: 0 → 1',
    );
  });

  it('in a scaffolder dry run, prints the plan without reading or writing', async () => {
    const { github, run } = setup();
    const { outputs, error } = await run({}, true);
    expect(error).toBeUndefined();
    expect(github.seen).toEqual([]);
    expect(outputs.plan.every((e: any) => e.status === 'unread')).toBe(true);
    expect(outputs.coveredControls).toContain('GH-BP-09');
  });

  it('fails before any write, naming the missing GitHub App permission', async () => {
    const { github, run } = setup();
    github.faults.set('GET /actions/permissions/workflow', () =>
      HttpResponse.json(
        {
          message: 'Resource not accessible by integration',
          documentation_url:
            'https://docs.github.com/rest/actions/permissions#get-default-workflow-permissions-for-a-repository',
          status: '403',
        },
        {
          status: 403,
          headers: { 'x-accepted-github-permissions': 'administration=read' },
        },
      ),
    );

    const { error } = await run({});

    expect(error?.name).toBe('InputError');
    expect(error?.message).toMatch(/^Nothing was changed on acme\/payments/);
    expect(error?.message).toContain('administration=read');
    expect(error?.message).not.toContain('ghp_fake');
    expect(github.writes()).toEqual([]);
  });

  it('fails before any write when code scanning is not on the plan', async () => {
    const { github, run } = setup();
    github.faults.set('GET /code-scanning/default-setup', () =>
      HttpResponse.json(
        {
          message:
            'Advanced Security must be enabled for this repository to use code scanning.',
          documentation_url:
            'https://docs.github.com/rest/code-scanning/code-scanning#get-a-code-scanning-default-setup-configuration',
          status: '403',
        },
        { status: 403 },
      ),
    );
    const { error } = await run({});
    expect(error?.message).toMatch(/not available .* plan/);
    expect(github.writes()).toEqual([]);
  });

  it('reports per setting what GitHub refused (422 for a plan feature, 403 with a permission), and applies the rest', async () => {
    const { github, run } = setup();
    github.faults.set('PATCH /', () =>
      HttpResponse.json(
        {
          message:
            'Secret scanning is not available for this repository. Upgrade to GitHub Advanced Security.',
          documentation_url:
            'https://docs.github.com/rest/repos/repos#update-a-repository',
          status: '422',
        },
        { status: 422 },
      ),
    );
    github.faults.set('PUT /automated-security-fixes', () =>
      HttpResponse.json(
        { message: 'Resource not accessible by integration', status: '403' },
        {
          status: 403,
          headers: { 'x-accepted-github-permissions': 'administration=write' },
        },
      ),
    );

    const { outputs, error } = await run({});

    expect(outputs.failed).toEqual([
      'security.secretScanning',
      'security.pushProtection',
      'security.dependabotSecurityUpdates',
    ]);
    const byId = Object.fromEntries(
      outputs.plan.map((e: any) => [e.setting, e]),
    );
    expect(byId['security.secretScanning'].reason).toMatch(
      /not available for this repository on its GitHub plan \(GitHub answered 422/,
    );
    expect(byId['security.dependabotSecurityUpdates'].reason).toContain(
      'x-accepted-github-permissions: administration=write',
    );
    expect(byId['ruleset.blockForcePushes'].status).toBe('applied');
    expect(github.state.rulesets).toHaveLength(1);
    expect(github.state.vulnerabilityAlerts).toBe(true);
    expect(error?.message).toMatch(
      /Could not apply 3 setting\(s\) of the gold baseline to acme\/payments/,
    );
  });

  it('opens a pull request with the missing files for an existing repository', async () => {
    const { github, run } = setup();
    github.state.files.set('main:SECURITY.md', '# Security');

    const { outputs, error } = await run({ filesVia: 'pull-request' });

    expect(error).toBeUndefined();
    expect(outputs.pullRequestUrl).toBe(
      'https://github.com/acme/payments/pull/1347',
    );
    expect(
      github.state.files.get('compliance-baseline-gold:.github/CODEOWNERS'),
    ).toBeDefined();
    expect(github.state.files.has('main:.github/CODEOWNERS')).toBe(false);
    expect(github.state.pulls[0].title).toContain('.github/CODEOWNERS');
    expect(github.state.pulls[0].title).not.toContain('SECURITY.md');
    // The settings that need no code change are applied directly.
    expect(github.state.rulesets).toHaveLength(1);
  });

  it('rejects bad input before reading anything', async () => {
    const { github, run } = setup();
    expect((await run({ level: 'diamond' })).error?.message).toBe(
      'Unknown level "diamond"; configured levels: bronze, silver, gold, platinum',
    );
    expect((await run({ codeOwners: undefined })).error?.message).toMatch(
      /give codeOwners/,
    );
    expect(
      (await run({ codeOwners: ['team a\n* @evil'] })).error?.message,
    ).toMatch(/not a GitHub @user, @org\/team or e-mail/);
    expect(
      (await run({ repoUrl: 'gitlab.example.com?owner=a&repo=b' })).error?.name,
    ).toBe('InputError');
    expect(github.seen).toEqual([]);
  });
});
