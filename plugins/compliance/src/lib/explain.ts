import type {
  ControlResultWithControl,
  EntityComplianceSummary,
  UnknownReason,
} from 'backstage-plugin-compliance-common';

/**
 * Pure logic of the Compliance tab's explanations: why coverage is low,
 * unknowns grouped by reason, what to fix first. No React, no I/O.
 */

/** Coverage below which a score is "not enough evidence" by default. */
export const DEFAULT_MIN_COVERAGE = 0.5;

/** The reasons unknown controls are grouped by. */
export type UnknownGroupCode =
  | 'no_credentials'
  | 'no_repo'
  | 'insufficient_permission'
  | 'insufficient_data'
  | 'rate_limited'
  | 'error';

/** Why one control is unknown, structured. */
export interface UnknownCause {
  code: UnknownGroupCode;
  /** The GitHub permission to grant, for example `administration=read`. */
  permission?: string;
  /** The annotation to add, for `no_repo`. */
  annotation?: string;
}

/** The annotation that links an entity to its GitHub repository. */
export const REPOSITORY_ANNOTATION = 'github.com/project-slug';

const PERMISSION = /\b([a-z_]+)=(read|write)\b/gi;

/** Permissions named in a free-text reason ("... (needs administration=read)"). */
export function permissionsIn(text: string): string | undefined {
  const needs = /needs ([^)]*)/i.exec(text);
  if (!needs) return undefined;
  const found = [...needs[1].matchAll(PERMISSION)].map(
    m => `${m[1].toLocaleLowerCase('en-US')}=${m[2].toLocaleLowerCase('en-US')}`,
  );
  return found.length ? [...new Set(found)].sort().join(', ') : undefined;
}

/** Classifies a free-text reason when no reason code came with the result. */
export function classifyReasonText(text: string): UnknownGroupCode {
  const t = text.toLocaleLowerCase('en-US');
  if (/no github credentials|bad credentials|rejected the configured credentials/.test(t))
    return 'no_credentials';
  if (/no github repository|project-slug|no repository/.test(t))
    return 'no_repo';
  if (/permission|not accessible|forbidden|\b403\b|needs [a-z_]+=/.test(t))
    return 'insufficient_permission';
  if (/rate limit/.test(t)) return 'rate_limited';
  if (/failed|error|\b5\d\d\b/.test(t)) return 'error';
  return 'insufficient_data';
}

function codeOf(reason: UnknownReason | string | undefined, text: string) {
  switch (reason) {
    case 'no_credentials':
    case 'no_repo':
    case 'insufficient_permission':
    case 'rate_limited':
    case 'error':
      return reason;
    case 'not_collected':
    case 'feature_unavailable':
      return 'insufficient_data';
    default:
      return classifyReasonText(text);
  }
}

/** Why an unknown result is unknown: its reason code, or its text. */
export function unknownCause(result: ControlResultWithControl): UnknownCause {
  const texts = [
    result.reason ?? '',
    ...result.evidence.map(e => e.message ?? ''),
  ].join('; ');
  const code = codeOf(result.unknownReason, texts) as UnknownGroupCode;
  if (code === 'insufficient_permission') {
    const permission = permissionsIn(texts);
    return permission ? { code, permission } : { code };
  }
  if (code === 'no_repo') return { code, annotation: REPOSITORY_ANNOTATION };
  return { code };
}

/** Unknown controls that share one cause. */
export interface UnknownGroup extends UnknownCause {
  key: string;
  results: ControlResultWithControl[];
  /** Sum of the controls' weights: how much coverage the fix would add. */
  weight: number;
}

/** Unknown results grouped by cause, the group holding most weight first. */
export function groupUnknowns(
  results: ControlResultWithControl[],
): UnknownGroup[] {
  const groups = new Map<string, UnknownGroup>();
  for (const r of results) {
    if (r.status !== 'unknown') continue;
    const cause = unknownCause(r);
    const key = `${cause.code}:${cause.permission ?? ''}`;
    const group = groups.get(key) ?? { ...cause, key, results: [], weight: 0 };
    group.results.push(r);
    group.weight += r.control.weight ?? 0;
    groups.set(key, group);
  }
  return [...groups.values()].sort(
    (a, b) =>
      b.weight - a.weight ||
      b.results.length - a.results.length ||
      a.key.localeCompare(b.key),
  );
}

/**
 * Whether the headline must say "not enough evidence": coverage below the
 * minimum, or nothing known at all.
 */
export function hasEnoughEvidence(
  summary: Pick<EntityComplianceSummary, 'coverage' | 'score'>,
  minCoverage: number = DEFAULT_MIN_COVERAGE,
): boolean {
  return summary.score !== null && summary.coverage >= minCoverage;
}

/** A failing or warning control in fix-first order. */
export interface FixItem {
  result: ControlResultWithControl;
  /** Score points gained by fixing it (0..100 scale, one decimal). */
  gain: number;
  /** Whether it is required by the next level. */
  blocksNextLevel: boolean;
}

/**
 * Failing and warning controls in the order to fix them: those the next
 * level requires first, then by the score points fixing them gains (a fail
 * gains its full weight, a warn half of it), then by title.
 */
export function fixFirst(
  results: ControlResultWithControl[],
  summary?: Pick<EntityComplianceSummary, 'knownWeight' | 'nextLevel'>,
): FixItem[] {
  const known =
    summary?.knownWeight ||
    results
      .filter(r => ['pass', 'warn', 'fail'].includes(r.status))
      .reduce((n, r) => n + (r.control.weight ?? 0), 0);
  const required = new Set(summary?.nextLevel?.missingControls ?? []);
  return results
    .filter(r => r.status === 'fail' || r.status === 'warn')
    .map(result => {
      const lost = result.status === 'fail' ? 1 : 0.5;
      const w = result.control.weight ?? 0;
      return {
        result,
        gain: known > 0 ? Math.round(((w * lost) / known) * 1000) / 10 : 0,
        blocksNextLevel: required.has(result.controlId),
      };
    })
    .sort(
      (a, b) =>
        Number(b.blocksNextLevel) - Number(a.blocksNextLevel) ||
        b.gain - a.gain ||
        a.result.control.title.localeCompare(b.result.control.title),
    );
}

/**
 * A command to check a control locally, where the evidence says how: a
 * GitHub REST source becomes a `gh api` call run in a clone of the
 * repository (gh fills in `{owner}`, `{repo}` and `{branch}`), a catalog
 * fact a look at catalog-info.yaml.
 */
export function localCheck(
  result: ControlResultWithControl,
): string | undefined {
  for (const e of result.evidence) {
    const rest = /^GET\s+\/?(repos\/[^\s?#]+)/.exec(e.evidence?.source ?? '');
    if (rest) return `gh api ${rest[1]}`;
  }
  if (
    result.evidence.some(
      e => e.factId.startsWith('catalog.') || e.evidence?.source === 'catalog',
    )
  ) {
    return 'cat catalog-info.yaml';
  }
  return undefined;
}
