import { UnknownReason } from 'backstage-plugin-compliance-common';
import {
  allTrue,
  anyTrue,
  EffectiveSetting,
  known,
  maxOf,
  Part,
} from './effectiveSetting';

/**
 * Classic branch protection settings, as `GET …/branches/{b}/protection`
 * returns them (flattened).
 */
export type ClassicProtectionSettings = {
  requiredApprovals: number;
  codeOwnerReviews: boolean;
  dismissStaleReviews: boolean;
  lastPushApproval: boolean;
  requiredStatusChecks: string[];
  strictStatusChecks: boolean;
  enforceAdmins: boolean;
  allowForcePushes: boolean;
  allowDeletions: boolean;
  requiredSignatures: boolean;
};

/**
 * The part of classic protection any reader can see (GraphQL
 * `Ref.refUpdateRule`).
 */
export interface VisibleProtection {
  allowsDeletions: boolean;
  allowsForcePushes: boolean;
  requiredApprovingReviewCount?: number | null;
  requiredStatusCheckContexts?: string[] | null;
  requiresCodeOwnerReviews: boolean;
  requiresSignatures: boolean;
}

/**
 * What is known about classic protection.
 */
export type ClassicProtection =
  | { state: 'protected'; settings: ClassicProtectionSettings }
  | { state: 'none' }
  | {
      state: 'unknown';
      reason: UnknownReason;
      message: string;
      /** The non-admin view; `null` when it shows no rule, absent when not read. */
      visible?: VisibleProtection | null;
    };

/**
 * Parameters of a ruleset rule (GraphQL `PullRequestParameters`,
 * `RequiredStatusChecksParameters`).
 */
export type RuleParameters = {
  requiredApprovingReviewCount?: number;
  requireCodeOwnerReview?: boolean;
  dismissStaleReviewsOnPush?: boolean;
  requireLastPushApproval?: boolean;
  strictRequiredStatusChecksPolicy?: boolean;
  requiredStatusChecks?: Array<{ context: string }>;
};

/**
 * One active ruleset rule that applies to the branch (GraphQL `Ref.rules`).
 */
export interface BranchRule {
  /** GraphQL `RepositoryRuleType`, e.g. `PULL_REQUEST`, `NON_FAST_FORWARD`. */
  type: string;
  rulesetId?: number | string;
  /** Bypass actors of the rule's ruleset; `null` when hidden from the reader. */
  bypassActors?: number | null;
  parameters?: RuleParameters | null;
}

/**
 * The active rules, or why they could not be read.
 */
export type BranchRules =
  | { state: 'known'; rules: BranchRule[] }
  | { state: 'unknown'; reason: UnknownReason; message: string };

/**
 * Effective default-branch protection: classic protection merged with
 * active rulesets, the most restrictive value winning.
 */
export type EffectiveProtection = {
  protected: EffectiveSetting<boolean>;
  forcePushesBlocked: EffectiveSetting<boolean>;
  deletionsBlocked: EffectiveSetting<boolean>;
  requiredApprovals: EffectiveSetting<number>;
  codeOwnerReviewRequired: EffectiveSetting<boolean>;
  staleReviewsDismissed: EffectiveSetting<boolean>;
  requiredStatusChecks: EffectiveSetting<number>;
  strictStatusChecks: EffectiveSetting<boolean>;
  adminsEnforced: EffectiveSetting<boolean>;
  requiresSignatures: EffectiveSetting<boolean>;
};

type ClassicField = keyof EffectiveProtection;

function classicPart<T>(
  classic: ClassicProtection,
  field: ClassicField,
  fromSettings: (s: ClassicProtectionSettings) => T,
  none: T,
  fromVisible?: (v: VisibleProtection | null) => T,
): Part<T> {
  if (classic.state === 'protected') {
    return known(fromSettings(classic.settings), 'classic');
  }
  if (classic.state === 'none') {
    return known(none, 'classic');
  }
  if (fromVisible && classic.visible !== undefined) {
    return known(fromVisible(classic.visible), 'classic');
  }
  return {
    known: false,
    reason: classic.reason,
    message: `${field}: ${classic.message}`,
  };
}

function rulesetName(rule: BranchRule) {
  return rule.rulesetId !== undefined ? `ruleset:${rule.rulesetId}` : 'ruleset';
}

function ruleParts<T>(
  rules: BranchRules,
  pick: (rule: BranchRule) => T | undefined,
  none: T,
): Part<T>[] {
  if (rules.state === 'unknown') {
    return [{ known: false, reason: rules.reason, message: rules.message }];
  }
  const parts: Part<T>[] = [];
  for (const rule of rules.rules) {
    const value = pick(rule);
    if (value !== undefined) {
      parts.push(known(value, rulesetName(rule)));
    }
  }
  return parts.length ? parts : [known(none, 'rulesets')];
}

/**
 * Merges classic protection with active ruleset rules for one branch.
 * Missing permission on one source never turns into a weaker answer: an
 * unknown source makes a setting unknown unless another source already
 * proves the restrictive value.
 */
