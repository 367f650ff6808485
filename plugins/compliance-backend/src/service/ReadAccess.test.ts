import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ReadAccess } from './ReadAccess';

function setup(result: AuthorizeResult, readable: string[] = []) {
  let now = 0;
  const catalog = {
    getEntitiesByRefs: jest.fn(
      async (req: { entityRefs: string[] }, _o?: object) => ({
        items: req.entityRefs.map(ref => {
          if (!readable.includes(ref)) return undefined;
          const [kind, rest] = ref.split(':');
          const [namespace, name] = rest.split('/');
          return { kind, metadata: { namespace, name } };
        }),
      }),
    ),
  };
  const authorizeConditional = jest.fn(async (reqs: any[]) =>
    reqs.map(() =>
      result === AuthorizeResult.CONDITIONAL
        ? {
            result,
            pluginId: 'catalog',
            resourceType: 'catalog-entity',
            conditions: {
              rule: 'X',
              resourceType: 'catalog-entity',
              params: {},
            },
          }
        : { result },
    ),
  );
  const permissions = mockServices.permissions.mock({
    authorizeConditional: authorizeConditional as any,
  });
  const access = new ReadAccess({
    catalog: catalog as any,
    permissions,
    ttlMs: 1000,
    clock: () => now,
  });
  return {
    access,
    catalog,
    authorizeConditional,
    tick: (ms: number) => {
      now += ms;
    },
  };
}

const alice = mockCredentials.user('user:default/alice');
const bob = mockCredentials.user('user:default/bob');

describe('ReadAccess', () => {
  it('decides an allow-all or deny-all policy without the catalog, once per TTL', async () => {
    for (const [result, expected] of [
      [AuthorizeResult.ALLOW, true],
      [AuthorizeResult.DENY, false],
    ] as const) {
      const { access, catalog, authorizeConditional, tick } = setup(result);
      expect(await access.canRead('component:default/a', alice)).toBe(expected);
      expect(await access.canRead('component:default/b', alice)).toBe(expected);
      expect(catalog.getEntitiesByRefs).not.toHaveBeenCalled();
      expect(authorizeConditional).toHaveBeenCalledTimes(1);
      tick(1001);
      await access.canRead('component:default/a', alice);
      expect(authorizeConditional).toHaveBeenCalledTimes(2);
    }
  });

  it('batches concurrent conditional checks of one user into one refs-only catalog request', async () => {
    const { access, catalog } = setup(AuthorizeResult.CONDITIONAL, [
      'component:default/a',
      'component:default/c',
    ]);
    const answers = await Promise.all(
      ['a', 'b', 'c', 'a'].map(n =>
        access.canRead(`component:default/${n}`, alice),
      ),
    );
    expect(answers).toEqual([true, false, true, true]);
    expect(catalog.getEntitiesByRefs).toHaveBeenCalledTimes(1);
    expect(catalog.getEntitiesByRefs).toHaveBeenCalledWith(
      {
        entityRefs: [
          'component:default/a',
          'component:default/b',
          'component:default/c',
        ],
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
      },
      { credentials: alice },
    );
  });

  it('caches conditional answers per user for the TTL only', async () => {
    const { access, catalog, tick } = setup(AuthorizeResult.CONDITIONAL, [
      'component:default/a',
    ]);
    expect(await access.canRead('component:default/a', alice)).toBe(true);
    expect(await access.canRead('component:default/a', alice)).toBe(true);
    expect(catalog.getEntitiesByRefs).toHaveBeenCalledTimes(1);
    await access.canRead('component:default/a', bob);
    expect(catalog.getEntitiesByRefs).toHaveBeenCalledTimes(2);
    expect(catalog.getEntitiesByRefs.mock.calls[1][1]).toEqual({
      credentials: bob,
    });
    tick(1001);
    await access.canRead('component:default/a', alice);
    expect(catalog.getEntitiesByRefs).toHaveBeenCalledTimes(3);
  });

  it('does not cache a failed catalog request', async () => {
    const { access, catalog } = setup(AuthorizeResult.CONDITIONAL, [
      'component:default/a',
    ]);
    catalog.getEntitiesByRefs.mockRejectedValueOnce(new Error('catalog down'));
    await expect(access.canRead('component:default/a', alice)).rejects.toThrow(
      'catalog down',
    );
    expect(await access.canRead('component:default/a', alice)).toBe(true);
  });
});
