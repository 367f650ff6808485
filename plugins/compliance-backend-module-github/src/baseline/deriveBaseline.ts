import type {
  ComplianceLevel,
  ControlDefinition,
  FactCondition,
  JsonValue,
  RuleCondition,
} from 'backstage-plugin-compliance-common';
import { GITHUB_FACTS as F } from '../githubFactIds';
import { compareValue, holds, isLeaf, leafFacts } from './conditions';
import type {
  GithubBaseline,
  GithubBaselineConfig,
  GithubBaselineControl,
  GithubBaselineRuleset,
} from './types';

/** GitHub allows at most 10 required approving reviews. */
const MAX_APPROVALS = 10;

/**
 * The default `compliance.github.baseline`.
 *
 * @public
 */
export const DEFAULT_GITHUB_BASELINE_CONFIG: GithubBaselineConfig = {
  rulesetName: 'compliance-baseline',
  requiredStatusChecks: [],
  levels: {},
};

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

/**
 * Input of {@link deriveGithubBaseline}.
 *
 * @public
 */
export interface DeriveGithubBaselineOptions {
  /** The control catalogue (only controls reading `github.*` facts count). */
  controls: ReadonlyArray<Pick<ControlDefinition, 'id' | 'title' | 'rule'>>;
  /** Levels, lowest first. */
  levels: ReadonlyArray<ComplianceLevel>;
  /** The level the baseline is for. */
  level: string;
  config?: GithubBaselineConfig;
  repository?: GithubBaselineRepository;
}

type Draft = Omit<GithubBaseline, 'level' | 'levels' | 'controls'>;

function emptyDraft(): Draft {
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
    files: { codeowners: false, securityPolicy: false, dependabotConfig: false },
  };
}