export function mergeEffectiveProtection(
  classic: ClassicProtection,
  rules: BranchRules,
): EffectiveProtection {
  const hasRules = rules.state === 'known' && rules.rules.length > 0;
  const pr = (r: BranchRule) =>
    r.type === 'PULL_REQUEST' ? r.parameters ?? {} : undefined;

  let isProtected: EffectiveSetting<boolean>;
  const visibleRule =
    classic.state === 'unknown' && classic.visible ? true : false;
  if (classic.state === 'protected' || hasRules || visibleRule) {
    const sources = [
      ...(classic.state === 'protected' || visibleRule ? ['classic'] : []),
      ...(rules.state === 'known'
        ? [...new Set(rules.rules.map(rulesetName))]
        : []),
    ];
    isProtected = { known: true, value: true, sources };
  } else if (classic.state === 'unknown' && classic.visible === undefined) {
    isProtected = {
      known: false,
      reason: classic.reason,
      message: classic.message,
    };
  } else if (rules.state === 'unknown') {
    isProtected = {
      known: false,
      reason: rules.reason,
      message: rules.message,
    };
  } else {
    isProtected = { known: true, value: false, sources: [] };
  }

  const adminParts: Part<boolean>[] = [];
  if (classic.state === 'protected') {
    adminParts.push(known(classic.settings.enforceAdmins, 'classic'));
  } else if (classic.state === 'unknown') {
    adminParts.push({
      known: false,
      reason: classic.reason,
      message: `adminsEnforced: ${classic.message}`,
    });
  }
  if (rules.state === 'known') {
    const seen = new Set<string>();
    for (const rule of rules.rules) {
      const name = rulesetName(rule);
      if (seen.has(name)) continue;
      seen.add(name);
      if (rule.bypassActors === null || rule.bypassActors === undefined) {
        adminParts.push({
          known: false,
          reason: 'insufficient_permission',
          message: `adminsEnforced: the bypass list of ${name} is hidden from these credentials`,
        });
      } else {
        adminParts.push(known(rule.bypassActors === 0, name));
      }
    }
  } else {
    adminParts.push({
      known: false,
      reason: rules.reason,
      message: rules.message,
    });
  }
  let adminsEnforced = allTrue(adminParts);
  if (isProtected.known && !isProtected.value) {
    adminsEnforced = { known: true, value: false, sources: [] };
  }

  return {
    protected: isProtected,
    forcePushesBlocked: anyTrue([
      classicPart(
        classic,
        'forcePushesBlocked',
        s => !s.allowForcePushes,
        false,
        v => (v ? !v.allowsForcePushes : false),
      ),
      ...ruleParts(
        rules,
        r => (r.type === 'NON_FAST_FORWARD' ? true : undefined),
        false,
      ),
    ]),
    deletionsBlocked: anyTrue([
      classicPart(
        classic,
        'deletionsBlocked',
        s => !s.allowDeletions,
        false,
        v => (v ? !v.allowsDeletions : false),
      ),
      ...ruleParts(
        rules,
        r => (r.type === 'DELETION' ? true : undefined),
        false,
      ),
    ]),
    requiredApprovals: maxOf([
      classicPart(
        classic,
        'requiredApprovals',
        s => s.requiredApprovals,
        0,
        v => v?.requiredApprovingReviewCount ?? 0,
      ),
      ...ruleParts(
        rules,
        r => {
          const p = pr(r);
          return p ? p.requiredApprovingReviewCount ?? 0 : undefined;
        },
        0,
      ),
    ]),
    codeOwnerReviewRequired: anyTrue([
      classicPart(
        classic,
        'codeOwnerReviewRequired',
        s => s.codeOwnerReviews,
        false,
        v => v?.requiresCodeOwnerReviews ?? false,
      ),
      ...ruleParts(
        rules,
        r => pr(r)?.requireCodeOwnerReview ?? undefined,
        false,
      ),
    ]),
    staleReviewsDismissed: anyTrue([
      classicPart(
        classic,
        'staleReviewsDismissed',
        s => s.dismissStaleReviews || s.lastPushApproval,
        false,
      ),
      ...ruleParts(
        rules,
        r => {
          const p = pr(r);
          return p
            ? Boolean(p.dismissStaleReviewsOnPush || p.requireLastPushApproval)
            : undefined;
        },
        false,
      ),
    ]),
    requiredStatusChecks: maxOf([
      classicPart(
        classic,
        'requiredStatusChecks',
        s => s.requiredStatusChecks.length,
        0,
        v => v?.requiredStatusCheckContexts?.length ?? 0,
      ),
      ...ruleParts(
        rules,
        r =>
          r.type === 'REQUIRED_STATUS_CHECKS'
            ? r.parameters?.requiredStatusChecks?.length ?? 0
            : undefined,
        0,
      ),
    ]),
    strictStatusChecks: anyTrue([
      classicPart(
        classic,
        'strictStatusChecks',
        s => s.strictStatusChecks && s.requiredStatusChecks.length > 0,
        false,
      ),
      ...ruleParts(
        rules,
        r =>
          r.type === 'REQUIRED_STATUS_CHECKS'
            ? Boolean(r.parameters?.strictRequiredStatusChecksPolicy)
            : undefined,
        false,
      ),
    ]),
    adminsEnforced,
    requiresSignatures: anyTrue([
      classicPart(
        classic,
        'requiresSignatures',
        s => s.requiredSignatures,
        false,
        v => v?.requiresSignatures ?? false,
      ),
      ...ruleParts(
        rules,
        r => (r.type === 'REQUIRED_SIGNATURES' ? true : undefined),
        false,
      ),
    ]),
  };
}
