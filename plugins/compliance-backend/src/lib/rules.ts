import type {
  FactCondition,
  FactEvidence,
  JsonValue,
  RuleCondition,
  UnknownReason,
} from 'backstage-plugin-compliance-common';
import { stableStringify } from './hash';

/** A fact as the evaluator sees it. */
export interface EvaluationFact {
  factId: string;
  /** False when the fact could not be observed (or was never collected). */
  known: boolean;
  value: JsonValue;
  unknownReason?: UnknownReason;
  message?: string;
  observedAt?: string;
  /** Set when a transient failure kept the last good value. */
  stale?: boolean;
  evidence?: FactEvidence;
}

/** Lookup of facts by id. */
export type FactLookup = (factId: string) => EvaluationFact | undefined;

/** Three-valued truth: true, false, or unknown. */
export type Truth = true | false | 'unknown';

/** The outcome of evaluating a condition. */
export interface ConditionOutcome {
  truth: Truth;
  /** Readable descriptions of the leaf comparisons that made it false. */
  failures: string[];
  /** The unknown facts that made it unknown. */
  unknowns: EvaluationFact[];
  /** Every fact the evaluation read. */
  used: Set<string>;
}

function isFactCondition(c: RuleCondition): c is FactCondition {
  return (c as FactCondition).fact !== undefined;
}

/** All fact ids a condition reads. */
export function factIdsOf(
  condition: RuleCondition | undefined,
  into = new Set<string>(),
) {
  if (!condition) return into;
  if (isFactCondition(condition)) into.add(condition.fact);
  else if ('all' in condition) condition.all.forEach(c => factIdsOf(c, into));
  else if ('any' in condition) condition.any.forEach(c => factIdsOf(c, into));
  else if ('not' in condition) factIdsOf(condition.not, into);
  return into;
}

