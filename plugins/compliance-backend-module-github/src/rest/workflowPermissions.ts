import { RestEndpointMethodTypes } from '@octokit/rest';
import { GITHUB_FACTS as F } from '../githubFactIds';
import { MalformedAnswerError } from '../lib/classify';
import { isBoolean, isJsonObject, isRecord } from '../lib/json';
import {
  RestRepositoryContext,
  unknownFromAnswer,
} from './restRepositoryContext';
import { RestStep } from './restStep';

const ROUTE = 'GET /repos/{owner}/{repo}/actions/permissions/workflow';

type WorkflowPermissionsData =
  RestEndpointMethodTypes['actions']['getGithubActionsDefaultWorkflowPermissionsRepository']['response']['data'];

/** The default `GITHUB_TOKEN` settings of a repository. */
export type WorkflowTokenSettings = { readOnly: boolean; canApprove: boolean };

const TOKEN_FACT_IDS = [
  F.workflowTokenReadOnly,
  F.workflowCanApprovePullRequests,
];

/** Step 3: default workflow token permissions (admin only). */
export const workflowPermissionsStep: RestStep<
  { owner: string; repo: string },
  WorkflowPermissionsData,
  WorkflowTokenSettings
> = {
  route: ROUTE,
  params: ({ owner, repo }) => ({ owner, repo }),
  send: (octokit, params) => octokit.request(ROUTE, params),
  derive: data => {
    // Both settings decide GH-SEC-09: a body without them proves nothing.
    if (
      !isRecord(data) ||
      typeof data.default_workflow_permissions !== 'string' ||
      typeof data.can_approve_pull_request_reviews !== 'boolean'
    ) {
      throw new MalformedAnswerError(ROUTE);
    }
    return {
      readOnly: data.default_workflow_permissions === 'read',
      canApprove: data.can_approve_pull_request_reviews,
    };
  },
  read: value => {
    if (!isJsonObject(value)) return undefined;
    const { readOnly, canApprove } = value;
    return isBoolean(readOnly) && isBoolean(canApprove)
      ? { readOnly, canApprove }
      : undefined;
  },
};

/** Whether the default workflow token is read-only and may approve pull requests. */
export async function collectWorkflowPermissions(ctx: RestRepositoryContext) {
  if (ctx.nonAdminMessage) {
    ctx.sink.unknownAll(
      TOKEN_FACT_IDS,
      'insufficient_permission',
      ctx.nonAdminMessage,
    );
    return;
  }
  const result = await ctx.cache.request(
    ctx.octokit,
    workflowPermissionsStep,
    ctx.target,
  );
  if (!result.ok) {
    unknownFromAnswer(ctx.sink, TOKEN_FACT_IDS, result.answer);
    return;
  }
  const evidence = { source: ROUTE, url: `${ctx.repoUrl}/settings/actions` };
  ctx.sink.set(F.workflowTokenReadOnly, result.value.readOnly, evidence);
  ctx.sink.set(
    F.workflowCanApprovePullRequests,
    result.value.canApprove,
    evidence,
  );
}
