import type { FactCondition } from 'backstage-plugin-compliance-common';
import { GITHUB_FACTS as F } from '../githubFactIds';
import { compareValue } from './conditions';
import type {
  GithubBaseline,
  GithubBaselineConfig,
  GithubBaselineRuleset,
} from './types';

/** GitHub allows at most 10 required approving reviews. */
const MAX_APPROVALS = 10;

export type Draft = Omit<GithubBaseline, 'level' | 'levels' | 'controls'>;

export function emptyDraft(): Draft {
  return {
    ruleset: null,
    security: {
      secretScanning: false,
      pushProtection: false,
      dependabotAlerts: false,
      dependabotSecurityUpdates: false,
      codeScanningDefaultSetup: false,
    },
    workflowPermissions: null,
    files: {
      codeowners: false,
      securityPolicy: false,
      dependabotConfig: false,
    },
  };
}

export function ruleset(d: Draft, name: string): GithubBaselineRuleset {
  d.ruleset ??= {
    name,
    requirePullRequest: false,
    requiredApprovals: 0,
    requireCodeOwnerReview: false,
    dismissStaleReviews: false,
    requiredStatusChecks: [],
    strictStatusChecks: false,
    blockForcePushes: false,
    blockDeletions: false,
    requireSignatures: false,
    bypassActors: [],
  };
  return d.ruleset;
}

function workflow(d: Draft) {
  d.workflowPermissions ??= {
    defaultWorkflowPermissions: 'read',
    canApprovePullRequestReviews: false,
  };
  return d.workflowPermissions;
}

/** The smallest number satisfying a lower-bound comparison. */
function lowerBound(c: FactCondition): number | undefined {
  if (typeof c.value !== 'number') return undefined;
  switch (c.operator) {
    case 'greaterThanInclusive':
    case 'equal':
      return c.value;
    case 'greaterThan':
      return Math.floor(c.value) + 1;
    default:
      return undefined;
  }
}

interface Lever {
  /** Names of the settings it moves, as the plan shows them. */
  setting: string;
  /** Moves the draft toward the condition; returns why it cannot. */
  apply(
    c: FactCondition,
    d: Draft,
    config: GithubBaselineConfig,
  ): string | void;
}

const enables = (
  setting: string,
  on: (d: Draft, config: GithubBaselineConfig) => void,
): Lever => ({
  setting,
  apply(c, d, config) {
    if (c.operator === 'equal' && c.value === true) on(d, config);
  },
});

