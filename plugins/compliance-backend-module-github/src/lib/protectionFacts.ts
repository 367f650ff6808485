import { RepositoryNode } from '../client/repositoryQuery';
import { GITHUB_FACTS as F } from '../githubFactIds';
import { fieldError, GraphqlErrorEntry } from './classify';
import { FactSink, sha256Of } from './factSink';
import {
  BranchRules,
  ClassicProtection,
  EffectiveProtection,
  mergeEffectiveProtection,
  VisibleProtection,
} from './protection';

/** The fact of every effective protection setting. */
const SETTING_FACTS: ReadonlyArray<[keyof EffectiveProtection, string]> = [
  ['protected', F.protected],
  ['forcePushesBlocked', F.forcePushesBlocked],
  ['deletionsBlocked', F.deletionsBlocked],
  ['requiredApprovals', F.requiredApprovals],
  ['codeOwnerReviewRequired', F.codeOwnerReviewRequired],
  ['staleReviewsDismissed', F.staleReviewsDismissed],
  ['requiredStatusChecks', F.requiredStatusChecks],
  ['strictStatusChecks', F.strictStatusChecks],
  ['adminsEnforced', F.adminsEnforced],
  ['requiresSignatures', F.requiresSignatures],
];

/** Every fact of the default branch's protection. */
export const PROTECTION_FACT_IDS: readonly string[] = [
  ...SETTING_FACTS.map(([, id]) => id),
  F.protection,
];

/**
 * The non-admin view of classic protection (GraphQL `refUpdateRule`):
 * `null` when it shows no rule, `undefined` when GraphQL could not read it.
 */
export function visibleProtection(
  node: RepositoryNode,
  errors: readonly GraphqlErrorEntry[],
): VisibleProtection | null | undefined {
  if (fieldError(errors, 'defaultBranchRef', 'refUpdateRule')) {
    return undefined;
  }
  return node.defaultBranchRef?.refUpdateRule ?? null;
}

/** The active ruleset rules of the default branch (GraphQL `Ref.rules`). */
export function branchRules(
  node: RepositoryNode,
  errors: readonly GraphqlErrorEntry[],
): BranchRules {
  const nodes = fieldError(errors, 'defaultBranchRef', 'rules')
    ? undefined
    : node.defaultBranchRef?.rules?.nodes;
  if (!nodes) {
    return {
      state: 'unknown',
      reason: 'insufficient_permission',
      message:
        'Ruleset rules for the default branch are not visible to these credentials',
    };
  }
  return {
    state: 'known',
    rules: nodes.map(r => ({
      type: r.type,
      rulesetId: r.repositoryRuleset?.databaseId ?? undefined,
      bypassActors: r.repositoryRuleset?.bypassActors?.totalCount ?? null,
      parameters: r.parameters ?? null,
    })),
  };
}

/**
 * The effective protection facts of a default branch: classic protection
 * merged with ruleset rules, every setting with its sources, and the whole
 * picture with the branch.
 */
export function deriveProtectionFacts(input: {
  branch: string;
  classic: ClassicProtection;
  rules: BranchRules;
  repoUrl: string;
}): FactSink {
  const { branch, classic, rules } = input;
  const sink = new FactSink();
  const url = `${input.repoUrl}/settings/branches`;
  const effective = mergeEffectiveProtection(classic, rules);
  for (const [setting, id] of SETTING_FACTS) {
    const value = effective[setting];
    if (value.known) {
      const source = value.sources.length
        ? value.sources.join(', ')
        : 'no protection';
      sink.set(id, value.value, { source, url });
    } else {
      sink.unknown(id, value.reason, value.message, { url });
    }
  }
  if (
    classic.state === 'unknown' &&
    (classic.reason === 'error' || classic.reason === 'rate_limited')
  ) {
    // Transient: keep the last complete picture rather than a partial one.
    sink.unknown(F.protection, classic.reason, classic.message, { url });
  } else {
    const summary = { branch, classic: classic.state, ...effective };
    sink.set(F.protection, summary, {
      source: 'classic protection + rulesets',
      url,
      sha256: sha256Of(summary),
    });
  }
  return sink;
}
