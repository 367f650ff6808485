import { sourceRepositoryOf } from './sourceRepository';

const hosts = ['github.com', 'ghe.example.com'];
const of = (annotations: Record<string, string>) =>
  sourceRepositoryOf(annotations, hosts);

describe('sourceRepositoryOf', () => {
  it.each([
    'acme/payments',
    'a/b',
    'acme-inc/payments.api_v2',
    `${'a'.repeat(39)}/${'r'.repeat(100)}`,
  ])('accepts the slug %s', slug => {
    expect(of({ 'github.com/project-slug': slug })).toEqual({
      kind: 'project-slug',
      slug,
    });
  });

  it.each([
    'payments',
    '../user',
    '<img src=x onerror=alert(1)>/payments',
    'acme/..',
    'acme/.',
    '../orgs',
    '-acme/payments',
    'acme-/payments',
    'ac--me/payments',
    `${'a'.repeat(40)}/payments`,
    `acme/${'r'.repeat(101)}`,
    'acme/pay ments',
    'acme/payments/extra',
  ])('rejects the slug %s with a reason', slug => {
    const r = of({ 'github.com/project-slug': slug });
    expect(r.kind).toBe('invalid');
    expect(r.problem).toMatch(/project-slug/);
  });

  it.each([
    ['url:https://github.com/acme/payments/tree/main/', 'acme/payments'],
    ['url:https://GHE.example.com/acme/payments.git', 'acme/payments'],
  ])('accepts the source location %s', (location, slug) => {
    expect(of({ 'backstage.io/source-location': location })).toEqual({
      kind: 'source-location',
      slug,
    });
  });

  it.each([
    ['url:javascript:alert(1)', 'http'],
    ['url:https://github.com.evil.example/acme/payments/', 'not a configured'],
    ['url:https://evil.example/github.com/acme/payments', 'not a configured'],
    ['url:https://github.com/acme', 'repository name'],
    ['url:not a url', 'not a URL'],
    ['file:/tmp/catalog-info.yaml', 'not a url'],
  ])('rejects the source location %s', (location, why) => {
    const r = of({ 'backstage.io/source-location': location });
    expect(r.kind).toBe('invalid');
    expect(r.problem).toContain(why);
  });

  it('falls back to the catalog file location, on a configured host only', () => {
    expect(
      of({
        'backstage.io/managed-by-location':
          'url:https://github.com/acme/payments/blob/main/catalog-info.yaml',
      }),
    ).toEqual({ kind: 'managed-by-location', slug: 'acme/payments' });
    expect(
      of({
        'backstage.io/managed-by-location':
          'url:https://evil.example/acme/payments/catalog-info.yaml',
      }).kind,
    ).toBe('none');
    expect(of({}).kind).toBe('none');
  });
});
