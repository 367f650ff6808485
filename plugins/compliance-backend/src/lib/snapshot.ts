import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { createHash } from 'node:crypto';
import type { EntitySnapshot } from './evaluate';

/** The canonical (lower-case) ref the engine keys entities by. */
export function normalizeRef(ref: string): string {
  return ref.toLocaleLowerCase('en-US');
}

function refString(
  value: unknown,
  defaultKind: string,
  namespace: string,
): string | undefined {
  if (typeof value !== 'string' || !value) return undefined;
  const withKind = value.includes(':') ? value : `${defaultKind}:${value}`;
  const withNs = withKind.includes('/')
    ? withKind
    : withKind.replace(':', `:${namespace}/`);
  return normalizeRef(withNs);
}

/** The subset of a catalog entity the engine stores and evaluates against. */
export function toSnapshot(entity: Entity): EntitySnapshot {
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  const namespace = entity.metadata.namespace ?? 'default';
  return {
    entityRef: normalizeRef(stringifyEntityRef(entity)),
    kind: entity.kind.toLocaleLowerCase('en-US'),
    namespace,
    name: entity.metadata.name,
    ...(entity.metadata.title ? { title: entity.metadata.title } : {}),
    ...(typeof spec.type === 'string' ? { type: spec.type } : {}),
    ...(typeof spec.lifecycle === 'string'
      ? { lifecycle: spec.lifecycle }
      : {}),
    ...(refString(spec.owner, 'group', namespace)
      ? { owner: refString(spec.owner, 'group', namespace) }
      : {}),
    ...(refString(spec.system, 'system', namespace)
      ? { system: refString(spec.system, 'system', namespace) }
      : {}),
    tags: [...(entity.metadata.tags ?? [])].sort(),
    annotations: Object.fromEntries(
      Object.entries(entity.metadata.annotations ?? {})
        .filter(
          ([k]) =>
            !k.startsWith('backstage.io/managed-by') &&
            k !== 'backstage.io/view-url' &&
            k !== 'backstage.io/edit-url',
        )
        .sort(([a], [b]) => a.localeCompare(b)),
    ),
  };
}

/** Stable shard number of an entity ref. */
export function shardOf(entityRef: string, count: number): number {
  if (count <= 1) return 0;
  return (
    parseInt(
      createHash('sha256').update(entityRef).digest('hex').slice(0, 8),
      16,
    ) % count
  );
}
