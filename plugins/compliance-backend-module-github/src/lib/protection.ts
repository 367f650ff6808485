import { UnknownReason } from 'backstage-plugin-compliance-common';

/**
 * Classic branch protection settings, as `GET …/branches/{b}/protection`
 * returns them (flattened).
 *
 * @public
 */
export interface ClassicProtectionSettings {
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
}

/**
 * The part of classic protection any reader can see (GraphQL
 * `Ref.refUpdateRule`).
 *
 * @public
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
 *
 * @public
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
 * One active ruleset rule that applies to the branch (GraphQL `Ref.rules`).
 *
 * @public
 */
export interface BranchRule {
  /** GraphQL `RepositoryRuleType`, e.g. `PULL_REQUEST`, `NON_FAST_FORWARD`. */
  type: string;
  rulesetId?: number | string;
  /** Bypass actors of the rule's ruleset; `null` when hidden from the reader. */
  bypassActors?: number | null;
  parameters?: {
    requiredApprovingReviewCount?: number;
    requireCodeOwnerReview?: boolean;
    dismissStaleReviewsOnPush?: boolean;
    requireLastPushApproval?: boolean;
    strictRequiredStatusChecksPolicy?: boolean;
    requiredStatusChecks?: Array<{ context: string }>;
  } | null;
}

/**
 * The active rules, or why they could not be read.
 *
 * @public
 */
export type BranchRules =
  | { state: 'known'; rules: BranchRule[] }
  | { state: 'unknown'; reason: UnknownReason; message: string };

/**
 * One effective setting: a value with where it comes from, or unknown.
 *
 * @public
 */
export type EffectiveSetting<T> =
  | { known: true; value: T; sources: string[] }
  | { known: false; reason: UnknownReason; message: string };

/**
 * Effective default-branch protection: classic protection merged with
 * active rulesets, the most restrictive value winning.
 *
 * @public
 */
export interface EffectiveProtection {
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
}

type Part<T> =
  | { known: true; value: T; source: string }
  | { known: false; reason: UnknownReason; message: string };

const known = <T>(value: T, source: string): Part<T> => ({
  known: true,
  value,
  source,
});

function firstUnknown<T>(parts: Part<T>[]) {
  return parts.find(p => !p.known) as Extract<Part<T>, { known: false }>;
}

/** Any source restrictive ⇒ true; otherwise unknown if a source is unknown. */
function anyTrue(parts: Part<boolean>[]): EffectiveSetting<boolean> {
  const yes = parts.filter(
    (p): p is Extract<Part<boolean>, { known: true }> => p.known && p.value,
  );
  if (yes.length) {
    return { known: true, value: true, sources: yes.map(p => p.source) };
  }
  const unknown = firstUnknown(parts);
  if (unknown) {
    return { known: false, reason: unknown.reason, message: unknown.message };
  }
  return { known: true, value: false, sources: [] };
}

/** Largest value; unknown if a source is unknown (it might be larger). */
function maxOf(parts: Part<number>[]): EffectiveSetting<number> {
  const unknown = firstUnknown(parts);
  if (unknown) {
    return { known: false, reason: unknown.reason, message: unknown.message };
  }
  let value = 0;
  let sources: string[] = [];
  for (const p of parts as Array<Extract<Part<number>, { known: true }>>) {
    if (p.value > value) {
      value = p.value;
      sources = [p.source];
    } else if (p.value === value && value > 0) {
      sources.push(p.source);
    }
  }
  return { known: true, value, sources };
}

/** Every part must hold; an unknown part makes it unknown unless one fails. */
function allTrue(parts: Part<boolean>[]): EffectiveSetting<boolean> {
  const no = parts.find(p => p.known && !p.value);
  if (no && no.known) {
    return { known: true, value: false, sources: [no.source] };
  }
  const unknown = firstUnknown(parts);
  if (unknown) {
    return { known: false, reason: unknown.reason, message: unknown.message };
  }
  if (!parts.length) {
    return { known: true, value: false, sources: [] };
  }
  return {
    known: true,
    value: true,
    sources: parts.map(p => (p.known ? p.source : '')),
  };
}

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
 *
 * @public
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

/** A REST branch protection body, loosely typed. */
interface RestProtectionBody {
  required_status_checks?: {
    strict?: boolean;
    contexts?: string[];
    checks?: Array<{ context: string }>;
  } | null;
  required_pull_request_reviews?: {
    required_approving_review_count?: number;
    dismiss_stale_reviews?: boolean;
    require_code_owner_reviews?: boolean;
    require_last_push_approval?: boolean;
  } | null;
  enforce_admins?: { enabled?: boolean } | null;
  allow_force_pushes?: { enabled?: boolean } | null;
  allow_deletions?: { enabled?: boolean } | null;
  required_signatures?: { enabled?: boolean } | null;
}

/**
 * Reads the REST branch protection body into classic settings.
 *
 * @public
 */
export function parseClassicProtection(
  body: unknown,
): ClassicProtectionSettings {
  const b = (body ?? {}) as RestProtectionBody;
  const reviews = b.required_pull_request_reviews;
  const checks = b.required_status_checks;
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
    enforceAdmins: Boolean(b.enforce_admins?.enabled),
    allowForcePushes: Boolean(b.allow_force_pushes?.enabled),
    allowDeletions: Boolean(b.allow_deletions?.enabled),
    requiredSignatures: Boolean(b.required_signatures?.enabled),
  };
}
