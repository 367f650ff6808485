import {
  ControlDefinition,
  RuleCondition,
} from 'backstage-plugin-compliance-common';
import { GithubComplianceThresholds } from './config';
import { GITHUB_FACTS as F } from './facts';

const DOCS = 'https://docs.github.com';

const is = (fact: string, value: boolean | string | number): RuleCondition => ({
  fact,
  operator: 'equal',
  value,
});
const atLeast = (fact: string, value: number): RuleCondition => ({
  fact,
  operator: 'greaterThanInclusive',
  value,
});
const atMost = (fact: string, value: number): RuleCondition => ({
  fact,
  operator: 'lessThanInclusive',
  value,
});

const APPLIES_TO = { kinds: ['Component'] };

/**
 * The GitHub controls, with thresholds from config. Ids are `GH-<area>-<nn>`
 * following the rows of the reference catalogue (SCM, BP, SEC, CI, CR).
 *
 * @public
 */
export function createGithubControls(
  thresholds: GithubComplianceThresholds,
): ControlDefinition[] {
  const controls: ControlDefinition[] = [
    // Repository hygiene
    {
      id: 'GH-SCM-01',
      title: 'Repository is active (not archived)',
      description:
        'An archived repository takes no changes or security fixes. Services that are not deprecated should live in an active repository.',
      category: 'repository',
      severity: 'high',
      applicability: APPLIES_TO,
      rule: {
        notApplicable: is('entity.lifecycle', 'deprecated'),
        pass: is(F.repoArchived, false),
      },
      frameworks: {
        soc2: ['CC7.1'],
        iso27001: ['A.8.8'],
        openssf: ['Maintained'],
      },
      remediation: {
        text: 'Unarchive the repository, or mark the component `lifecycle: deprecated` if it is retired.',
        url: `${DOCS}/repositories/archiving-a-github-repository/archiving-repositories`,
      },
      messages: {
        pass: 'The repository is active.',
        fail: 'The repository is archived.',
      },
    },
    {
      id: 'GH-SCM-02',
      title: 'Repository visibility matches policy',
      description:
        'Repositories are private or internal unless the component is tagged `public` or `open-source`.',
      category: 'repository',
      severity: 'high',
      applicability: APPLIES_TO,
      rule: {
        pass: {
          any: [
            {
              fact: F.repoVisibility,
              operator: 'in',
              value: ['private', 'internal'],
            },
            { fact: 'entity.tags', operator: 'contains', value: 'public' },
            { fact: 'entity.tags', operator: 'contains', value: 'open-source' },
          ],
        },
      },
      frameworks: {
        soc2: ['CC6.1', 'CC6.7'],
        iso27001: ['A.5.12', 'A.8.3', 'A.8.4'],
      },
      remediation: {
        text: 'Make the repository private or internal, or tag the component `public` if publishing its source is intended.',
        url: `${DOCS}/repositories/managing-your-repositorys-settings-and-features/managing-repository-settings/setting-repository-visibility`,
      },
    },
    {
      id: 'GH-SCM-03',
      title: 'Recently maintained',
      description:
        'Production components had a commit on the default branch in the last 90 days (warn up to 180 days).',
      category: 'repository',
      severity: 'low',
      applicability: { ...APPLIES_TO, lifecycles: ['production'] },
      rule: {
        pass: atMost(F.repoDaysSinceLastCommit, 90),
        warn: atMost(F.repoDaysSinceLastCommit, 180),
      },
      frameworks: {
        soc2: ['CC7.1'],
        iso27001: ['A.8.8'],
        openssf: ['Maintained'],
      },
      remediation: {
        text: 'Keep dependencies and code current; a service nobody changes for months may have lost its maintainers.',
      },
    },
    {
      id: 'GH-SCM-04',
      title: 'License declared (public repositories)',
      description: 'Public repositories carry a license GitHub can detect.',
      category: 'repository',
      severity: 'low',
      applicability: APPLIES_TO,
      rule: {
        notApplicable: { not: is(F.repoVisibility, 'public') },
        pass: {
          all: [
            { fact: F.repoLicense, operator: 'exists' },
            { fact: F.repoLicense, operator: 'notEqual', value: 'NOASSERTION' },
          ],
        },
        warn: is(F.repoLicense, 'NOASSERTION'),
      },
      frameworks: { iso27001: ['A.5.32'], openssf: ['License'] },
      remediation: {
        text: 'Add a LICENSE file with a standard license text at the repository root.',
        url: `${DOCS}/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/licensing-a-repository`,
      },
    },
    {
      id: 'GH-SCM-05',
      title: 'CODEOWNERS present and valid',
      description:
        'A CODEOWNERS file in `.github/`, the root or `docs/` names the owners of the code, without syntax errors.',
      category: 'repository',
      severity: 'medium',
      applicability: APPLIES_TO,
      rule: {
        pass: {
          all: [is(F.codeownersPresent, true), is(F.codeownersErrors, 0)],
        },
        warn: is(F.codeownersPresent, true),
      },
      frameworks: {
        soc2: ['CC6.1', 'CC8.1'],
        iso27001: ['A.5.2', 'A.5.3', 'A.8.4'],
        openssf: ['Branch-Protection', 'Code-Review'],
      },
      remediation: {
        text: 'Add `.github/CODEOWNERS` naming the owning team, and fix any errors GitHub reports for it.',
        url: `${DOCS}/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners`,
      },
    },
    {
      id: 'GH-SCM-06',
      title: 'Security policy published',
      description:
        'A SECURITY.md tells reporters how to disclose vulnerabilities.',
      category: 'repository',
      severity: 'medium',
      applicability: APPLIES_TO,
      rule: { pass: is(F.securityPolicyEnabled, true) },
      frameworks: {
        soc2: ['CC2.3', 'CC7.3'],
        iso27001: ['A.5.5', 'A.5.24', 'A.6.8'],
        openssf: ['Security-Policy'],
      },
      remediation: {
        text: 'Add SECURITY.md to the repository or to the organisation’s `.github` repository.',
        url: `${DOCS}/code-security/getting-started/adding-a-security-policy-to-your-repository`,
      },
    },
    {
      id: 'GH-SCM-07',
      title: 'Signed commits',
      description:
        'The default branch requires signed commits (warn when at least 90% of the last 30 commits are signed without the requirement).',
      category: 'repository',
      severity: 'low',
      applicability: APPLIES_TO,
      rule: {
        pass: is(F.requiresSignatures, true),
        warn: atLeast(F.commitsSignedRatio, 0.9),
      },
      frameworks: { soc2: ['CC8.1'], iso27001: ['A.8.4', 'A.8.24', 'A.8.32'] },
      remediation: {
        text: 'Require signed commits in branch protection or a ruleset, and set up commit signing for contributors.',
        url: `${DOCS}/authentication/managing-commit-signature-verification/about-commit-signature-verification`,
      },
    },
  ];

  const bp = (
    n: string,
    title: string,
    description: string,
    severity: ControlDefinition['severity'],
    rule: ControlDefinition['rule'],
    soc2: string[],
    iso: string[],
    text: string,
  ): ControlDefinition => ({
    id: `GH-BP-${n}`,
    title,
    description: `${description} Effective protection merges classic branch protection with active repository and organisation rulesets.`,
    category: 'branch-protection',
    severity,
    applicability: APPLIES_TO,
    rule,
    frameworks: { soc2, iso27001: iso, openssf: ['Branch-Protection'] },
    remediation: {
      text,
      url: `${DOCS}/repositories/configuring-branches-and-merges-in-your-repository/managing-rulesets/about-rulesets`,
    },
  });

  controls.push(
    bp(
      '01',
      'Default branch protected',
      'The default branch has classic protection or at least one active ruleset rule.',
      'critical',
      { pass: is(F.protected, true) },
      ['CC8.1', 'CC6.1'],
      ['A.8.4', 'A.8.32'],
      'Add a branch ruleset (or classic protection) targeting the default branch.',
    ),
    bp(
      '02',
      'Force pushes blocked',
      'Force pushes to the default branch are blocked.',
      'high',
      { pass: is(F.forcePushesBlocked, true) },
      ['CC8.1'],
      ['A.8.4', 'A.8.32'],
      'Enable "Block force pushes" in the ruleset, or disable "Allow force pushes" in branch protection.',
    ),
    bp(
      '03',
      'Branch deletion blocked',
      'The default branch cannot be deleted.',
      'high',
      { pass: is(F.deletionsBlocked, true) },
      ['CC8.1', 'A1.2'],
      ['A.8.4', 'A.8.32'],
      'Enable "Restrict deletions" in the ruleset, or disable "Allow deletions" in branch protection.',
    ),
    bp(
      '04',
      'Pull request with at least one approval required',
      'Changes reach the default branch through a pull request approved by at least one reviewer.',
      'critical',
      { pass: atLeast(F.requiredApprovals, 1) },
      ['CC8.1', 'CC6.3'],
      ['A.8.32', 'A.8.25', 'A.5.3'],
      'Require a pull request before merging with at least one approval.',
    ),
    bp(
      '05',
      'Two-person review',
      'At least two approvals are required (warn with one).',
      'medium',
      {
        pass: atLeast(F.requiredApprovals, 2),
        warn: atLeast(F.requiredApprovals, 1),
      },
      ['CC8.1'],
      ['A.5.3'],
      'Set the required approvals to 2.',
    ),
    bp(
      '06',
      'Code-owner review required',
      'Code owners must approve changes to what they own (warn when required but no CODEOWNERS file exists).',
      'medium',
      {
        pass: {
          all: [
            is(F.codeOwnerReviewRequired, true),
            is(F.codeownersPresent, true),
          ],
        },
        warn: is(F.codeOwnerReviewRequired, true),
      },
      ['CC8.1'],
      ['A.8.4', 'A.5.3'],
      'Enable "Require review from Code Owners" and add a CODEOWNERS file.',
    ),
    bp(
      '07',
      'Stale approvals dismissed',
      'New commits dismiss earlier approvals, or the last push must be approved by someone else.',
      'medium',
      { pass: is(F.staleReviewsDismissed, true) },
      ['CC8.1'],
      ['A.8.32'],
      'Enable "Dismiss stale pull request approvals when new commits are pushed" or "Require approval of the most recent reviewable push".',
    ),
    bp(
      '08',
      'Required status checks configured',
      'At least one status check must pass before merging, with branches up to date (warn when not strict).',
      'high',
      {
        pass: {
          all: [
            atLeast(F.requiredStatusChecks, 1),
            is(F.strictStatusChecks, true),
          ],
        },
        warn: atLeast(F.requiredStatusChecks, 1),
      },
      ['CC8.1'],
      ['A.8.29', 'A.8.32'],
      'Require status checks to pass (and branches to be up to date) before merging.',
    ),
    bp(
      '09',
      'Rules apply to administrators',
      'Administrators cannot bypass the protection: classic "Do not allow bypassing" and rulesets without bypass actors.',
      'medium',
      { pass: is(F.adminsEnforced, true) },
      ['CC6.1', 'CC6.3'],
      ['A.8.2', 'A.5.3'],
      'Enable "Do not allow bypassing the above settings" and remove bypass actors from rulesets.',
    ),
  );

  const sec = (
    n: string,
    c: Omit<ControlDefinition, 'id' | 'category' | 'applicability'>,
  ): ControlDefinition => ({
    id: `GH-SEC-${n}`,
    category: 'security',
    applicability: APPLIES_TO,
    ...c,
  });

  controls.push(
    sec('01', {
      title: 'Dependency update tool configured',
      description:
        'Dependabot version updates or Renovate keep dependencies current.',
      severity: 'high',
      rule: { pass: is(F.dependencyUpdatesConfigured, true) },
      frameworks: {
        soc2: ['CC7.1'],
        iso27001: ['A.8.8'],
        openssf: ['Dependency-Update-Tool'],
      },
      remediation: {
        text: 'Add `.github/dependabot.yml` (or a Renovate config such as `renovate.json`).',
        url: `${DOCS}/code-security/dependabot/dependabot-version-updates/configuring-dependabot-version-updates`,
      },
    }),
    sec('02', {
      title: 'Dependabot alerts enabled',
      description: 'GitHub alerts on known vulnerable dependencies.',
      severity: 'high',
      rule: { pass: is(F.dependabotAlertsEnabled, true) },
      frameworks: {
        soc2: ['CC7.1'],
        iso27001: ['A.8.8'],
        openssf: ['Vulnerabilities'],
      },
      remediation: {
        text: 'Enable Dependabot alerts in the repository’s security settings.',
        url: `${DOCS}/code-security/dependabot/dependabot-alerts/configuring-dependabot-alerts`,
      },
    }),
    sec('03', {
      title: 'No overdue critical or high dependency alerts',
      description: `No open critical/high Dependabot alert is older than ${thresholds.staleAlertDays} days (warn while alerts are open but within that time).`,
      severity: 'high',
      rule: {
        notApplicable: is(F.dependabotAlertsEnabled, false),
        pass: is(F.dependabotOpenCriticalHigh, 0),
        warn: is(F.dependabotOverdueCriticalHigh, 0),
      },
      frameworks: {
        soc2: ['CC7.1', 'CC7.4'],
        iso27001: ['A.8.8'],
        openssf: ['Vulnerabilities'],
      },
      remediation: {
        text: 'Update or patch the vulnerable dependencies, or dismiss alerts that do not apply with a reason.',
        url: `${DOCS}/code-security/dependabot/dependabot-alerts/viewing-and-updating-dependabot-alerts`,
      },
    }),
    sec('04', {
      title: 'Secret scanning enabled',
      description: 'GitHub scans the repository for leaked credentials.',
      severity: 'high',
      rule: { pass: is(F.secretScanningEnabled, true) },
      frameworks: { soc2: ['CC6.1', 'CC6.8'], iso27001: ['A.5.17', 'A.8.12'] },
      remediation: {
        text: 'Enable secret scanning in the repository’s "Code security" settings.',
        url: `${DOCS}/code-security/secret-scanning/enabling-secret-scanning-features/enabling-secret-scanning-for-your-repository`,
      },
    }),
    sec('05', {
      title: 'Push protection enabled',
      description: 'Pushes containing detected secrets are blocked.',
      severity: 'medium',
      rule: { pass: is(F.pushProtectionEnabled, true) },
      frameworks: { soc2: ['CC6.1', 'CC6.8'], iso27001: ['A.5.17', 'A.8.12'] },
      remediation: {
        text: 'Enable push protection for secret scanning.',
        url: `${DOCS}/code-security/secret-scanning/enabling-secret-scanning-features/enabling-push-protection-for-your-repository`,
      },
    }),
    sec('06', {
      title: 'No open secret scanning alerts',
      description:
        'Every leaked secret GitHub found has been revoked and its alert closed.',
      severity: 'critical',
      rule: {
        notApplicable: is(F.secretScanningEnabled, false),
        pass: is(F.secretScanningOpenAlerts, 0),
      },
      frameworks: { soc2: ['CC7.1', 'CC7.3'], iso27001: ['A.5.17', 'A.8.12'] },
      remediation: {
        text: 'Revoke and rotate each exposed secret, then close the alert.',
        url: `${DOCS}/code-security/secret-scanning/managing-alerts-from-secret-scanning/about-alerts`,
      },
    }),
    sec('07', {
      title: 'Code scanning (SAST) enabled',
      description: 'Code scanning has analysed the repository.',
      severity: 'medium',
      rule: { pass: is(F.codeScanningEnabled, true) },
      frameworks: {
        soc2: ['CC7.1', 'CC8.1'],
        iso27001: ['A.8.25', 'A.8.28', 'A.8.29'],
        openssf: ['SAST'],
      },
      remediation: {
        text: 'Enable CodeQL default setup (or upload SARIF from another scanner).',
        url: `${DOCS}/code-security/code-scanning/enabling-code-scanning/configuring-default-setup-for-code-scanning`,
      },
    }),
    sec('08', {
      title: 'No open critical or high code scanning alerts',
      description:
        'Code scanning reports no open alert of critical or high security severity.',
      severity: 'high',
      rule: {
        notApplicable: is(F.codeScanningEnabled, false),
        pass: is(F.codeScanningOpenCriticalHigh, 0),
      },
      frameworks: {
        soc2: ['CC7.1'],
        iso27001: ['A.8.8', 'A.8.28'],
        openssf: ['SAST'],
      },
      remediation: {
        text: 'Fix or dismiss (with a reason) the critical and high code scanning alerts.',
        url: `${DOCS}/code-security/code-scanning/managing-code-scanning-alerts/about-code-scanning-alerts`,
      },
    }),
    sec('09', {
      title: 'Least-privilege workflow token',
      description:
        'The default GITHUB_TOKEN is read-only and Actions cannot approve pull requests (warn when only one holds).',
      severity: 'medium',
      rule: {
        pass: {
          all: [
            is(F.workflowTokenReadOnly, true),
            is(F.workflowCanApprovePullRequests, false),
          ],
        },
        warn: {
          any: [
            is(F.workflowTokenReadOnly, true),
            is(F.workflowCanApprovePullRequests, false),
          ],
        },
      },
      frameworks: {
        soc2: ['CC6.1', 'CC6.3'],
        iso27001: ['A.8.2', 'A.5.15'],
        openssf: ['Token-Permissions'],
      },
      remediation: {
        text: 'Under Settings → Actions → General, choose "Read repository contents and packages permissions" and untick "Allow GitHub Actions to create and approve pull requests".',
        url: `${DOCS}/repositories/managing-your-repositorys-settings-and-features/enabling-features-for-your-repository/managing-github-actions-settings-for-a-repository`,
      },
    }),
  );

  const pct = (v: number) => `${Math.round(v * 100)}%`;
  controls.push(
    {
      id: 'GH-CI-01',
      title: 'CI present',
      description:
        'The default branch HEAD has check suites or commit statuses, or workflows ran on the default branch in the window.',
      category: 'ci',
      severity: 'high',
      applicability: APPLIES_TO,
      rule: { pass: is(F.ciPresent, true) },
      frameworks: {
        soc2: ['CC8.1'],
        iso27001: ['A.8.29'],
        openssf: ['CI-Tests'],
      },
      remediation: {
        text: 'Add a GitHub Actions workflow (or another CI reporting statuses) that builds and tests on pushes to the default branch.',
        url: `${DOCS}/actions/writing-workflows/quickstart`,
      },
    },
    {
      id: 'GH-CI-02',
      title: 'Default branch CI green',
      description:
        'The combined state of checks and statuses on the default branch HEAD is success (warn while pending or a required check has not reported).',
      category: 'ci',
      severity: 'high',
      applicability: APPLIES_TO,
      rule: {
        notApplicable: is(F.ciHeadState, 'NONE'),
        pass: is(F.ciHeadState, 'SUCCESS'),
        warn: {
          fact: F.ciHeadState,
          operator: 'in',
          value: ['PENDING', 'EXPECTED'],
        },
      },
      frameworks: {
        soc2: ['CC8.1', 'CC7.1'],
        iso27001: ['A.8.29', 'A.8.32'],
        openssf: ['CI-Tests'],
      },
      remediation: {
        text: 'Fix the failing checks on the default branch.',
        url: `${DOCS}/pull-requests/collaborating-with-pull-requests/collaborating-on-repositories-with-code-quality-features/about-status-checks`,
      },
    },
    {
      id: 'GH-CI-03',
      title: `CI pass rate at least ${pct(thresholds.passRate)}`,
      description: `Share of successful default-branch workflow runs in the window, cancelled and skipped runs excluded (warn from ${pct(
        thresholds.passRateWarn,
      )}; not applicable under 5 runs).`,
      category: 'ci',
      severity: 'medium',
      applicability: APPLIES_TO,
      rule: {
        notApplicable: { fact: F.ciRuns, operator: 'lessThan', value: 5 },
        pass: atLeast(F.ciPassRate, thresholds.passRate),
        warn: atLeast(F.ciPassRate, thresholds.passRateWarn),
      },
      frameworks: { soc2: ['CC8.1'], iso27001: ['A.8.29'] },
      remediation: {
        text: 'Look at the top failing checks in the CI summary and fix the causes of failures on the default branch.',
        url: `${DOCS}/actions/monitoring-and-troubleshooting-workflows`,
      },
    },
    {
      id: 'GH-CI-04',
      title: `Flaky rate at most ${pct(thresholds.flakyRate)}`,
      description: `Share of runs that failed and then passed on the same commit after a re-run (warn up to ${pct(
        thresholds.flakyRateWarn,
      )}; not applicable under 5 runs).`,
      category: 'ci',
      severity: 'low',
      applicability: APPLIES_TO,
      rule: {
        notApplicable: { fact: F.ciRuns, operator: 'lessThan', value: 5 },
        pass: atMost(F.ciFlakyRate, thresholds.flakyRate),
        warn: atMost(F.ciFlakyRate, thresholds.flakyRateWarn),
      },
      frameworks: { soc2: ['CC8.1'], iso27001: ['A.8.29'] },
      remediation: {
        text: 'Find the tests that pass on re-run and make them deterministic.',
        url: `${DOCS}/actions/managing-workflow-runs-and-deployments/managing-workflow-runs/re-running-workflows-and-jobs`,
      },
    },
    {
      id: 'GH-CI-05',
      title: 'CI duration (median)',
      description:
        'Median default-branch workflow run duration: pass up to 15 minutes, warn up to 30. Informational (weight 0).',
      category: 'ci',
      severity: 'info',
      applicability: APPLIES_TO,
      rule: {
        notApplicable: { fact: F.ciRuns, operator: 'lessThan', value: 1 },
        pass: atMost(F.ciP50DurationSeconds, 900),
        warn: atMost(F.ciP50DurationSeconds, 1800),
      },
      remediation: {
        text: 'Cache dependencies, split slow jobs and run them in parallel.',
        url: `${DOCS}/actions/writing-workflows/choosing-what-your-workflow-does/caching-dependencies-to-speed-up-workflows`,
      },
    },
    {
      id: 'GH-CR-01',
      title: 'Merged changes were reviewed',
      description:
        'Of the last 30 merged pull requests (bots excluded), at least 95% were approved by someone other than the author (warn from 80%).',
      category: 'change-review',
      severity: 'high',
      applicability: APPLIES_TO,
      rule: {
        notApplicable: is(F.mergedPullRequests, 0),
        pass: atLeast(F.reviewedRatio, 0.95),
        warn: atLeast(F.reviewedRatio, 0.8),
      },
      frameworks: {
        soc2: ['CC8.1'],
        iso27001: ['A.8.32', 'A.5.3'],
        openssf: ['Code-Review'],
      },
      remediation: {
        text: 'Require approvals in branch protection so that changes cannot merge unreviewed.',
        url: `${DOCS}/pull-requests/collaborating-with-pull-requests/reviewing-changes-in-pull-requests/about-pull-request-reviews`,
      },
    },
  );
  return controls;
}
