import type { Octokit } from '@octokit/rest';
import type { GithubBaseline } from 'backstage-plugin-compliance-backend-module-github';
import { onOff, read, type Target } from './githubReads';
import type { Step } from './plan';
import { rulesetBody, rulesetSettings, type RestRuleset } from './ruleset';

const MANAGED_RULES = [
  'deletion',
  'non_fast_forward',
  'required_signatures',
  'pull_request',
  'required_status_checks',
];

type Enabled = { status?: string } | null;

/**
 * The baseline's repository settings: security features, the workflow token
 * permissions and the ruleset, one step per area, each read first.
 */
export async function settingSteps(options: {
  octokit: Octokit;
  target: Target;
  baseline: GithubBaseline;
  /** The repository as GitHub answered it. */
  repo: {
    security_and_analysis?: {
      secret_scanning?: Enabled;
      secret_scanning_push_protection?: Enabled;
    } | null;
  };
}): Promise<Step[]> {
  const { octokit, baseline, repo } = options;
  const t = { owner: options.target.owner, repo: options.target.repo };
  const steps: Step[] = [];
  const sa = repo.security_and_analysis ?? {};
  const feature = (
    setting: string,
    wanted: boolean,
    current: boolean,
    write: () => Promise<unknown>,
  ) => {
    if (!wanted) return;
    steps.push({
      entries: [
        { setting, current: onOff(current), target: 'on', status: 'unchanged' },
      ],
      write: async () => {
        await write();
      },
    });
  };
  feature(
    'security.secretScanning',
    baseline.security.secretScanning,
    sa.secret_scanning?.status === 'enabled',
    () =>
      octokit.request('PATCH /repos/{owner}/{repo}', {
        ...t,
        security_and_analysis: { secret_scanning: { status: 'enabled' } },
      }),
  );
  feature(
    'security.pushProtection',
    baseline.security.pushProtection,
    sa.secret_scanning_push_protection?.status === 'enabled',
    () =>
      octokit.request('PATCH /repos/{owner}/{repo}', {
        ...t,
        security_and_analysis: {
          secret_scanning_push_protection: { status: 'enabled' },
        },
      }),
  );
  if (baseline.security.dependabotAlerts) {
    const on = await read(
      'Reading Dependabot alerts',
      async () => {
        await octokit.request(
          'GET /repos/{owner}/{repo}/vulnerability-alerts',
          t,
        );
        return true;
      },
      false,
    );
    feature('security.dependabotAlerts', true, on, () =>
      octokit.request('PUT /repos/{owner}/{repo}/vulnerability-alerts', t),
    );
  }
  if (baseline.security.dependabotSecurityUpdates) {
    const fixes = await read(
      'Reading Dependabot security updates',
      async () =>
        (
          await octokit.request(
            'GET /repos/{owner}/{repo}/automated-security-fixes',
            t,
          )
        ).data.enabled,
      false,
    );
    feature('security.dependabotSecurityUpdates', true, fixes, () =>
      octokit.request('PUT /repos/{owner}/{repo}/automated-security-fixes', t),
    );
  }
  if (baseline.security.codeScanningDefaultSetup) {
    const state = await read(
      'Reading code scanning default setup',
      async () =>
        (
          await octokit.request(
            'GET /repos/{owner}/{repo}/code-scanning/default-setup',
            t,
          )
        ).data.state,
      'not-configured',
    );
    steps.push({
      entries: [
        {
          setting: 'security.codeScanningDefaultSetup',
          current: state ?? 'not-configured',
          target: 'configured',
          status: 'unchanged',
        },
      ],
      write: async () => {
        await octokit.request(
          'PATCH /repos/{owner}/{repo}/code-scanning/default-setup',
          { ...t, state: 'configured' },
        );
      },
    });
  }
  if (baseline.workflowPermissions) {
    const wp = await read(
      'Reading the workflow token permissions',
      async () =>
        (
          await octokit.request(
            'GET /repos/{owner}/{repo}/actions/permissions/workflow',
            t,
          )
        ).data,
      undefined,
    );
    const want = baseline.workflowPermissions;
    steps.push({
      entries: [
        {
          setting: 'workflowPermissions.defaultWorkflowPermissions',
          current: wp?.default_workflow_permissions ?? 'unknown',
          target: want.defaultWorkflowPermissions,
          status: 'unchanged',
        },
        {
          setting: 'workflowPermissions.canApprovePullRequestReviews',
          current: wp ? onOff(wp.can_approve_pull_request_reviews) : 'unknown',
          target: onOff(want.canApprovePullRequestReviews),
          status: 'unchanged',
        },
      ],
      write: async () => {
        await octokit.request(
          'PUT /repos/{owner}/{repo}/actions/permissions/workflow',
          {
            ...t,
            default_workflow_permissions: want.defaultWorkflowPermissions,
            can_approve_pull_request_reviews: want.canApprovePullRequestReviews,
          },
        );
      },
    });
  }
  if (baseline.ruleset) {
    const list = await read(
      'Reading the repository rulesets',
      async () =>
        (
          await octokit.request('GET /repos/{owner}/{repo}/rulesets', {
            ...t,
            includes_parents: false,
            per_page: 100,
          })
        ).data as Array<{ id: number; name: string }>,
      [],
    );
    const mine = list.find(r => r.name === baseline.ruleset!.name);
    const existing = mine
      ? await read(
          'Reading the baseline ruleset',
          async () =>
            (
              await octokit.request(
                'GET /repos/{owner}/{repo}/rulesets/{ruleset_id}',
                { ...t, ruleset_id: mine.id },
              )
            ).data as RestRuleset,
          undefined,
        )
      : undefined;
    const body = rulesetBody(baseline.ruleset);
    // Rules the baseline does not manage stay as the owners set them.
    body.rules = [
      ...(body.rules ?? []),
      ...(existing?.rules ?? []).filter(r => !MANAGED_RULES.includes(r.type)),
    ];
    steps.push({
      entries: rulesetSettings(existing, body).map(s => ({
        ...s,
        status: 'unchanged' as const,
      })),
      write: async () => {
        if (existing?.id !== undefined) {
          await octokit.request(
            'PUT /repos/{owner}/{repo}/rulesets/{ruleset_id}',
            { ...t, ruleset_id: existing.id, ...body } as any,
          );
        } else {
          await octokit.request('POST /repos/{owner}/{repo}/rulesets', {
            ...t,
            ...body,
          } as any);
        }
      },
    });
  }
  return steps;
}
