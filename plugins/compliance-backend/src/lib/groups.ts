import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';

function ref(value: string, namespace: string): string | undefined {
  try {
    return stringifyEntityRef(
      parseEntityRef(value, {
        defaultKind: 'group',
        defaultNamespace: namespace,
      }),
    ).toLocaleLowerCase('en-US');
  } catch {
    return undefined;
  }
}

/**
 * The given groups plus every group below them, following both
 * `spec.children` and `spec.parent` links. Pure; cycles are safe.
 */
export function descendantGroups(roots: string[], groups: Entity[]): string[] {
  const children = new Map<string, Set<string>>();
  const link = (parent: string | undefined, child: string | undefined) => {
    if (!parent || !child) return;
    if (!children.has(parent)) children.set(parent, new Set());
    children.get(parent)!.add(child);
  };
  for (const g of groups) {
    const ns = g.metadata.namespace ?? 'default';
    const self = ref(stringifyEntityRef(g), ns);
    const spec = (g.spec ?? {}) as { parent?: string; children?: string[] };
    if (spec.parent) link(ref(spec.parent, ns), self);
    for (const c of spec.children ?? []) link(self, ref(c, ns));
  }
  const out = new Set<string>();
  const queue = [...roots];
  while (queue.length) {
    const next = queue.shift()!;
    if (out.has(next)) continue;
    out.add(next);
    children.get(next)?.forEach(c => queue.push(c));
  }
  return [...out];
}