function show(value: JsonValue | undefined): string {
  const s = stableStringify(value ?? null);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

const OPERATOR_TEXT: Record<FactCondition['operator'], string> = {
  equal: 'to equal',
  notEqual: 'not to equal',
  lessThan: 'to be less than',
  lessThanInclusive: 'to be at most',
  greaterThan: 'to be greater than',
  greaterThanInclusive: 'to be at least',
  in: 'to be one of',
  notIn: 'not to be one of',
  contains: 'to contain',
  notContains: 'not to contain',
  matches: 'to match',
  exists: 'to be set',
  notExists: 'not to be set',
  lengthGreaterThanInclusive: 'to have length at least',
};

/** Values longer than this never match a pattern (bounded regex work). */
const MAX_MATCHED_LENGTH = 10_000;
const patterns = new Map<string, RegExp | undefined>();

/**
 * The compiled pattern, compiled once. Patterns are validated when controls
 * are loaded (`controlDefinitionSchema`), so `undefined` is only reached by
 * a rule that bypassed validation.
 */
function compiledPattern(source: string): RegExp | undefined {
  if (!patterns.has(source)) {
    let compiled: RegExp | undefined;
    try {
      compiled = new RegExp(source);
    } catch {
      compiled = undefined;
    }
    if (patterns.size > 1000) patterns.clear();
    patterns.set(source, compiled);
  }
  return patterns.get(source);
}

/** Compares one fact value; pure and total (bad types compare false). */
export function compare(
  operator: FactCondition['operator'],
  actual: JsonValue,
  expected: JsonValue | undefined,
): boolean {
  switch (operator) {
    case 'equal':
      return stableStringify(actual) === stableStringify(expected ?? null);
    case 'notEqual':
      return stableStringify(actual) !== stableStringify(expected ?? null);
    case 'lessThan':
      return (
        typeof actual === 'number' &&
        typeof expected === 'number' &&
        actual < expected
      );
    case 'lessThanInclusive':
      return (
        typeof actual === 'number' &&
        typeof expected === 'number' &&
        actual <= expected
      );
    case 'greaterThan':
      return (
        typeof actual === 'number' &&
        typeof expected === 'number' &&
        actual > expected
      );
    case 'greaterThanInclusive':
      return (
        typeof actual === 'number' &&
        typeof expected === 'number' &&
        actual >= expected
      );
    case 'in':
      return (
        Array.isArray(expected) &&
        expected.some(e => stableStringify(e) === stableStringify(actual))
      );
    case 'notIn':
      return (
        Array.isArray(expected) &&
        !expected.some(e => stableStringify(e) === stableStringify(actual))
      );
    case 'contains':
    case 'notContains': {
      let has = false;
      if (Array.isArray(actual)) {
        has = actual.some(
          a => stableStringify(a) === stableStringify(expected ?? null),
        );
      } else if (typeof actual === 'string' && typeof expected === 'string') {
        has = actual.includes(expected);
      } else if (
        actual &&
        typeof actual === 'object' &&
        typeof expected === 'string'
      ) {
        has = Object.prototype.hasOwnProperty.call(actual, expected);
      }
      return operator === 'contains' ? has : !has;
    }
    case 'matches': {
      if (typeof actual !== 'string' || typeof expected !== 'string')
        return false;
      const pattern = compiledPattern(expected);
      return (
        pattern !== undefined &&
        actual.length <= MAX_MATCHED_LENGTH &&
        pattern.test(actual)
      );
    }
    case 'exists':
      return (
        actual !== null &&
        actual !== '' &&
        !(Array.isArray(actual) && actual.length === 0)
      );
    case 'notExists':
      return (
        actual === null ||
        actual === '' ||
        (Array.isArray(actual) && actual.length === 0)
      );
    case 'lengthGreaterThanInclusive':
      return (
        (typeof actual === 'string' || Array.isArray(actual)) &&
        typeof expected === 'number' &&
        actual.length >= expected
      );
    default:
      return false;
  }
}

/**
 * Evaluates a condition with Kleene three-valued logic: a comparison on an
 * unknown fact is unknown; `all` is false as soon as one part is false,
 * `any` is true as soon as one part is true.
 */
export function evaluateCondition(
  condition: RuleCondition,
  lookup: FactLookup,
): ConditionOutcome {
  if (isFactCondition(condition)) {
    const used = new Set([condition.fact]);
    const fact = lookup(condition.fact);
    if (!fact || !fact.known) {
      return {
        truth: 'unknown',
        failures: [],
        unknowns: [
          fact ?? {
            factId: condition.fact,
            known: false,
            value: null,
            unknownReason: 'not_collected',
            message: `${condition.fact} has not been collected yet`,
          },
        ],
        used,
      };
    }
    const ok = compare(condition.operator, fact.value, condition.value);
    const expectation =
      condition.operator === 'exists' || condition.operator === 'notExists'
        ? OPERATOR_TEXT[condition.operator]
        : `${OPERATOR_TEXT[condition.operator]} ${show(condition.value)}`;
    return {
      truth: ok,
      failures: ok
        ? []
        : [
            `expected ${condition.fact} ${expectation}, found ${show(
              fact.value,
            )}`,
          ],
      unknowns: [],
      used,
    };
  }
  if ('not' in condition) {
    const inner = evaluateCondition(condition.not, lookup);
    if (inner.truth === 'unknown') return inner;
    return {
      truth: !inner.truth,
      failures: inner.truth
        ? [`expected not (${describe(condition.not)})`]
        : [],
      unknowns: [],
      used: inner.used,
    };
  }
  const parts = ('all' in condition ? condition.all : condition.any).map(c =>
    evaluateCondition(c, lookup),
  );
  const used = new Set<string>();
  parts.forEach(p => p.used.forEach(f => used.add(f)));
  const isAll = 'all' in condition;
  const decisive = parts.filter(p => p.truth === !isAll);
  if (decisive.length > 0) {
    // all: some part is false; any: some part is true.
    return {
      truth: !isAll,
      failures: isAll ? decisive.flatMap(p => p.failures) : [],
      unknowns: [],
      used,
    };
  }
  const unknown = parts.filter(p => p.truth === 'unknown');
  if (unknown.length > 0) {
    return {
      truth: 'unknown',
      failures: [],
      unknowns: unknown.flatMap(p => p.unknowns),
      used,
    };
  }
  return {
    truth: isAll,
    failures: isAll ? [] : parts.flatMap(p => p.failures),
    unknowns: [],
    used,
  };
}

/** A short readable form of a condition. */
export function describe(condition: RuleCondition): string {
  if (isFactCondition(condition)) {
    return condition.operator === 'exists' || condition.operator === 'notExists'
      ? `${condition.fact} ${OPERATOR_TEXT[condition.operator]}`
      : `${condition.fact} ${OPERATOR_TEXT[condition.operator]} ${show(
          condition.value,
        )}`;
  }
  if ('not' in condition) return `not (${describe(condition.not)})`;
  if ('all' in condition) return condition.all.map(describe).join(' and ');
  return condition.any.map(describe).join(' or ');
}
