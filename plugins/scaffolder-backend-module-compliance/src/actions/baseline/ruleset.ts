import type { GithubBaselineRuleset } from 'backstage-plugin-compliance-backend-module-github';

/** A repository ruleset as GitHub's REST API shapes it. */
export interface RestRuleset {
  id?: number;
  name: string;
  target?: string;
  enforcement: string;
  conditions?: { ref_name?: { include?: string[]; exclude?: string[] } } | null;
  bypass_actors?: Array<{
    actor_id: number | null;
    actor_type: string;
    bypass_mode: string;
  }>;
  rules?: Array<{ type: string; parameters?: Record<string, unknown> }>;
}

/** The body that creates or updates the baseline ruleset. */
export function rulesetBody(rs: GithubBaselineRuleset): RestRuleset {
  const rules: NonNullable<RestRuleset['rules']> = [];
  if (rs.blockDeletions) rules.push({ type: 'deletion' });
  if (rs.blockForcePushes) rules.push({ type: 'non_fast_forward' });
  if (rs.requireSignatures) rules.push({ type: 'required_signatures' });
  if (rs.requirePullRequest) {
    rules.push({
      type: 'pull_request',
      parameters: {
        required_approving_review_count: rs.requiredApprovals,
        require_code_owner_review: rs.requireCodeOwnerReview,
        dismiss_stale_reviews_on_push: rs.dismissStaleReviews,
        require_last_push_approval: false,
        required_review_thread_resolution: false,
      },
    });
  }
  if (rs.requiredStatusChecks.length > 0) {
    rules.push({
      type: 'required_status_checks',
      parameters: {
        strict_required_status_checks_policy: rs.strictStatusChecks,
        required_status_checks: rs.requiredStatusChecks.map(context => ({
          context,
        })),
      },
    });
  }
  return {
    name: rs.name,
    target: 'branch',
    enforcement: 'active',
    conditions: { ref_name: { include: ['~DEFAULT_BRANCH'], exclude: [] } },
    bypass_actors: rs.bypassActors.map(a => ({
      actor_id: a.actorId,
      actor_type: a.actorType,
      bypass_mode: a.bypassMode,
    })),
    rules,
  };
}

/** One ruleset setting, current and target, as the plan shows it. */
export interface RulesetSetting {
  setting: string;
  current: string;
  target: string;
}

function describe(r: RestRuleset | undefined) {
  const rule = (type: string) => r?.rules?.find(x => x.type === type);
  const pr = rule('pull_request')?.parameters ?? {};
  const checks = rule('required_status_checks')?.parameters ?? {};
  const contexts = (
    (checks.required_status_checks as Array<{ context: string }>) ?? []
  )
    .map(c => c.context)
    .sort();
  const on = (b: unknown) => (b ? 'on' : 'off');
  return {
    'ruleset.enforcement': r ? r.enforcement : 'absent',
    'ruleset.target': r
      ? (r.conditions?.ref_name?.include ?? []).join(',') || 'none'
      : 'absent',
    'ruleset.blockDeletions': on(rule('deletion')),
    'ruleset.blockForcePushes': on(rule('non_fast_forward')),
    'ruleset.requireSignatures': on(rule('required_signatures')),
    'ruleset.requirePullRequest': on(rule('pull_request')),
    'ruleset.requiredApprovals': String(
      pr.required_approving_review_count ?? 0,
    ),
    'ruleset.requireCodeOwnerReview': on(pr.require_code_owner_review),
    'ruleset.dismissStaleReviews': on(pr.dismiss_stale_reviews_on_push),
    'ruleset.requiredStatusChecks': contexts.join(',') || 'none',
    'ruleset.strictStatusChecks': on(
      checks.strict_required_status_checks_policy,
    ),
    'ruleset.bypassActors':
      (r?.bypass_actors ?? [])
        .map(a => `${a.actor_type}:${a.actor_id ?? '-'}:${a.bypass_mode}`)
        .sort()
        .join(',') || 'none',
  };
}

/** The ruleset settings of the plan: each current value against the target. */
export function rulesetSettings(
  current: RestRuleset | undefined,
  target: RestRuleset,
): RulesetSetting[] {
  const now = describe(current);
  const want = describe(target);
  return (Object.keys(want) as Array<keyof typeof want>).map(setting => ({
    setting,
    current: now[setting],
    target: want[setting],
  }));
}
