import type {
  FactCondition,
  JsonValue,
  RuleCondition,
} from 'backstage-plugin-compliance-common';

/** Whether a rule condition is a leaf comparison. */
export function isLeaf(c: RuleCondition): c is FactCondition {
  return (c as FactCondition).fact !== undefined;
}

function same(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * Compares a predicted value the way the rule language does. Only used to
 * explain coverage; the backend's evaluation stays the judge (a test feeds
 * every baseline's predictions to it).
 */
export function compareValue(
  operator: FactCondition['operator'],
  actual: JsonValue,
  expected: JsonValue | undefined,
): boolean | 'unknown' {
  const num = typeof actual === 'number' && typeof expected === 'number';
  switch (operator) {
    case 'equal':
      return same(actual, expected);
    case 'notEqual':
      return !same(actual, expected);
    case 'lessThan':
      return num && (actual as number) < (expected as number);
    case 'lessThanInclusive':
      return num && (actual as number) <= (expected as number);
    case 'greaterThan':
      return num && (actual as number) > (expected as number);
    case 'greaterThanInclusive':
      return num && (actual as number) >= (expected as number);
    case 'in':
      return Array.isArray(expected) && expected.some(e => same(e, actual));
    case 'notIn':
      return Array.isArray(expected) && !expected.some(e => same(e, actual));
    case 'contains':
      return Array.isArray(actual) && actual.some(a => same(a, expected));
    case 'exists':
      return actual !== null && actual !== undefined;
    default:
      // Operators no GitHub control uses: no prediction.
      return 'unknown';
  }
}

/**
 * Three-valued truth of a condition over predicted facts: a fact that is
 * not predicted makes its leaf unknown.
 */
export function holds(
  condition: RuleCondition,
  facts: ReadonlyMap<string, JsonValue>,
): boolean | 'unknown' {
  if (isLeaf(condition)) {
    if (!facts.has(condition.fact)) return 'unknown';
    return compareValue(
      condition.operator,
      facts.get(condition.fact)!,
      condition.value,
    );
  }
  if ('all' in condition) {
    let unknown = false;
    for (const c of condition.all) {
      const t = holds(c, facts);
      if (t === false) return false;
      if (t === 'unknown') unknown = true;
    }
    return unknown ? 'unknown' : true;
  }
  if ('any' in condition) {
    let unknown = false;
    for (const c of condition.any) {
      const t = holds(c, facts);
      if (t === true) return true;
      if (t === 'unknown') unknown = true;
    }
    return unknown ? 'unknown' : false;
  }
  const t = holds(condition.not, facts);
  return t === 'unknown' ? 'unknown' : !t;
}

/** Every leaf fact id of a condition. */
export function leafFacts(condition: RuleCondition | undefined): string[] {
  if (!condition) return [];
  if (isLeaf(condition)) return [condition.fact];
  if ('all' in condition) return condition.all.flatMap(leafFacts);
  if ('any' in condition) return condition.any.flatMap(leafFacts);
  return leafFacts(condition.not);
}
