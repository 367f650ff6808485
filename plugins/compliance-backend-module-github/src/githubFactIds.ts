import { CI_SUMMARY_FACT_ID } from 'backstage-plugin-compliance-common';
import { FactDescriptor } from 'backstage-plugin-compliance-node';

/**
 * Ids of the facts the GitHub collector writes.
 *
 * @public
 */
export const GITHUB_FACTS = {
  repoArchived: 'github.repo.archived',
  repoVisibility: 'github.repo.visibility',
  repoDaysSinceLastCommit: 'github.repo.daysSinceLastCommit',
  repoLicense: 'github.repo.license',
  codeownersPresent: 'github.codeowners.present',
  codeownersErrors: 'github.codeowners.errors',
  securityPolicyEnabled: 'github.securityPolicy.enabled',
  commitsSignedRatio: 'github.commits.signedRatio',
  protection: 'github.defaultBranch.protection',
  protected: 'github.defaultBranch.protected',
  forcePushesBlocked: 'github.defaultBranch.forcePushesBlocked',
  deletionsBlocked: 'github.defaultBranch.deletionsBlocked',
  requiredApprovals: 'github.defaultBranch.requiredApprovals',
  codeOwnerReviewRequired: 'github.defaultBranch.codeOwnerReviewRequired',
  staleReviewsDismissed: 'github.defaultBranch.staleReviewsDismissed',
  requiredStatusChecks: 'github.defaultBranch.requiredStatusChecks',
  strictStatusChecks: 'github.defaultBranch.strictStatusChecks',
  adminsEnforced: 'github.defaultBranch.adminsEnforced',
  requiresSignatures: 'github.defaultBranch.requiresSignatures',
  dependencyUpdatesConfigured: 'github.dependencyUpdates.configured',
  dependabotAlertsEnabled: 'github.dependabot.alertsEnabled',
  dependabotOpenCriticalHigh: 'github.dependabot.openCriticalHigh',
  dependabotOverdueCriticalHigh: 'github.dependabot.overdueCriticalHigh',
  secretScanningEnabled: 'github.secretScanning.enabled',
  pushProtectionEnabled: 'github.secretScanning.pushProtection',
  secretScanningOpenAlerts: 'github.secretScanning.openAlerts',
  codeScanningEnabled: 'github.codeScanning.enabled',
  codeScanningOpenCriticalHigh: 'github.codeScanning.openCriticalHigh',
  workflowTokenReadOnly: 'github.actions.defaultTokenReadOnly',
  workflowCanApprovePullRequests: 'github.actions.canApprovePullRequests',
  mergedPullRequests: 'github.pullRequests.merged',
  reviewedRatio: 'github.pullRequests.reviewedRatio',
  changesChecksNotGreenRatio: 'github.changes.checksNotGreenAtMergeRatio',
  changesUnapprovedRatio: 'github.changes.unapprovedRatio',
  changesOffenders: 'github.changes.offendingPullRequests',
  ciPresent: 'github.ci.present',
  ciHeadState: 'github.ci.headState',
  ciRuns: 'github.ci.runs',
  ciPassRate: 'github.ci.passRate',
  ciFlakyRate: 'github.ci.flakyRate',
  ciP50DurationSeconds: 'github.ci.p50DurationSeconds',
  ciP95DurationSeconds: 'github.ci.p95DurationSeconds',
  ciChecksMaxFlakyRate: 'github.ci.checks.maxFlakyRate',
  ciChecksMaxP95DurationSeconds: 'github.ci.checks.maxP95DurationSeconds',
  ciChecksMinPassRate: 'github.ci.checks.minPassRate',
  ciSummary: CI_SUMMARY_FACT_ID,
} as const;

/**
 * A GitHub fact id.
 *
 * @public
 */
export type GithubFactId = (typeof GITHUB_FACTS)[keyof typeof GITHUB_FACTS];

const f = (
  id: GithubFactId,
  type: FactDescriptor['type'],
  description: string,
): FactDescriptor => ({ id, type, description });

/**
 * Descriptors of every fact the GitHub collector writes.
 *
 * @public
 */
