import type { Entity } from '@backstage/catalog-model';
import type { ControlDefinition } from 'backstage-plugin-compliance-common';
import type { EntitySnapshot } from '../lib/evaluate';

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

/** The snapshot of a bare component `svc`: no type, lifecycle, tags or annotations. */
export const svcSnapshot: EntitySnapshot = {
  entityRef: 'component:default/svc',
  kind: 'component',
  namespace: 'default',
  name: 'svc',
  tags: [],
  annotations: {},
};

/** BP-04: passes with two or more approvals (`github.approvals`). */
export const approvalsControl: ControlDefinition = {
  id: 'BP-04',
  title: 'Approvals required',
  description: '',
  category: 'branch-protection',
  severity: 'critical',
  rule: {
    pass: {
      fact: 'github.approvals',
      operator: 'greaterThanInclusive',
      value: 2,
    },
  },
};
