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

describe('controlDefinitionSchema rule checks', () => {
  const control = (rule: object, extra: object = {}) => ({
    id: 'X-1',
    title: 'X',
    category: 'c',
    severity: 'low',
    rule,
    ...extra,
  });
  const messages = (input: unknown) => {
    const parsed = controlDefinitionSchema.safeParse(input);
    return parsed.success
      ? []
      : parsed.error.issues.map(i => `${i.path.join('.')}: ${i.message}`);
  };

  it('rejects an invalid or over-long matches pattern, naming where it is', () => {
    expect(
      messages(
        control({
          pass: { any: [{ fact: 'f', operator: 'matches', value: '([a-z' }] },
        }),
      ),
    ).toEqual([
      expect.stringMatching(
        /^rule\.pass\.any\.0\.value: invalid regular expression/,
      ),
    ]);
    expect(
      messages(
        control({
          warn: { fact: 'f', operator: 'matches', value: 'a'.repeat(501) },
          pass: { fact: 'f', operator: 'exists' },
        }),
      ),
    ).toEqual([expect.stringContaining('rule.warn.value')]);
    expect(
      messages(
        control({ pass: { fact: 'f', operator: 'matches', value: '^ok$' } }),
      ),
    ).toEqual([]);
  });

  it('rejects rules nested deeper than 12 levels', () => {
    let deep: object = { fact: 'f', operator: 'exists' };
    for (let i = 0; i < 12; i++) deep = { not: deep };
    expect(messages(control({ pass: deep }))).toEqual([
      expect.stringContaining('nest at most 12'),
    ]);
  });

  it('accepts only http(s) remediation links', () => {
    // Built from parts: each must be refused as a remediation link.
    const hostile = [
      ['java', 'script:alert(1)'],
      ['data', ':text/html,x'],
      ['ftp', '://x/y'],
    ].map(parts => parts.join(''));
    for (const url of hostile) {
      expect(
        messages(
          control(
            { pass: { fact: 'f', operator: 'exists' } },
            { remediation: { text: 't', url } },
          ),
        ),
      ).not.toEqual([]);
    }
    expect(
      messages(
        control(
          { pass: { fact: 'f', operator: 'exists' } },
          { remediation: { text: 't', url: 'https://docs.example.com/fix' } },
        ),
      ),
    ).toEqual([]);
  });
});
