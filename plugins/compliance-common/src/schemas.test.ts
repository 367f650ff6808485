import {
  controlDefinitionSchema,
  entityRefParamsSchema,
  evaluateRequestSchema,
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

describe('evaluateRequestSchema', () => {
  const entity = (metadata: object = {}, spec: object = {}) => ({
    entity: {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'new-svc', ...metadata },
      spec: { type: 'service', ...spec },
    },
  });

  it('accepts a proposed entity and keeps fields it does not know', () => {
    const parsed = evaluateRequestSchema.parse(
      entity({ tags: ['java'], annotations: { a: 'b' }, custom: 1 }),
    );
    expect(parsed.entity.metadata).toMatchObject({ custom: 1, tags: ['java'] });
  });

  it.each([
    [{ tags: 5 }, {}, 'tags'],
    [{ tags: ['x'.repeat(64)] }, {}, 'tags'],
    [{ description: 5 }, {}, 'description'],
    [{ title: { a: 1 } }, {}, 'title'],
    [{ annotations: { a: 5 } }, {}, 'annotations'],
    [{ annotations: 'a' }, {}, 'annotations'],
    [{}, { owner: 5 }, 'owner'],
    [{}, { lifecycle: ['production'] }, 'lifecycle'],
    [{}, { owner: 'x'.repeat(300) }, 'owner'],
  ])('rejects metadata %j spec %j naming %s', (metadata, spec, named) => {
    const parsed = evaluateRequestSchema.safeParse(entity(metadata, spec));
    expect(parsed.success).toBe(false);
    expect(
      parsed.success ? [] : parsed.error.issues.map(i => i.path.join('.')),
    ).toEqual(expect.arrayContaining([expect.stringContaining(named)]));
  });
});

describe('overviewQuerySchema bounds', () => {
  it.each(['1e19', '-1', '0', '1.5', 'NaN', '100001'])(
    'rejects page=%s',
    page => {
      expect(overviewQuerySchema.safeParse({ page }).success).toBe(false);
    },
  );
});
