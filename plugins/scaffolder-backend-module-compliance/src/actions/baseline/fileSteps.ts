import type { Octokit } from '@octokit/rest';
import type { GithubBaseline } from 'backstage-plugin-compliance-backend-module-github';
import { baselineFiles, type BaselineFileInputs } from './baselineFiles';
import { read, status, type Target } from './githubReads';
import type { PlanEntry, Step } from './plan';

/**
 * The baseline's files: one step per file, present or absent. Written to the
 * default branch, or gathered into one pull request (`pullRequest`, after
 * the steps ran).
 */
export async function fileSteps(options: {
  octokit: Octokit;
  target: Target;
  baseline: GithubBaseline;
  files: BaselineFileInputs;
  filesVia: 'commit' | 'pull-request';
  defaultBranch: string;
}): Promise<{
  steps: Step[];
  pullRequest: () => Promise<string | undefined>;
}> {
  const { octokit, baseline, defaultBranch } = options;
  const t = { owner: options.target.owner, repo: options.target.repo };
  const steps: Step[] = [];
  const pending: Array<{ path: string; content: string; setting: string }> = [];

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

  return { steps, pullRequest };
}
