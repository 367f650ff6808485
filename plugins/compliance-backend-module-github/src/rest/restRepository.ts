import { GithubOctokit } from '../client/GithubClients';
import { RepositoryNode } from '../client/repositoryQuery';
import { fieldError, GraphqlErrorEntry } from '../lib/classify';
import { dependabotAlertsTruncated } from '../lib/repositoryFacts';
import { FactSink } from '../lib/factSink';
import { GithubRepositoryRef, repositoryUrl } from '../lib/repository';
import {
  branchProtectionStep,
  collectBranchProtection,
} from './branchProtection';
import { collectDependabotAlerts } from './dependabotAlerts';
import { EtagCache } from './etagCache';
import { RestRepositoryContext } from './restRepositoryContext';
import { RestRequest, RestTarget } from './restStep';
import {
  codeScanningStep,
  collectCodeScanningAlerts,
  collectSecretScanningAlerts,
  secretScanningStep,
} from './scanningAlerts';
import {
  collectSecurityAnalysis,
  securityAnalysisStep,
} from './securityAnalysis';
import {
  collectWorkflowPermissions,
  workflowPermissionsStep,
} from './workflowPermissions';

/** Permissions that cannot read admin-only settings. */
const NON_ADMIN = new Set(['READ', 'TRIAGE', 'WRITE', 'MAINTAIN']);

/** Every conditional REST request, for loading their ETags in one read. */
export const CONDITIONAL_STEPS: readonly RestRequest[] = [
  securityAnalysisStep,
  branchProtectionStep,
  workflowPermissionsStep,
  secretScanningStep,
  codeScanningStep,
];

/** The REST target of a repository GraphQL answered for. */
export function restTarget(
  ref: GithubRepositoryRef,
  node: RepositoryNode,
): RestTarget {
  return {
    owner: ref.owner,
    repo: ref.repo,
    branch: node.defaultBranchRef?.name ?? '',
  };
}

/**
 * The REST facts of one repository (where GraphQL has no equivalent), in
 * order: `security_and_analysis`, classic protection merged with rulesets,
 * default workflow token, secret scanning alerts, code scanning alerts and,
 * when the GraphQL list was truncated, critical/high Dependabot alerts.
 * Admin-only endpoints are skipped when GraphQL says the credentials are
 * not an administrator.
 */
export async function collectRestFacts(options: {
  octokit: GithubOctokit;
  cache: EtagCache;
  ref: GithubRepositoryRef;
  node: RepositoryNode;
  errors: readonly GraphqlErrorEntry[];
  sink: FactSink;
  /** For the overdue Dependabot alerts counted over REST. */
  now: Date;
  staleAlertDays: number;
}): Promise<void> {
  const { ref, node, errors, now, staleAlertDays } = options;
  const permission = node.viewerPermission ?? undefined;
  const ctx: RestRepositoryContext = {
    ...options,
    target: restTarget(ref, node),
    repoUrl: repositoryUrl(ref),
    nonAdminMessage:
      permission !== undefined && NON_ADMIN.has(permission)
        ? `The credentials have ${permission} access; this setting is only visible to repository administrators`
        : undefined,
  };
  const secretScanning = await collectSecurityAnalysis(ctx);
  await collectBranchProtection(ctx);
  await collectWorkflowPermissions(ctx);
  await collectSecretScanningAlerts(ctx, secretScanning);
  await collectCodeScanningAlerts(ctx);
  if (
    dependabotAlertsTruncated(node) &&
    !fieldError(errors, 'vulnerabilityAlerts') &&
    !fieldError(errors, 'hasVulnerabilityAlertsEnabled')
  ) {
    await collectDependabotAlerts(ctx, { now, staleAlertDays });
  }
}
