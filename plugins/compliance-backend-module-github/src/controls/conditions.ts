import { RuleCondition } from 'backstage-plugin-compliance-common';

/** Where the remediation links of the GitHub controls point. */
export const DOCS = 'https://docs.github.com';

export const is = (
  fact: string,
  value: boolean | string | number,
): RuleCondition => ({
  fact,
  operator: 'equal',
  value,
});
export const atLeast = (fact: string, value: number): RuleCondition => ({
  fact,
  operator: 'greaterThanInclusive',
  value,
});
export const atMost = (fact: string, value: number): RuleCondition => ({
  fact,
  operator: 'lessThanInclusive',
  value,
});

/** Every GitHub control applies to components. */
export const APPLIES_TO = { kinds: ['Component'] };
