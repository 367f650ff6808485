import {
  controlDefinitionSchema,
  entityRefParamsSchema,
  overviewQuerySchema,
} from './schemas';

describe('entityRefParamsSchema', () => {
  it.each([
    [{ kind: 'component', namespace: 'default', name: 'payments-api' }, true],
    [{ kind: 'component', namespace: 'default', name: 'a.b_c-1' }, true],
    [{ kind: 'component', namespace: 'default', name: 'bad..name' }, false],
    [{ kind: 'component', namespace: 'default', name: '-leading' }, false],
    [{ kind: 'component', namespace: 'default', name: 'x'.repeat(64) }, false],
    [{ kind: '1component', namespace: 'default', name: 'a' }, false],
    [{ kind: 'component', namespace: 'de fault', name: 'a' }, false],
  ])('%j valid: %s', (params, ok) => {
    expect(entityRefParamsSchema.safeParse(params).success).toBe(ok);
  });
});

describe('overviewQuerySchema', () => {
  it('applies defaults and splits lists', () => {
    expect(
      overviewQuerySchema.parse({ owner: 'a, b', kind: ['component'] }),
    ).toEqual({
      owner: ['a', 'b'],
      kind: ['component'],
      sort: 'score',
      order: 'asc',
      page: 1,
      pageSize: 50,
    });
  });

  it('rejects an unknown sort and an oversized page', () => {
    const r = overviewQuerySchema.safeParse({
      sort: 'popularity',
      pageSize: '1000',
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map(i => i.path[0]).sort()).toEqual([
      'pageSize',
      'sort',
    ]);
  });
});

describe('controlDefinitionSchema', () => {
  it('rejects unknown keys and operators', () => {
    const base = {
      id: 'X',
      title: 't',
      category: 'c',
      severity: 'low',
      rule: { pass: { fact: 'f', operator: 'exists' } },
    };
    expect(controlDefinitionSchema.safeParse(base).success).toBe(true);
    expect(
      controlDefinitionSchema.safeParse({ ...base, colour: 'red' }).success,
    ).toBe(false);
    expect(
      controlDefinitionSchema.safeParse({
        ...base,
        rule: { pass: { fact: 'f', operator: 'like' } },
      }).success,
    ).toBe(false);
    expect(
      controlDefinitionSchema.safeParse({
        ...base,
        rule: { pass: { all: [] } },
      }).success,
    ).toBe(false);
  });
});
