import type {
  ComplianceLevel,
  ControlDefinition,
  JsonValue,
  RuleCondition,
} from 'backstage-plugin-compliance-common';
import { compareValue, holds, isLeaf, leafFacts } from './conditions';
import { Draft, emptyDraft, LEVERS, ruleset, whyNot } from './levers';
import {
  GithubBaselineRepository,
  newRepositoryFacts,
  predictGithubFacts,
} from './predictFacts';
import type {
  GithubBaseline,
  GithubBaselineConfig,
  GithubBaselineControl,
} from './types';

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
    problems.push(...open.map(f => `${f}: ${whyNot(f)}`));
    return;
  }
  problems.push('a negated condition is not something the baseline can set');
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

  return {
    level: options.level,
    levels: levels.map(l => l.id),
    ...d,
    controls,
  };
}
