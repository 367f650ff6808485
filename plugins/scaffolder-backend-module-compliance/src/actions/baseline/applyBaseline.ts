import type { Octokit } from '@octokit/rest';
import type { GithubBaseline } from 'backstage-plugin-compliance-backend-module-github';
import { baselineFiles, type BaselineFileInputs } from './baselineFiles';
import { rulesetBody, rulesetSettings, type RestRuleset } from './ruleset';

/** One row of the plan: a setting, its current value and the target. */
export interface PlanEntry {
  setting: string;
  current: string;
  target: string;
  /**
   * unchanged: already at the target; planned: would change (dry run);
   * applied: changed now; failed: GitHub refused (see reason);
   * unread: dry run of a repository that does not exist yet.
   */
  status: 'unchanged' | 'planned' | 'applied' | 'failed' | 'unread';
  reason?: string;
}

/** A problem that stops the baseline before anything is written. */
export class BaselinePreflightError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BaselinePreflightError';
  }
}

interface Step {
  entries: PlanEntry[];
  write(): Promise<void>;
}

interface Target {
  owner: string;
  repo: string;
}

type RequestError = {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined> };
};

const MANAGED_RULES = [
  'deletion',
  'non_fast_forward',
  'required_signatures',
  'pull_request',
  'required_status_checks',
];

/** Why GitHub refused, naming the permission or plan feature when it says. */
export function explainGithubError(error: unknown, what: string): string {
  const e = error as RequestError;
  const message = String(e?.message ?? error).slice(0, 200);
  const accepted = e?.response?.headers?.['x-accepted-github-permissions'];
  if (e?.status === 403 && accepted) {
    return `${what}: the GitHub credentials lack the permission GitHub asks for (x-accepted-github-permissions: ${accepted.slice(
      0,
      120,
    )})`;
  }
  if (
    e?.status === 422 ||
    /advanced security|plan|not available|upgrade/i.test(message)
  ) {
    return `${what}: not available for this repository on its GitHub plan (GitHub answered ${e?.status}: ${message})`;
  }
  if (e?.status === 404) {
    return `${what}: GitHub answered 404 (the repository is missing or the credentials cannot see it)`;
  }
  return `${what}: GitHub answered ${e?.status ?? 'an error'}: ${message}`;
}

function status(error: unknown): number | undefined {
  return (error as RequestError)?.status;
}

/** Reads a setting; 404 means "off/absent", other errors stop the preflight. */
async function read<T>(
  what: string,
  fn: () => Promise<T>,
  onNotFound: T,
): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (status(error) === 404) return onNotFound;
    throw new BaselinePreflightError(explainGithubError(error, what));
  }
}

const onOff = (b: boolean) => (b ? 'on' : 'off');

/**
 * Reads the repository's current settings and builds one write per
 * baseline area that differs. Throws {@link BaselinePreflightError} when a
 * read is refused, so nothing is written.
 */
