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
 * The parent → child links of groups, from both `spec.parent` and
 * `spec.children` (canonical, lower-case refs). Pure; bad refs are skipped.
 */
export function groupEdges(
  groups: Entity[],
): Array<{ parent: string; child: string }> {
  const out = new Map<string, { parent: string; child: string }>();
  const link = (parent: string | undefined, child: string | undefined) => {
    if (!parent || !child) return;
    out.set(`${parent}\u0000${child}`, { parent, child });
  };
  for (const g of groups) {
    const ns = g.metadata.namespace ?? 'default';
    const self = ref(stringifyEntityRef(g), ns);
    const spec = (g.spec ?? {}) as { parent?: unknown; children?: unknown };
    if (typeof spec.parent === 'string') link(ref(spec.parent, ns), self);
    if (Array.isArray(spec.children)) {
      for (const c of spec.children) {
        if (typeof c === 'string') link(self, ref(c, ns));
      }
    }
  }
  return [...out.values()];
}

/**
 * The given groups plus every group below them, following both
 * `spec.children` and `spec.parent` links. Pure; cycles are safe.
 */
export function descendantGroups(roots: string[], groups: Entity[]): string[] {
  return descendantsFromEdges(roots, groupEdges(groups));
}

/** The given groups plus every group below them along the links. Pure; cycles are safe. */
export function descendantsFromEdges(
  roots: string[],
  edges: Array<{ parent: string; child: string }>,
): string[] {
  const children = new Map<string, Set<string>>();
  for (const { parent, child } of edges) {
    if (!children.has(parent)) children.set(parent, new Set());
    children.get(parent)!.add(child);
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
