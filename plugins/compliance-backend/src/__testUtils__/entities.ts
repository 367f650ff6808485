import type { Entity } from '@backstage/catalog-model';

/** A Component entity in the default namespace (type `service` unless given). */
export const component = (
  name: string,
  spec: Record<string, unknown> = {},
  metadata: Partial<Entity['metadata']> = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', ...metadata },
  spec: { type: 'service', ...spec },
});

/** A Group entity in the default namespace (type `team` unless given). */
export const group = (name: string, spec: Record<string, unknown>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [], ...spec },
});
