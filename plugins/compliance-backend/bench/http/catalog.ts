/*
 * The generated catalog and the synthetic controls and collector of the
 * HTTP benchmark (bench/http.ts).
 */
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { Entity } from '@backstage/catalog-model';
import type { ControlDefinition } from 'backstage-plugin-compliance-common';

export const DEPARTMENTS = 5;
export const TEAMS = 50;
export const SYSTEMS = 20;
export const SYNTHETIC_CONTROLS = 30;

/** The name of the i-th generated component. */
export const componentName = (i: number) => `svc-${String(i).padStart(6, '0')}`;

/** Groups (an org, departments, teams below them), systems and n components. */
export function generateCatalog(n: number): Entity[] {
  const out: Entity[] = [];
  const group = (name: string, spec: Record<string, unknown>) =>
    out.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name, namespace: 'default' },
      spec: { type: 'team', children: [], ...spec },
    });
  group('org', {
    type: 'organization',
    children: Array.from({ length: DEPARTMENTS }, (_, d) => `dept-${d}`),
  });
  for (let d = 0; d < DEPARTMENTS; d++) {
    group(`dept-${d}`, { type: 'department', parent: 'org' });
  }
  for (let t = 0; t < TEAMS; t++) {
    group(`team-${String(t).padStart(2, '0')}`, {
      parent: `dept-${t % DEPARTMENTS}`,
    });
  }
  for (let s = 0; s < SYSTEMS; s++) {
    out.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name: `sys-${s}`, namespace: 'default' },
      spec: { owner: `team-${String(s % TEAMS).padStart(2, '0')}` },
    });
  }
  const lifecycles = ['production', 'experimental', 'deprecated'];
  for (let i = 0; i < n; i++) {
    const name = componentName(i);
    out.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name,
        namespace: 'default',
        title: `Service ${i} of team ${i % TEAMS}`,
        ...(i % 4
          ? { description: `Synthetic service ${i} for the HTTP benchmark` }
          : {}),
        annotations: {
          ...(i % 5 ? { 'github.com/project-slug': `org/${name}` } : {}),
          ...(i % 2 ? { 'backstage.io/techdocs-ref': 'dir:.' } : {}),
        },
      },
      spec: {
        type: 'service',
        lifecycle: lifecycles[i % lifecycles.length],
        owner: `group:default/team-${String(i % TEAMS).padStart(2, '0')}`,
        system: `sys-${i % SYSTEMS}`,
      },
    });
  }
  return out;
}

/** The value of synthetic fact `f` of component `seed` on a simulated day. */
export function factValue(seed: number, f: number, day = 0): number {
  return (seed * 31 + f * 17 + day * 37) % 100;
}

/** The evidence of a synthetic fact, shaped like a collector's. */
export const factEvidence = (ref: string, f: number) => ({
  source: 'bench',
  url: `https://example.test/${ref}/${f}`,
});

/** The synthetic collector's facts for a batch of components. */
export function collectFacts(batch: Entity[]) {
  return batch.flatMap(e => {
    const ref = stringifyEntityRef(e).toLocaleLowerCase('en-US');
    const seed = Number(e.metadata.name.slice(4));
    return Array.from({ length: SYNTHETIC_CONTROLS }, (_, i) => ({
      entityRef: ref,
      factId: `bench.f${i}`,
      value: factValue(seed, i),
      evidence: factEvidence(ref, i),
    }));
  });
}

export function syntheticFacts() {
  return Array.from({ length: SYNTHETIC_CONTROLS }, (_, i) => ({
    id: `bench.f${i}`,
    type: 'number' as const,
    description: 'synthetic',
  }));
}

export function syntheticControls(): ControlDefinition[] {
  return Array.from({ length: SYNTHETIC_CONTROLS }, (_, i) => ({
    id: `BENCH-${String(i).padStart(2, '0')}`,
    title: `Synthetic control ${i}`,
    description: 'benchmark control',
    category: (['security', 'branch-protection', 'ci', 'repository'] as const)[
      i % 4
    ],
    severity: (['critical', 'high', 'medium', 'low'] as const)[i % 4],
    rule: {
      pass: {
        fact: `bench.f${i}`,
        operator: 'greaterThanInclusive' as const,
        value: 40,
      },
      warn: {
        fact: `bench.f${i}`,
        operator: 'greaterThanInclusive' as const,
        value: 20,
      },
    },
    frameworks: (i % 2
      ? { soc2: ['CC8.1'], openssf: ['Branch-Protection'] }
      : { iso27001: ['A.8.32'] }) as Record<string, string[]>,
  }));
}
