import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { ScmIntegrations } from '@backstage/integration';
import { resolveGithubRepository } from './repository';

const integrations = ScmIntegrations.fromConfig(
  new ConfigReader({
    integrations: {
      github: [
        { host: 'github.com', token: 'x' },
        {
          host: 'ghe.example.com',
          apiBaseUrl: 'https://ghe.example.com/api/v3',
        },
      ],
      gitlab: [{ host: 'gitlab.com' }],
    },
  }),
);

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'svc', annotations },
  spec: {},
});

describe('resolveGithubRepository', () => {
  it('reads the project slug on github.com', () => {
    expect(
      resolveGithubRepository(
        entity({ 'github.com/project-slug': 'acme/payments' }),
        integrations,
      ),
    ).toEqual({
      ref: {
        host: 'github.com',
        owner: 'acme',
        repo: 'payments',
        source: 'project-slug',
      },
    });
  });

  it('takes the host of a GitHub Enterprise source location for a slug', () => {
    expect(
      resolveGithubRepository(
        entity({
          'github.com/project-slug': 'team/api',
          'backstage.io/source-location':
            'url:https://ghe.example.com/team/api/tree/main/',
        }),
        integrations,
      ),
    ).toMatchObject({
      ref: { host: 'ghe.example.com', owner: 'team', repo: 'api' },
    });
  });

  it('falls back to a source location on a configured GitHub host', () => {
    expect(
      resolveGithubRepository(
        entity({
          'backstage.io/source-location': 'url:https://github.com/acme/web.git',
        }),
        integrations,
      ),
    ).toEqual({
      ref: {
        host: 'github.com',
        owner: 'acme',
        repo: 'web',
        source: 'source-location',
      },
    });
  });

  it('ignores non-GitHub and malformed locations', () => {
    expect(
      resolveGithubRepository(
        entity({
          'backstage.io/source-location': 'url:https://gitlab.com/acme/web',
        }),
        integrations,
      ),
    ).toBeUndefined();
    expect(
      resolveGithubRepository(
        entity({ 'backstage.io/source-location': 'dir:./here' }),
        integrations,
      ),
    ).toBeUndefined();
    expect(resolveGithubRepository(entity({}), integrations)).toBeUndefined();
  });
});

describe('slugs GitHub would refuse', () => {
  const problemOf = (annotations: Record<string, string>) => {
    const resolved = resolveGithubRepository(entity(annotations), integrations);
    return resolved && 'problem' in resolved ? resolved.problem : undefined;
  };

  it.each([
    ['acme/.', /"\." is not a valid GitHub repository name/],
    ['acme/..', /"\.\." is not a valid GitHub repository name/],
    ['../orgs', /"\.\." is not a valid GitHub owner/],
    ['-acme/payments', /"-acme" is not a valid GitHub owner/],
    ['acme-/payments', /"acme-" is not a valid GitHub owner/],
    ['ac--me/payments', /"ac--me" is not a valid GitHub owner/],
    [`${'o'.repeat(40)}/payments`, /is not a valid GitHub owner \(1-39/],
    [`acme/${'r'.repeat(101)}`, /is not a valid GitHub repository name/],
    ['acme/pay ments', /"pay ments" is not a valid GitHub repository name/],
    ['payments', /"payments" is not owner\/repo/],
    ['acme/payments/extra', /is not owner\/repo/],
    ['acme/', /"" is not a valid GitHub repository name/],
    ['not a slug', /is not owner\/repo/],
  ])('refuses %j with a message naming the problem', (slug, message) => {
    expect(problemOf({ 'github.com/project-slug': slug })).toMatch(message);
  });

  it('accepts names at the limits of the rules', () => {
    for (const slug of [
      `${'o'.repeat(39)}/${'r'.repeat(100)}`,
      'a/b',
      'a-b-c/.github',
      'Acme/my_repo.js',
      'acme/payments.git',
    ]) {
      expect(
        resolveGithubRepository(
          entity({ 'github.com/project-slug': slug }),
          integrations,
        ),
      ).toHaveProperty('ref');
    }
  });

  it('applies the same rules to a source location', () => {
    expect(
      problemOf({
        'backstage.io/source-location': 'url:https://github.com/-acme/web',
      }),
    ).toMatch(
      /backstage.io\/source-location: "-acme" is not a valid GitHub owner/,
    );
    expect(
      problemOf({
        'backstage.io/source-location':
          'url:https://github.com/acme/pay%20ments',
      }),
    ).toMatch(/not a valid GitHub repository name/);
    expect(
      problemOf({
        'backstage.io/source-location': 'url:https://github.com/acme/%E0%A4%A',
      }),
    ).toMatch(/not a valid URL path/);
  });
});

describe('repository policy', () => {
  const resolve = (
    annotations: Record<string, string>,
    policy: Parameters<typeof resolveGithubRepository>[2],
  ) => resolveGithubRepository(entity(annotations), integrations, policy);

  it('collects only repositories of the allowed owners (case-insensitive)', () => {
    const policy = { allowedOwners: ['Acme', 'platform'] };
    expect(
      resolve({ 'github.com/project-slug': 'acme/payments' }, policy),
    ).toHaveProperty('ref');
    expect(
      resolve({ 'github.com/project-slug': 'evil/payments' }, policy),
    ).toEqual({
      problem:
        'The owner "evil" is not in compliance.github.allowedOwners; evil/payments is not collected',
    });
    expect(
      resolve(
        { 'backstage.io/source-location': 'url:https://github.com/evil/web' },
        policy,
      ),
    ).toHaveProperty('problem');
  });

  it('requires a slug to match the source location when asked to', () => {
    const policy = { requireSourceLocationMatch: true };
    const location = 'url:https://github.com/acme/payments/tree/main/svc';
    expect(
      resolve(
        {
          'github.com/project-slug': 'ACME/Payments',
          'backstage.io/source-location': location,
        },
        policy,
      ),
    ).toHaveProperty('ref');
    expect(
      resolve(
        {
          'github.com/project-slug': 'acme/other',
          'backstage.io/source-location': location,
        },
        policy,
      ),
    ).toEqual({
      problem:
        'github.com/project-slug "acme/other" does not match the repository acme/payments of backstage.io/source-location (compliance.github.requireSourceLocationMatch)',
    });
    // a location that names no GitHub repository cannot confirm the slug
    expect(
      resolve(
        {
          'github.com/project-slug': 'acme/payments',
          'backstage.io/source-location':
            'url:https://gitlab.com/acme/payments',
        },
        policy,
      ),
    ).toHaveProperty('problem', expect.stringMatching(/cannot be confirmed/));
    // without a source location the slug stands
    expect(
      resolve({ 'github.com/project-slug': 'acme/payments' }, policy),
    ).toHaveProperty('ref');
    // off by default
    expect(
      resolve(
        {
          'github.com/project-slug': 'acme/other',
          'backstage.io/source-location': location,
        },
        {},
      ),
    ).toHaveProperty('ref');
  });
});