/** Every fact the baseline can decide, and how. */
export const LEVERS: Record<string, Lever> = {
  [F.protected]: enables('ruleset', (d, c) => {
    ruleset(d, c.rulesetName);
  }),
  [F.forcePushesBlocked]: enables('ruleset.blockForcePushes', (d, c) => {
    ruleset(d, c.rulesetName).blockForcePushes = true;
  }),
  [F.deletionsBlocked]: enables('ruleset.blockDeletions', (d, c) => {
    ruleset(d, c.rulesetName).blockDeletions = true;
  }),
  [F.requiredApprovals]: {
    setting: 'ruleset.requiredApprovals',
    apply(c, d, config) {
      const need = lowerBound(c);
      if (need === undefined) return undefined;
      if (need > MAX_APPROVALS)
        return `${c.value} approvals is above GitHub's maximum of ${MAX_APPROVALS}`;
      const rs = ruleset(d, config.rulesetName);
      rs.requirePullRequest = true;
      rs.requiredApprovals = Math.max(rs.requiredApprovals, need);
      return undefined;
    },
  },
  [F.codeOwnerReviewRequired]: enables(
    'ruleset.requireCodeOwnerReview',
    (d, c) => {
      const rs = ruleset(d, c.rulesetName);
      rs.requirePullRequest = true;
      rs.requireCodeOwnerReview = true;
    },
  ),
  [F.staleReviewsDismissed]: enables('ruleset.dismissStaleReviews', (d, c) => {
    const rs = ruleset(d, c.rulesetName);
    rs.requirePullRequest = true;
    rs.dismissStaleReviews = true;
  }),
  [F.requiredStatusChecks]: {
    setting: 'ruleset.requiredStatusChecks',
    apply(c, d, config) {
      const need = lowerBound(c);
      if (need === undefined) return undefined;
      if (config.requiredStatusChecks.length < need) {
        return `it needs ${need} required status check(s) and ${config.requiredStatusChecks.length} are configured (compliance.github.baseline.requiredStatusChecks names the checks the repository's CI reports)`;
      }
      ruleset(d, config.rulesetName).requiredStatusChecks = [
        ...config.requiredStatusChecks,
      ];
      return undefined;
    },
  },
  [F.strictStatusChecks]: {
    setting: 'ruleset.strictStatusChecks',
    apply(c, d, config) {
      if (!(c.operator === 'equal' && c.value === true)) return undefined;
      if (config.requiredStatusChecks.length === 0) {
        return 'strict status checks need at least one required status check, and none is configured (compliance.github.baseline.requiredStatusChecks)';
      }
      const rs = ruleset(d, config.rulesetName);
      rs.strictStatusChecks = true;
      if (rs.requiredStatusChecks.length === 0)
        rs.requiredStatusChecks = [...config.requiredStatusChecks];
      return undefined;
    },
  },
  [F.adminsEnforced]: enables('ruleset.bypassActors', (d, c) => {
    ruleset(d, c.rulesetName).bypassActors = [];
  }),
  [F.requiresSignatures]: enables('ruleset.requireSignatures', (d, c) => {
    ruleset(d, c.rulesetName).requireSignatures = true;
  }),
  [F.codeownersPresent]: enables('files.codeowners', d => {
    d.files.codeowners = true;
  }),
  [F.codeownersErrors]: {
    setting: 'files.codeowners',
    apply(c, d) {
      if (compareValue(c.operator, 0, c.value) === true)
        d.files.codeowners = true;
    },
  },
  [F.securityPolicyEnabled]: enables('files.securityPolicy', d => {
    d.files.securityPolicy = true;
  }),
  [F.dependencyUpdatesConfigured]: enables('files.dependabotConfig', d => {
    d.files.dependabotConfig = true;
  }),
  [F.dependabotAlertsEnabled]: enables('security.dependabotAlerts', d => {
    d.security.dependabotAlerts = true;
    d.security.dependabotSecurityUpdates = true;
  }),
  [F.secretScanningEnabled]: enables('security.secretScanning', d => {
    d.security.secretScanning = true;
  }),
  [F.pushProtectionEnabled]: enables('security.pushProtection', d => {
    d.security.secretScanning = true;
    d.security.pushProtection = true;
  }),
  [F.codeScanningEnabled]: enables('security.codeScanningDefaultSetup', d => {
    d.security.codeScanningDefaultSetup = true;
  }),
  [F.workflowTokenReadOnly]: enables(
    'workflowPermissions.defaultWorkflowPermissions',
    d => {
      workflow(d);
    },
  ),
  [F.workflowCanApprovePullRequests]: {
    setting: 'workflowPermissions.canApprovePullRequestReviews',
    apply(c, d) {
      if (c.operator === 'equal' && c.value === false)
        workflow(d).canApprovePullRequestReviews = false;
    },
  },
};

/** Why a fact the baseline does not set stays open, for the report. */
const WHY_NOT: Array<[RegExp, string]> = [
  [
    /^github\.repo\.visibility$/,
    'visibility is chosen where the repository is created (publish:github repoVisibility), not by the baseline',
  ],
  [
    /^github\.repo\.license$/,
    'a license is a file of the template skeleton, not a setting',
  ],
  [
    /^github\.ci\./,
    'CI signals come from workflow runs on the default branch, observed at the first collection after the repository’s CI has run',
  ],
  [
    /^github\.pullRequests\./,
    'review history comes from merged pull requests, observed by collection',
  ],
  [
    /^github\.(dependabot|secretScanning|codeScanning)\.open|Overdue/,
    'open alerts are observed by collection (only a new repository is known to have none)',
  ],
  [
    /^github\.(repo|commits)\./,
    'observed by collection, not set by the baseline',
  ],
  [/^entity\./, 'depends on the entity (compliance:check evaluates it)'],
];

export function whyNot(factId: string): string {
  return (
    WHY_NOT.find(([re]) => re.test(factId))?.[1] ??
    'no baseline setting decides this fact'
  );
}
