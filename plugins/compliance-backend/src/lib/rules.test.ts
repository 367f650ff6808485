import { compare, evaluateCondition, EvaluationFact, factIdsOf } from './rules';

const facts = (
  values: Record<string, unknown>,
  unknown: Record<string, string> = {},
) => {
  const map = new Map<string, EvaluationFact>();
  for (const [k, v] of Object.entries(values)) {
    map.set(k, { factId: k, known: true, value: v as any });
  }
  for (const [k, reason] of Object.entries(unknown)) {
    map.set(k, {
      factId: k,
      known: false,
      value: null,
      unknownReason: reason as any,
      message: `${k} failed`,
    });
  }
  return (id: string) => map.get(id);
};

describe('compare', () => {
  it.each([
    ['equal', 'a', 'a', true],
    ['equal', { b: 1, a: 2 }, { a: 2, b: 1 }, true],
    ['notEqual', 1, 2, true],
    ['lessThan', 1, 2, true],
    ['lessThan', '1', 2, false],
    ['lessThanInclusive', 2, 2, true],
    ['greaterThan', 3, 2, true],
    ['greaterThanInclusive', 1, 2, false],
    ['in', 'production', ['production', 'experimental'], true],
    ['in', 'sandbox', ['production'], false],
    ['notIn', 'sandbox', ['production'], true],
    ['contains', ['pci', 'java'], 'pci', true],
    ['contains', 'hello world', 'world', true],
    [
      'contains',
      { 'pagerduty.com/service-id': 'x' },
      'pagerduty.com/service-id',
      true,
    ],
    ['notContains', ['java'], 'pci', true],
    ['matches', 'v1.2.3', '^v\\d+', true],
    ['matches', 'abc', '(', false],
    ['exists', null, undefined, false],
    ['exists', '', undefined, false],
    ['exists', [], undefined, false],
    ['exists', 0, undefined, true],
    ['notExists', null, undefined, true],
    ['lengthGreaterThanInclusive', 'abcd', 4, true],
    ['lengthGreaterThanInclusive', [1], 2, false],
  ] as const)('%s(%j, %j) is %s', (op, actual, expected, want) => {
    expect(compare(op, actual as any, expected as any)).toBe(want);
  });
});

describe('evaluateCondition', () => {
  it('explains which comparison failed', () => {
    const out = evaluateCondition(
      { fact: 'github.approvals', operator: 'greaterThanInclusive', value: 2 },
      facts({ 'github.approvals': 1 }),
    );
    expect(out.truth).toBe(false);
    expect(out.failures).toEqual([
      'expected github.approvals to be at least 2, found 1',
    ]);
  });

  it('is unknown when a fact is unknown, carrying the reason', () => {
    const out = evaluateCondition(
      { fact: 'a', operator: 'equal', value: true },
      facts({}, { a: 'insufficient_permission' }),
    );
    expect(out.truth).toBe('unknown');
    expect(out.unknowns[0].unknownReason).toBe('insufficient_permission');
  });

  it('is unknown with not_collected when a fact was never collected', () => {
    const out = evaluateCondition(
      { fact: 'missing', operator: 'exists' },
      facts({}),
    );
    expect(out.truth).toBe('unknown');
    expect(out.unknowns[0].unknownReason).toBe('not_collected');
  });

  it('all: a known false decides even when another part is unknown', () => {
    const out = evaluateCondition(
      {
        all: [
          { fact: 'a', operator: 'equal', value: true },
          { fact: 'b', operator: 'equal', value: true },
        ],
      },
      facts({ a: false }, { b: 'error' }),
    );
    expect(out.truth).toBe(false);
  });

  it('all: unknown when no part is false and one is unknown', () => {
    const out = evaluateCondition(
      {
        all: [
          { fact: 'a', operator: 'equal', value: true },
          { fact: 'b', operator: 'equal', value: true },
        ],
      },
      facts({ a: true }, { b: 'rate_limited' }),
    );
    expect(out.truth).toBe('unknown');
  });

  it('any: a known true decides even when another part is unknown', () => {
    const out = evaluateCondition(
      {
        any: [
          { fact: 'a', operator: 'equal', value: true },
          { fact: 'b', operator: 'equal', value: true },
        ],
      },
      facts({ a: true }, { b: 'error' }),
    );
    expect(out.truth).toBe(true);
  });

  it('any: false lists every failing part', () => {
    const out = evaluateCondition(
      {
        any: [
          { fact: 'a', operator: 'equal', value: true },
          { fact: 'b', operator: 'equal', value: true },
        ],
      },
      facts({ a: false, b: false }),
    );
    expect(out.truth).toBe(false);
    expect(out.failures).toHaveLength(2);
  });

  it('not inverts known values and keeps unknown', () => {
    expect(
      evaluateCondition(
        { not: { fact: 'a', operator: 'exists' } },
        facts({ a: 'x' }),
      ).truth,
    ).toBe(false);
    expect(
      evaluateCondition(
        { not: { fact: 'a', operator: 'exists' } },
        facts({ a: null }),
      ).truth,
    ).toBe(true);
    expect(
      evaluateCondition(
        { not: { fact: 'a', operator: 'exists' } },
        facts({}, { a: 'error' }),
      ).truth,
    ).toBe('unknown');
  });

  it('collects every fact id a rule reads', () => {
    expect([
      ...factIdsOf({
        all: [
          { fact: 'a', operator: 'exists' },
          { not: { any: [{ fact: 'b', operator: 'exists' }] } },
        ],
      }),
    ]).toEqual(['a', 'b']);
  });
});