export async function planBaseline(options: {
  octokit: Octokit;
  target: Target;
  baseline: GithubBaseline;
  files: BaselineFileInputs;
  /** Where files go: committed to the default branch, or in a pull request. */
  filesVia: 'commit' | 'pull-request';
}): Promise<{
  steps: Step[];
  defaultBranch: string;
  pullRequest: () => Promise<string | undefined>;
}> {
  const { octokit, target, baseline } = options;
  const t = { owner: target.owner, repo: target.repo };
  const repo = await read(
    'Reading the repository',
    async () => (await octokit.request('GET /repos/{owner}/{repo}', t)).data,
    undefined,
  );
  if (!repo) {
    throw new BaselinePreflightError(
      `Repository ${target.owner}/${target.repo} not found, or the GitHub credentials cannot see it`,
    );
  }
  if (repo.permissions && !repo.permissions.admin) {
    throw new BaselinePreflightError(
      `The GitHub credentials are not an administrator of ${target.owner}/${target.repo}; applying a baseline needs the Administration: write permission`,
    );
  }
  const defaultBranch = repo.default_branch;
  const steps: Step[] = [];
  const pending: Array<{ path: string; content: string; setting: string }> = [];

  // Files first: once the ruleset requires pull requests, direct commits stop.
  for (const file of baselineFiles(baseline.files, options.files)) {
    const present = await Promise.all(
      file.alternatives.map(path =>
        read(
          `Reading ${path}`,
          async () => {
            await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
              ...t,
              path,
            });
            return true;
          },
          false,
        ),
      ),
    );
    const entry: PlanEntry = {
      setting: file.setting,
      current: present.some(Boolean) ? 'present' : 'absent',
      target: 'present',
      status: 'unchanged',
    };
    const step: Step = {
      entries: [entry],
      async write() {
        if (options.filesVia === 'pull-request') {
          pending.push({ ...file });
          return;
        }
        await octokit.request('PUT /repos/{owner}/{repo}/contents/{path}', {
          ...t,
          path: file.path,
          message: `Add ${file.path} (compliance baseline)`,
          content: Buffer.from(file.content, 'utf8').toString('base64'),
        });
      },
    };
    if (entry.current !== entry.target) steps.push(step);
    else steps.push({ entries: [entry], write: async () => {} });
  }

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

  const pullRequest = async () => {
    if (pending.length === 0) return undefined;
    const branch = `compliance-baseline-${baseline.level}`;
    const head = await octokit.request(
      'GET /repos/{owner}/{repo}/git/ref/{ref}',
      { ...t, ref: `heads/${defaultBranch}` },
    );
    try {
      await octokit.request('POST /repos/{owner}/{repo}/git/refs', {
        ...t,
        ref: `refs/heads/${branch}`,
        sha: head.data.object.sha,
      });
    } catch (error) {
      // 422: the branch exists from an earlier run; reuse it.
      if (status(error) !== 422) throw error;
    }
    for (const file of pending) {
      await octokit.request('PUT /repos/{owner}/{repo}/contents/{path}', {
        ...t,
        path: file.path,
        branch,
        message: `Add ${file.path} (compliance baseline)`,
        content: Buffer.from(file.content, 'utf8').toString('base64'),
      });
    }
    const pr = await octokit.request('POST /repos/{owner}/{repo}/pulls', {
      ...t,
      title: `Compliance baseline (${baseline.level}): add ${pending
        .map(f => f.path)
        .join(', ')}`,
      head: branch,
      base: defaultBranch,
      body: `Adds the files the ${baseline.level} compliance level looks for.`,
    });
    return pr.data.html_url as string;
  };

  return { steps, defaultBranch, pullRequest };
}

/**
 * Writes every step that differs from the target; a refused write is
 * reported on its settings and the other steps still run.
 */
export async function applySteps(
  steps: Step[],
  options: { dryRun: boolean },
): Promise<PlanEntry[]> {
  const entries: PlanEntry[] = [];
  for (const step of steps) {
    const differs = step.entries.some(e => e.current !== e.target);
    if (!differs) {
      entries.push(...step.entries);
      continue;
    }
    if (options.dryRun) {
      entries.push(
        ...step.entries.map(e => ({
          ...e,
          status:
            e.current === e.target
              ? ('unchanged' as const)
              : ('planned' as const),
        })),
      );
      continue;
    }
    try {
      await step.write();
      entries.push(
        ...step.entries.map(e => ({
          ...e,
          status:
            e.current === e.target
              ? ('unchanged' as const)
              : ('applied' as const),
        })),
      );
    } catch (error) {
      const reason = explainGithubError(
        error,
        step.entries.map(e => e.setting).join(', '),
      );
      entries.push(
        ...step.entries.map(e => ({
          ...e,
          status:
            e.current === e.target
              ? ('unchanged' as const)
              : ('failed' as const),
          ...(e.current === e.target ? {} : { reason }),
        })),
      );
    }
  }
  return entries;
}

/** The plan of a repository that does not exist yet (scaffolder dry run). */
export function unreadPlan(
  baseline: GithubBaseline,
  files: BaselineFileInputs,
): PlanEntry[] {
  const entries: PlanEntry[] = [];
  const add = (setting: string, target: string) =>
    entries.push({ setting, current: 'not read', target, status: 'unread' });
  for (const f of baselineFiles(baseline.files, files))
    add(f.setting, 'present');
  const s = baseline.security;
  if (s.secretScanning) add('security.secretScanning', 'on');
  if (s.pushProtection) add('security.pushProtection', 'on');
  if (s.dependabotAlerts) add('security.dependabotAlerts', 'on');
  if (s.dependabotSecurityUpdates)
    add('security.dependabotSecurityUpdates', 'on');
  if (s.codeScanningDefaultSetup)
    add('security.codeScanningDefaultSetup', 'configured');
  if (baseline.workflowPermissions) {
    add('workflowPermissions.defaultWorkflowPermissions', 'read');
    add(
      'workflowPermissions.canApprovePullRequestReviews',
      onOff(baseline.workflowPermissions.canApprovePullRequestReviews),
    );
  }
  if (baseline.ruleset) {
    for (const r of rulesetSettings(undefined, rulesetBody(baseline.ruleset)))
      add(r.setting, r.target);
  }
  return entries;
}
