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
      host: 'github.com',
      owner: 'acme',
      repo: 'payments',
      source: 'project-slug',
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
    ).toMatchObject({ host: 'ghe.example.com', owner: 'team', repo: 'api' });
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
      host: 'github.com',
      owner: 'acme',
      repo: 'web',
      source: 'source-location',
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
    expect(
      resolveGithubRepository(
        entity({ 'github.com/project-slug': 'not a slug' }),
        integrations,
      ),
    ).toBeUndefined();
    expect(resolveGithubRepository(entity({}), integrations)).toBeUndefined();
  });
});
