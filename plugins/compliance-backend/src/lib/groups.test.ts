import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import { descendantGroups } from './groups';

const group = (name: string, spec: JsonObject): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec,
});

describe('descendantGroups', () => {
  it('includes child groups by spec.children and spec.parent, and survives cycles', () => {
    const groups = [
      group('engineering', { children: ['commerce'] }),
      group('commerce', { children: ['payments'] }),
      group('payments', {}),
      group('storefront', { parent: 'commerce' }),
      group('loop', { parent: 'payments', children: ['commerce'] }),
      group('other', {}),
    ];
    expect(descendantGroups(['group:default/commerce'], groups).sort()).toEqual(
      [
        'group:default/commerce',
        'group:default/loop',
        'group:default/payments',
        'group:default/storefront',
      ],
    );
  });
});
