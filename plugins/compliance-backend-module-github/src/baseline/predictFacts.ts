import type { JsonValue } from 'backstage-plugin-compliance-common';
import { GITHUB_FACTS as F } from '../githubFactIds';
import type { GithubBaseline } from './types';

/**
 * What is known about the repository the baseline goes to.
 *
 * @public
 */
export interface GithubBaselineRepository {
  /**
   * True for a repository a template creates: it has no alerts, pull
   * requests or workflow runs yet, which decides some controls before the
   * first collection.
   */
  isNew: boolean;
  /** The visibility it is (or will be) created with, when known. */
  visibility?: 'public' | 'private' | 'internal';
}

/** The facts a new repository is known to have before its first collection. */
export function newRepositoryFacts(
  repository: GithubBaselineRepository | undefined,
): Map<string, JsonValue> {
  const facts = new Map<string, JsonValue>();
  if (repository?.visibility)
    facts.set(F.repoVisibility, repository.visibility);
  if (!repository?.isNew) return facts;
  facts.set(F.repoArchived, false);
  facts.set(F.repoDaysSinceLastCommit, 0);
  facts.set(F.dependabotOpenCriticalHigh, 0);
  facts.set(F.dependabotOverdueCriticalHigh, 0);
  facts.set(F.secretScanningOpenAlerts, 0);
  facts.set(F.codeScanningOpenCriticalHigh, 0);
  facts.set(F.mergedPullRequests, 0);
  facts.set(F.ciRuns, 0);
  return facts;
}

/**
 * The facts the baseline decides once applied: only settings it turns on
 * (protection merges most-restrictive-wins, so these are lower bounds).
 *
 * @public
 */
export function predictGithubFacts(
  baseline: Pick<
    GithubBaseline,
    'ruleset' | 'security' | 'workflowPermissions' | 'files'
  >,
  repository?: GithubBaselineRepository,
): Map<string, JsonValue> {
  const facts = newRepositoryFacts(repository);
  const rs = baseline.ruleset;
  if (rs) {
    facts.set(F.protected, true);
    if (rs.blockForcePushes) facts.set(F.forcePushesBlocked, true);
    if (rs.blockDeletions) facts.set(F.deletionsBlocked, true);
    if (rs.requirePullRequest) {
      facts.set(F.requiredApprovals, rs.requiredApprovals);
      if (rs.requireCodeOwnerReview) facts.set(F.codeOwnerReviewRequired, true);
      if (rs.dismissStaleReviews) facts.set(F.staleReviewsDismissed, true);
    }
    if (rs.requiredStatusChecks.length > 0) {
      facts.set(F.requiredStatusChecks, rs.requiredStatusChecks.length);
      if (rs.strictStatusChecks) facts.set(F.strictStatusChecks, true);
    }
    // A bypass actor means administrators (or others) can skip the rules.
    facts.set(F.adminsEnforced, rs.bypassActors.length === 0);
    if (rs.requireSignatures) facts.set(F.requiresSignatures, true);
  }
  const s = baseline.security;
  if (s.dependabotAlerts) facts.set(F.dependabotAlertsEnabled, true);
  if (s.secretScanning) facts.set(F.secretScanningEnabled, true);
  if (s.pushProtection) facts.set(F.pushProtectionEnabled, true);
  if (s.codeScanningDefaultSetup) facts.set(F.codeScanningEnabled, true);
  const wp = baseline.workflowPermissions;
  if (wp) {
    facts.set(F.workflowTokenReadOnly, true);
    facts.set(
      F.workflowCanApprovePullRequests,
      wp.canApprovePullRequestReviews,
    );
  }
  if (baseline.files.codeowners) {
    facts.set(F.codeownersPresent, true);
    facts.set(F.codeownersErrors, 0);
  }
  if (baseline.files.securityPolicy) facts.set(F.securityPolicyEnabled, true);
  if (baseline.files.dependabotConfig)
    facts.set(F.dependencyUpdatesConfigured, true);
  return facts;
}
