import { RestEndpointMethodTypes } from '@octokit/rest';
import { JsonValue } from 'backstage-plugin-compliance-common';
import { MalformedAnswerError, unknownOf } from '../lib/classify';
import {
  isBoolean,
  isJsonObject,
  isNumber,
  isRecord,
  isString,
} from '../lib/json';
import {
  ClassicProtection,
  ClassicProtectionSettings,
} from '../lib/protection';
import {
  branchRules,
  deriveProtectionFacts,
  PROTECTION_FACT_IDS,
  visibleProtection,
} from '../lib/protectionFacts';
import { RestRepositoryContext } from './restRepositoryContext';
import { RestStep } from './restStep';

const ROUTE = 'GET /repos/{owner}/{repo}/branches/{branch}/protection';

type ProtectionData =
  RestEndpointMethodTypes['repos']['getBranchProtection']['response']['data'];

/** Reads the REST branch protection body into classic settings. */
export function parseClassicProtection(
  body: ProtectionData,
): ClassicProtectionSettings {
  const reviews = body.required_pull_request_reviews;
  const checks = body.required_status_checks;
  const contexts = checks
    ? checks.contexts ?? checks.checks?.map(c => c.context) ?? []
    : [];
  return {
    requiredApprovals: reviews
      ? reviews.required_approving_review_count ?? 1
      : 0,
    codeOwnerReviews: Boolean(reviews?.require_code_owner_reviews),
    dismissStaleReviews: Boolean(reviews?.dismiss_stale_reviews),
    lastPushApproval: Boolean(reviews?.require_last_push_approval),
    requiredStatusChecks: contexts,
    strictStatusChecks: Boolean(checks?.strict),
    enforceAdmins: Boolean(body.enforce_admins?.enabled),
    allowForcePushes: Boolean(body.allow_force_pushes?.enabled),
    allowDeletions: Boolean(body.allow_deletions?.enabled),
    requiredSignatures: Boolean(body.required_signatures?.enabled),
  };
}

/** Reads kept classic settings back from state. */
export function readClassicProtectionSettings(
  value: JsonValue,
): ClassicProtectionSettings | undefined {
  if (!isJsonObject(value)) return undefined;
  const checks = value.requiredStatusChecks;
  const flags = [
    value.codeOwnerReviews,
    value.dismissStaleReviews,
    value.lastPushApproval,
    value.strictStatusChecks,
    value.enforceAdmins,
    value.allowForcePushes,
    value.allowDeletions,
    value.requiredSignatures,
  ];
  if (
    !isNumber(value.requiredApprovals) ||
    !Array.isArray(checks) ||
    !flags.every(isBoolean)
  ) {
    return undefined;
  }
  return {
    requiredApprovals: value.requiredApprovals,
    codeOwnerReviews: value.codeOwnerReviews === true,
    dismissStaleReviews: value.dismissStaleReviews === true,
    lastPushApproval: value.lastPushApproval === true,
    requiredStatusChecks: checks.filter(isString),
    strictStatusChecks: value.strictStatusChecks === true,
    enforceAdmins: value.enforceAdmins === true,
    allowForcePushes: value.allowForcePushes === true,
    allowDeletions: value.allowDeletions === true,
    requiredSignatures: value.requiredSignatures === true,
  };
}

/** Step 2: classic protection of the default branch (admin only). */
export const branchProtectionStep: RestStep<
  { owner: string; repo: string; branch: string },
  ProtectionData,
  ClassicProtectionSettings
> = {
  route: ROUTE,
  params: ({ owner, repo, branch }) => ({ owner, repo, branch }),
  send: (octokit, params) => octokit.request(ROUTE, params),
  derive: data => {
    if (!isRecord(data)) {
      throw new MalformedAnswerError(ROUTE);
    }
    return parseClassicProtection(data);
  },
  read: readClassicProtectionSettings,
};

/**
 * Effective protection of the default branch: classic protection (REST,
 * or the non-admin GraphQL view) merged with the rulesets GraphQL returned.
 */
export async function collectBranchProtection(ctx: RestRepositoryContext) {
  const { target, node, errors } = ctx;
  if (!target.branch) {
    ctx.sink.unknownAll(
      PROTECTION_FACT_IDS,
      'feature_unavailable',
      `Repository ${target.owner}/${target.repo} is empty (no default branch)`,
    );
    return;
  }
  const visible = visibleProtection(node, errors);
  let classic: ClassicProtection;
  if (ctx.nonAdminMessage) {
    classic = {
      state: 'unknown',
      reason: 'insufficient_permission',
      message: ctx.nonAdminMessage,
      visible,
    };
  } else {
    const result = await ctx.cache.request(
      ctx.octokit,
      branchProtectionStep,
      target,
      // "Branch not protected" is reused only while GraphQL shows no rule either.
      { reuseNegative: visible === null },
    );
    if (result.ok) {
      classic = { state: 'protected', settings: result.value };
    } else if (result.answer.kind === 'branch_not_protected') {
      classic = { state: 'none' };
    } else {
      const { reason, message } = unknownOf(
        result.answer,
        'Branch protection could not be read',
      );
      classic = { state: 'unknown', reason, message, visible };
    }
  }
  ctx.sink.merge(
    deriveProtectionFacts({
      branch: target.branch,
      classic,
      rules: branchRules(node, errors),
      repoUrl: ctx.repoUrl,
    }),
  );
}