function ruleset(d: Draft, name: string): GithubBaselineRuleset {
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
  apply(c: FactCondition, d: Draft, config: GithubBaselineConfig): string | void;
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
const LEVERS: Record<string, Lever> = {
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

function whyNot(factId: string): string {
  return (
    WHY_NOT.find(([re]) => re.test(factId))?.[1] ??
    'no baseline setting decides this fact'
  );
}

/** Moves the draft toward a condition; collects the settings and problems. */
function solve(
  condition: RuleCondition,
  d: Draft,
  config: GithubBaselineConfig,
  known: ReadonlyMap<string, JsonValue>,
  settings: Set<string>,
  problems: string[],
): void {
  if (isLeaf(condition)) {
    const lever = LEVERS[condition.fact];
    if (lever) {
      const problem = lever.apply(condition, d, config);
      settings.add(lever.setting);
      if (problem) problems.push(problem);
    } else if (!known.has(condition.fact)) {
      problems.push(`${condition.fact}: ${whyNot(condition.fact)}`);
    } else if (
      compareValue(
        condition.operator,
        known.get(condition.fact)!,
        condition.value,
      ) !== true
    ) {
      problems.push(
        `${condition.fact} is ${JSON.stringify(
          known.get(condition.fact),
        )}: ${whyNot(condition.fact)}`,
      );
    }
    return;
  }
  if ('all' in condition) {
    for (const c of condition.all)
      solve(c, d, config, known, settings, problems);
    return;
  }
  if ('any' in condition) {
    // The first branch the baseline (or what is known) can satisfy alone.
    for (const c of condition.any) {
      const trial: string[] = [];
      const facts = leafFacts(c);
      if (facts.every(f => LEVERS[f] || known.has(f))) {
        solve(c, d, config, known, settings, trial);
        if (trial.length === 0) return;
      }
    }
    const open = [...new Set(leafFacts(condition))].filter(
      f => !LEVERS[f] && !known.has(f),
    );
    problems.push(
      ...open.map(f => `${f}: ${whyNot(f)}`),
    );
    return;
  }
  problems.push('a negated condition is not something the baseline can set');
}

/** The facts a new repository is known to have before its first collection. */
export function newRepositoryFacts(
  repository: GithubBaselineRepository | undefined,
): Map<string, JsonValue> {
  const facts = new Map<string, JsonValue>();
  if (repository?.visibility) facts.set(F.repoVisibility, repository.visibility);
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

/**
 * Whether a control reads GitHub facts (and so is the baseline's concern).
 *
 * @public
 */
export function isGithubControl(
  control: Pick<ControlDefinition, 'rule'>,
): boolean {
  const { pass, warn, notApplicable } = control.rule;
  return [pass, warn, notApplicable]
    .flatMap(leafFacts)
    .some(f => f.startsWith('github.'));
}

function applyOverrides(
  d: Draft,
  level: string,
  config: GithubBaselineConfig,
): string[] {
  const o = config.levels[level];
  if (!o) return [];
  const touched: string[] = [];
  const rsOf = () => ruleset(d, config.rulesetName);
  if (o.requiredApprovals !== undefined) {
    const rs = rsOf();
    rs.requirePullRequest = rs.requirePullRequest || o.requiredApprovals > 0;
    rs.requiredApprovals = o.requiredApprovals;
    touched.push('ruleset.requiredApprovals');
  }
  if (o.requiredStatusChecks) {
    rsOf().requiredStatusChecks = [...o.requiredStatusChecks];
    touched.push('ruleset.requiredStatusChecks');
  }
  if (o.bypassActors) {
    rsOf().bypassActors = o.bypassActors.map(a => ({ ...a }));
    touched.push('ruleset.bypassActors');
  }
  if (o.requireSignatures !== undefined) {
    rsOf().requireSignatures = o.requireSignatures;
    touched.push('ruleset.requireSignatures');
  }
  if (o.dependabotSecurityUpdates !== undefined) {
    d.security.dependabotSecurityUpdates = o.dependabotSecurityUpdates;
  }
  return touched;
}

/**
 * Derives the GitHub baseline of a level from the controls its levels
 * require: each `github.*` fact a required control's rule reads is mapped
 * to the setting that decides it, with the rule's own threshold (so a
 * changed threshold changes the baseline). Facts no setting decides leave
 * their control uncovered, with the reason. Pure.
 *
 * @public
 */
export function deriveGithubBaseline(
  options: DeriveGithubBaselineOptions,
): GithubBaseline {
  const config = options.config ?? DEFAULT_GITHUB_BASELINE_CONFIG;
  const index = options.levels.findIndex(l => l.id === options.level);
  if (index < 0) {
    throw new Error(
      `Unknown level "${options.level}"; configured levels: ${
        options.levels.map(l => l.id).join(', ') || 'none'
      }`,
    );
  }
  const levels = options.levels.slice(0, index + 1);
  const byId = new Map(options.controls.map(c => [c.id, c]));
  const known = newRepositoryFacts(options.repository);
  const d = emptyDraft();

  const required: Array<{
    control: Pick<ControlDefinition, 'id' | 'title' | 'rule'>;
    level: string;
  }> = [];
  const seen = new Set<string>();
  for (const level of levels) {
    for (const id of level.requiredControls) {
      const control = byId.get(id);
      if (!control || seen.has(id) || !isGithubControl(control)) continue;
      seen.add(id);
      required.push({ control, level: level.id });
    }
  }

  const solved = required.map(({ control, level }) => {
    const settings = new Set<string>();
    const problems: string[] = [];
    const na = control.rule.notApplicable
      ? holds(control.rule.notApplicable, known)
      : false;
    if (na !== true) {
      // Whether the control applies must be decidable: a feature it is
      // conditional on (alerts need the scanner) is turned on.
      for (const fact of leafFacts(control.rule.notApplicable)) {
        const lever = LEVERS[fact];
        if (lever && !known.has(fact)) {
          lever.apply({ fact, operator: 'equal', value: true }, d, config);
          settings.add(lever.setting);
        }
      }
      solve(control.rule.pass, d, config, known, settings, problems);
    }
    return { control, level, settings, problems };
  });

  const overridden = applyOverrides(d, options.level, config);
  const predicted = predictGithubFacts(d, options.repository);

  const controls: GithubBaselineControl[] = solved.map(
    ({ control, level, settings, problems }) => {
      const na = control.rule.notApplicable
        ? holds(control.rule.notApplicable, predicted)
        : false;
      const pass = holds(control.rule.pass, predicted);
      // Entity facts are the gate's; an undecided GitHub fact makes the
      // control unknown.
      const naOpen =
        na === 'unknown' &&
        leafFacts(control.rule.notApplicable).some(
          f => !f.startsWith('entity.') && !predicted.has(f),
        );
      const covered = na === true || (!naOpen && pass === true);
      const base = {
        controlId: control.id,
        title: control.title,
        level,
        covered,
        settings: [...settings],
      };
      if (covered) return base;
      const blamed = [...settings].filter(s => overridden.includes(s));
      let reason = 'the baseline settings do not make the rule pass';
      if (problems.length > 0) reason = [...new Set(problems)].join('; ');
      else if (blamed.length > 0)
        reason = `overridden in compliance.github.baseline.levels.${
          options.level
        } (${blamed.join(', ')})`;
      return { ...base, reason };
    },
  );

  return { level: options.level, levels: levels.map(l => l.id), ...d, controls };
}
