/**
 * Someone allowed to bypass the baseline ruleset, in the shape of GitHub's
 * `bypass_actors`.
 *
 * @public
 */
export interface GithubBypassActor {
  actorId: number | null;
  actorType:
    | 'Integration'
    | 'OrganizationAdmin'
    | 'RepositoryRole'
    | 'Team'
    | 'DeployKey';
  bypassMode: 'always' | 'pull_request';
}

/**
 * The repository ruleset the baseline wants on the default branch.
 *
 * @public
 */
export interface GithubBaselineRuleset {
  /** Name of the ruleset the baseline owns (created or updated by name). */
  name: string;
  requirePullRequest: boolean;
  requiredApprovals: number;
  requireCodeOwnerReview: boolean;
  dismissStaleReviews: boolean;
  /** Status check contexts that must pass; empty for none. */
  requiredStatusChecks: string[];
  strictStatusChecks: boolean;
  blockForcePushes: boolean;
  blockDeletions: boolean;
  requireSignatures: boolean;
  bypassActors: GithubBypassActor[];
}

/**
 * Security features the baseline turns on (false: left as they are).
 *
 * @public
 */
export interface GithubBaselineSecurity {
  secretScanning: boolean;
  pushProtection: boolean;
  dependabotAlerts: boolean;
  dependabotSecurityUpdates: boolean;
  codeScanningDefaultSetup: boolean;
}

/**
 * Files the baseline adds when they are missing.
 *
 * @public
 */
export interface GithubBaselineFiles {
  codeowners: boolean;
  securityPolicy: boolean;
  dependabotConfig: boolean;
}

/**
 * How the baseline relates to one GitHub control a level requires.
 *
 * @public
 */
export interface GithubBaselineControl {
  controlId: string;
  title: string;
  /** The level that requires it first. */
  level: string;
  /** True when the predicted facts make the control pass (or not apply). */
  covered: boolean;
  /** The baseline settings the control relies on. */
  settings: string[];
  /** Why the baseline cannot make it pass; set when not covered. */
  reason?: string;
}

/**
 * The GitHub settings that make a level's GitHub controls pass, derived from
 * the control definitions (and so their thresholds) and config overrides.
 *
 * @public
 */
export interface GithubBaseline {
  /** The level the baseline is for. */
  level: string;
  /** The levels whose required controls it covers: the level and those below. */
  levels: string[];
  /** Null when no required control needs a ruleset. */
  ruleset: GithubBaselineRuleset | null;
  security: GithubBaselineSecurity;
  /** Null when no required control reads the workflow token settings. */
  workflowPermissions: {
    defaultWorkflowPermissions: 'read';
    canApprovePullRequestReviews: boolean;
  } | null;
  files: GithubBaselineFiles;
  /** Every GitHub control the levels require, covered or not. */
  controls: GithubBaselineControl[];
}

/**
 * Per-level adjustments of the derived baseline (`compliance.github.baseline`).
 * Values below what a control needs leave that control uncovered, with the
 * override named as the reason.
 *
 * @public
 */
export interface GithubBaselineOverrides {
  requiredApprovals?: number;
  requiredStatusChecks?: string[];
  bypassActors?: GithubBypassActor[];
  requireSignatures?: boolean;
  dependabotSecurityUpdates?: boolean;
}

/**
 * The `compliance.github.baseline` configuration.
 *
 * @public
 */
export interface GithubBaselineConfig {
  /** Name of the repository ruleset the baseline creates. */
  rulesetName: string;
  /** Status check contexts used when a control requires status checks. */
  requiredStatusChecks: string[];
  /** Overrides by level id. */
  levels: Record<string, GithubBaselineOverrides>;
}