export const GITHUB_FACT_DESCRIPTORS: FactDescriptor[] = [
  f(GITHUB_FACTS.repoArchived, 'boolean', 'The repository is archived'),
  f(
    GITHUB_FACTS.repoVisibility,
    'string',
    'Repository visibility: public, private or internal',
  ),
  f(
    GITHUB_FACTS.repoDaysSinceLastCommit,
    'number',
    'Days since the last commit on the default branch',
  ),
  f(
    GITHUB_FACTS.repoLicense,
    'string',
    'Detected license SPDX id (null when none, NOASSERTION when unrecognised)',
  ),
  f(
    GITHUB_FACTS.codeownersPresent,
    'boolean',
    'A CODEOWNERS file exists in .github/, the root or docs/',
  ),
  f(
    GITHUB_FACTS.codeownersErrors,
    'number',
    'Number of CODEOWNERS syntax errors',
  ),
  f(
    GITHUB_FACTS.securityPolicyEnabled,
    'boolean',
    'A security policy (SECURITY.md) is published',
  ),
  f(
    GITHUB_FACTS.commitsSignedRatio,
    'number',
    'Share of the last 30 default-branch commits with a valid signature (0..1)',
  ),
  f(
    GITHUB_FACTS.protection,
    'object',
    'Effective default-branch protection (classic and rulesets) with provenance',
  ),
  f(
    GITHUB_FACTS.protected,
    'boolean',
    'The default branch is protected by classic protection or an active ruleset',
  ),
  f(
    GITHUB_FACTS.forcePushesBlocked,
    'boolean',
    'Force pushes to the default branch are blocked',
  ),
  f(
    GITHUB_FACTS.deletionsBlocked,
    'boolean',
    'Deletion of the default branch is blocked',
  ),
  f(
    GITHUB_FACTS.requiredApprovals,
    'number',
    'Approving reviews required to merge into the default branch',
  ),
  f(
    GITHUB_FACTS.codeOwnerReviewRequired,
    'boolean',
    'Code-owner review is required',
  ),
  f(
    GITHUB_FACTS.staleReviewsDismissed,
    'boolean',
    'Stale approvals are dismissed or last-push approval is required',
  ),
  f(
    GITHUB_FACTS.requiredStatusChecks,
    'number',
    'Number of required status checks',
  ),
  f(
    GITHUB_FACTS.strictStatusChecks,
    'boolean',
    'Branches must be up to date before merging',
  ),
  f(
    GITHUB_FACTS.adminsEnforced,
    'boolean',
    'Protection applies to administrators (no bypass)',
  ),
  f(
    GITHUB_FACTS.requiresSignatures,
    'boolean',
    'Signed commits are required on the default branch',
  ),
  f(
    GITHUB_FACTS.dependencyUpdatesConfigured,
    'boolean',
    'Dependabot version updates or Renovate is configured',
  ),
  f(
    GITHUB_FACTS.dependabotAlertsEnabled,
    'boolean',
    'Dependabot alerts are enabled',
  ),
  f(
    GITHUB_FACTS.dependabotOpenCriticalHigh,
    'number',
    'Open critical/high Dependabot alerts',
  ),
  f(
    GITHUB_FACTS.dependabotOverdueCriticalHigh,
    'number',
    'Open critical/high Dependabot alerts older than the SLA',
  ),
  f(
    GITHUB_FACTS.secretScanningEnabled,
    'boolean',
    'Secret scanning is enabled',
  ),
  f(
    GITHUB_FACTS.pushProtectionEnabled,
    'boolean',
    'Secret scanning push protection is enabled',
  ),
  f(
    GITHUB_FACTS.secretScanningOpenAlerts,
    'number',
    'Open secret scanning alerts',
  ),
  f(
    GITHUB_FACTS.codeScanningEnabled,
    'boolean',
    'Code scanning has produced analyses',
  ),
  f(
    GITHUB_FACTS.codeScanningOpenCriticalHigh,
    'number',
    'Open critical/high code scanning alerts',
  ),
  f(
    GITHUB_FACTS.workflowTokenReadOnly,
    'boolean',
    'The default GITHUB_TOKEN permission is read-only',
  ),
  f(
    GITHUB_FACTS.workflowCanApprovePullRequests,
    'boolean',
    'GitHub Actions may approve pull requests',
  ),
  f(
    GITHUB_FACTS.mergedPullRequests,
    'number',
    'Merged pull requests examined (last 30)',
  ),
  f(
    GITHUB_FACTS.reviewedRatio,
    'number',
    'Share of merged pull requests approved by someone other than the author (0..1)',
  ),
  f(
    GITHUB_FACTS.ciPresent,
    'boolean',
    'CI reports on the default branch (checks, statuses or workflow runs)',
  ),
  f(
    GITHUB_FACTS.ciHeadState,
    'string',
    'Combined CI state of the default-branch HEAD: SUCCESS, PENDING, EXPECTED, FAILURE, ERROR or NONE',
  ),
  f(
    GITHUB_FACTS.ciRuns,
    'number',
    'Completed default-branch workflow runs in the window (cancelled/skipped excluded)',
  ),
  f(
    GITHUB_FACTS.ciPassRate,
    'number',
    'Workflow run pass rate over the window (0..1)',
  ),
  f(
    GITHUB_FACTS.ciFlakyRate,
    'number',
    'Share of runs that failed and then passed on the same commit (0..1)',
  ),
  f(
    GITHUB_FACTS.ciP50DurationSeconds,
    'number',
    'Median workflow run duration in seconds',
  ),
  f(
    GITHUB_FACTS.changesChecksNotGreenRatio,
    'number',
    'Share of the last 30 merged pull requests (bots excluded) whose head checks were failing or missing at merge (0..1)',
  ),
  f(
    GITHUB_FACTS.changesUnapprovedRatio,
    'number',
    'Share of the last 30 merged pull requests (bots excluded) merged without an approval from someone other than the author (0..1)',
  ),
  f(
    GITHUB_FACTS.changesOffenders,
    'array',
    'Merged pull requests with failing or missing checks or without independent approval: number, link, merged at, what was missing',
  ),
  f(
    GITHUB_FACTS.ciP95DurationSeconds,
    'number',
    '95th percentile duration in seconds over every counted run (workflow runs, check runs, statuses with a duration)',
  ),
  f(
    GITHUB_FACTS.ciChecksMaxFlakyRate,
    'number',
    'Highest flaky rate of one check (failure and success on the same commit) among checks with enough runs',
  ),
  f(
    GITHUB_FACTS.ciChecksMaxP95DurationSeconds,
    'number',
    'Highest p95 duration in seconds of one check among checks with enough runs',
  ),
  f(
    GITHUB_FACTS.ciChecksMinPassRate,
    'number',
    'Lowest pass rate of one check among checks with enough runs',
  ),
  f(
    GITHUB_FACTS.ciSummary,
    'object',
    'CI summary for charts: head state, rates, durations, top failing checks, daily series',
  ),
];
