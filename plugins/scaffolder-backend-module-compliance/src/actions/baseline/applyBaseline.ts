import type { Octokit } from '@octokit/rest';
import type { GithubBaseline } from 'backstage-plugin-compliance-backend-module-github';
import type { BaselineFileInputs } from './baselineFiles';
import { fileSteps } from './fileSteps';
import { BaselinePreflightError, read, type Target } from './githubReads';
import type { Step } from './plan';
import { settingSteps } from './settingSteps';

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
  // Files first: once the ruleset requires pull requests, direct commits stop.
  const files = await fileSteps({ ...options, defaultBranch });
  const settings = await settingSteps({ octokit, target, baseline, repo });
  return {
    steps: [...files.steps, ...settings],
    defaultBranch,
    pullRequest: files.pullRequest,
  };
}
