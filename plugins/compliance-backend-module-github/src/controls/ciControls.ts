import { ControlDefinition } from 'backstage-plugin-compliance-common';
import { GithubComplianceThresholds } from '../config';
import { GITHUB_FACTS as F } from '../githubFactIds';
import { APPLIES_TO, atLeast, atMost, DOCS, is } from './conditions';

/** CI health (GH-CI-01 … GH-CI-07) and change review (GH-CR-01). */
export function ciAndReviewControls(
  thresholds: GithubComplianceThresholds,
): ControlDefinition[] {
  const pct = (v: number) => `${Math.round(v * 100)}%`;
  return [
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
      id: 'GH-CI-06',
      title: `No check flakier than ${pct(thresholds.flakyRate)}`,
      description: `Highest flaky rate of any one check (workflow, check run, commit status or pushed run) with enough runs: a failure and a success on the same commit. Warn up to ${pct(
        thresholds.flakyRateWarn,
      )}; unknown while no check has enough runs.`,
      category: 'ci',
      severity: 'low',
      applicability: APPLIES_TO,
      rule: {
        pass: atMost(F.ciChecksMaxFlakyRate, thresholds.flakyRate),
        warn: atMost(F.ciChecksMaxFlakyRate, thresholds.flakyRateWarn),
      },
      frameworks: { soc2: ['CC8.1'], iso27001: ['A.8.29'] },
      remediation: {
        text: 'Open the CI section of the Compliance tab, find the flakiest check and make its tests deterministic.',
        url: `${DOCS}/actions/managing-workflow-runs-and-deployments/managing-workflow-runs/re-running-workflows-and-jobs`,
      },
    },
    {
      id: 'GH-CI-07',
      title: 'Slowest check p95 under 30 minutes',
      description:
        '95th percentile duration of the slowest check with enough runs: pass up to 30 minutes, warn up to 60. Unknown while no check has enough runs.',
      category: 'ci',
      severity: 'info',
      applicability: APPLIES_TO,
      rule: {
        // Commit statuses carry no duration: nothing to judge.
        notApplicable: {
          fact: F.ciChecksMaxP95DurationSeconds,
          operator: 'notExists',
        },
        pass: atMost(F.ciChecksMaxP95DurationSeconds, 1800),
        warn: atMost(F.ciChecksMaxP95DurationSeconds, 3600),
      },
      frameworks: { iso27001: ['A.8.29'] },
      remediation: {
        text: 'Split the slowest check, cache its dependencies and run its parts in parallel.',
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
    {
      id: 'GH-CR-02',
      title: 'Changes merged with green checks',
      description:
        'Of the last 30 merged pull requests (bots excluded), at most 5% were merged while their checks were failing or missing (warn up to 15%). The offending pull requests are in the evidence.',
      category: 'change-review',
      severity: 'high',
      applicability: APPLIES_TO,
      rule: {
        notApplicable: is(F.mergedPullRequests, 0),
        pass: atMost(F.changesChecksNotGreenRatio, 0.05),
        warn: atMost(F.changesChecksNotGreenRatio, 0.15),
      },
      frameworks: {
        soc2: ['CC8.1'],
        iso27001: ['A.8.32'],
      },
      remediation: {
        text: 'Require status checks to pass before merging (branch protection or a ruleset), and do not bypass them.',
        url: `${DOCS}/repositories/configuring-branches-and-merges-in-your-repository/managing-protected-branches/about-protected-branches#require-status-checks-before-merging`,
      },
    },
    {
      id: 'GH-CR-03',
      title: 'Changes merged with an independent approval',
      description:
        'Of the last 30 merged pull requests (bots excluded), at most 5% were merged without an approval from someone other than the author (warn up to 20%). The offending pull requests are in the evidence.',
      category: 'change-review',
      severity: 'high',
      applicability: APPLIES_TO,
      rule: {
        notApplicable: is(F.mergedPullRequests, 0),
        pass: atMost(F.changesUnapprovedRatio, 0.05),
        warn: atMost(F.changesUnapprovedRatio, 0.2),
      },
      frameworks: {
        soc2: ['CC8.1'],
        iso27001: ['A.8.32'],
      },
      remediation: {
        text: 'Require at least one approving review from someone other than the author before merging.',
        url: `${DOCS}/pull-requests/collaborating-with-pull-requests/reviewing-changes-in-pull-requests/about-pull-request-reviews`,
      },
    },
  ];
}
