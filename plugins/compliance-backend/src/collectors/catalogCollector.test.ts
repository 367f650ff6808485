import type { Entity } from '@backstage/catalog-model';
import { catalogFactsFor, createCatalogCollector } from './catalogCollector';

const options = {
  onCallAnnotations: ['pagerduty.com/service-id'],
  sourceHosts: ['github.com'],
};

const facts = (entity: Entity, existing: string[] = []) =>
  Object.fromEntries(
    catalogFactsFor(entity, new Set(existing), options).map(f => [
      f.factId,
      f.value,
    ]),
  );

describe('catalogFactsFor', () => {
  it('resolves owner and system refs relative to the entity namespace', () => {
    const entity: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'svc',
        namespace: 'payments',
        description: 'A service that does things well',
        annotations: {
          'github.com/project-slug': 'org/svc',
          'backstage.io/techdocs-ref': 'dir:.',
          'pagerduty.com/service-id': 'P1',
        },
      },
      spec: { owner: 'team-a', system: 'core', lifecycle: 'production' },
    };
    expect(facts(entity, ['group:payments/team-a'])).toEqual({
      'catalog.owner.ref': 'group:payments/team-a',
      'catalog.owner.kind': 'group',
      'catalog.owner.exists': true,
      'catalog.lifecycle': 'production',
      'catalog.system.ref': 'system:payments/core',
      'catalog.system.exists': false,
      'catalog.description.length': 31,
      'catalog.techdocs': true,
      'catalog.oncall': true,
      'catalog.sourceRepo.kind': 'project-slug',
      'catalog.sourceRepo.problem': null,
    });
  });

  it('reports missing metadata as facts, not as errors', () => {
    const entity: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'bare',
        annotations: {
          'backstage.io/managed-by-location':
            'url:https://github.com/org/catalog/blob/main/all.yaml',
        },
      },
      spec: { owner: 'user:someone' },
    };
    expect(facts(entity)).toMatchObject({
      'catalog.owner.kind': 'user',
      'catalog.owner.exists': false,
      'catalog.lifecycle': null,
      'catalog.system.ref': null,
      'catalog.description.length': 0,
      'catalog.techdocs': false,
      'catalog.oncall': false,
      'catalog.sourceRepo.kind': 'managed-by-location',
    });
  });

  it('treats a malformed owner ref as no owner', () => {
    const entity: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'x' },
      spec: { owner: 'group:default/' },
    };
    expect(facts(entity)['catalog.owner.ref']).toBeNull();
  });
});

describe('catalogFactsFor source repository', () => {
  const withAnnotations = (annotations: Record<string, string>): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'svc', annotations },
    spec: {},
  });

  it('reports an invalid slug or a foreign host as invalid with the reason', () => {
    const slug = facts(
      withAnnotations({ 'github.com/project-slug': 'payments' }),
    );
    expect(slug['catalog.sourceRepo.kind']).toBe('invalid');
    expect(slug['catalog.sourceRepo.problem']).toContain('owner/repo');
    const host = facts(
      withAnnotations({
        'backstage.io/source-location':
          'url:https://github.com.evil.example/acme/payments/',
      }),
    );
    expect(host['catalog.sourceRepo.kind']).toBe('invalid');
    expect(host['catalog.sourceRepo.problem']).toContain(
      'github.com.evil.example',
    );
  });

  it('reads the caller credentials when it collects on their behalf', async () => {
    const getEntitiesByRefs = jest.fn(async () => ({ items: [undefined] }));
    const getOwnServiceCredentials = jest.fn();
    const collector = createCatalogCollector({
      catalog: { getEntitiesByRefs } as any,
      auth: { getOwnServiceCredentials } as any,
      onCallAnnotations: [],
      sourceHosts: ['github.com'],
    });
    const caller = { $$type: '@backstage/BackstageCredentials' } as any;
    const entity = { ...withAnnotations({}), spec: { owner: 'team-secret' } };
    const out = await collector.collect([entity], {
      credentials: caller,
    } as any);
    expect(getEntitiesByRefs).toHaveBeenCalledWith(expect.anything(), {
      credentials: caller,
    });
    expect(getOwnServiceCredentials).not.toHaveBeenCalled();
    expect(out.find(f => f.factId === 'catalog.owner.exists')?.value).toBe(
      false,
    );
  });
});
