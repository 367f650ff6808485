import type { Entity } from '@backstage/catalog-model';
import type {
  CollectorContext,
  ComplianceCollector,
} from 'backstage-plugin-compliance-node';
import type { ControlDefinition } from 'backstage-plugin-compliance-common';

/**
 * A deterministic synthetic catalog and two phase-driven test collectors,
 * shared by the multi-replica and crash tests (and the crash worker, which
 * runs outside jest: nothing here may use jest).
 */

const pad = (i: number) => String(i).padStart(5, '0');

/** The name of the i-th synthetic component. */
export const componentName = (i: number) => `svc-${pad(i)}`;

/** The index of a synthetic component from its name or ref; -1 otherwise. */
export function componentIndex(nameOrRef: string): number {
  const m = /svc-(\d+)$/.exec(nameOrRef);
  return m ? Number(m[1]) : -1;
}

/**
 * `components` Component entities plus their groups and systems. Owners,
 * lifecycles, descriptions and annotations vary so every catalog control
 * sees pass, warn and fail.
 */
export function syntheticEntities(
  components: number,
  options: { groups?: number; systems?: number } = {},
): Entity[] {
  const groups = options.groups ?? 12;
  const systems = options.systems ?? 5;
  const out: Entity[] = [];
  for (let g = 0; g < groups; g++) {
    out.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: `team-${g}`, namespace: 'default' },
      spec: { type: 'team', children: [] },
    });
  }
  for (let s = 0; s < systems; s++) {
    out.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: {
        name: `sys-${s}`,
        namespace: 'default',
        description: `Synthetic system number ${s} for the hardening tests`,
      },
      spec: { owner: `group:default/team-${s % groups}` },
    });
  }
  const lifecycles = ['production', 'experimental', 'deprecated', 'legacy'];
  for (let i = 0; i < components; i++) {
    let owner = `group:default/team-${i % groups}`;
    if (i % 17 === 0) owner = 'group:default/ghost-team';
    else if (i % 13 === 0) owner = 'user:default/someone';
    const annotations: Record<string, string> = {};
    if (i % 2 === 0) annotations['backstage.io/techdocs-ref'] = 'dir:.';
    if (i % 3 === 0) annotations['pagerduty.com/service-id'] = `P${i}`;
    if (i % 5 !== 0) {
      annotations['github.com/project-slug'] = `org/${componentName(i)}`;
    }
    out.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: componentName(i),
        namespace: 'default',
        ...(i % 4 !== 0
          ? {
              description: `Synthetic service ${i} serving the hardening suite`,
            }
          : {}),
        annotations,
      },
      spec: {
        type: 'service',
        lifecycle: lifecycles[i % lifecycles.length],
        owner,
        ...(i % 6 !== 0 ? { system: `sys-${i % (systems + 1)}` } : {}),
      },
    });
  }
  return out;
}

/** The value of `scanner.clean` for component i in a phase. */
export const scannerClean = (i: number, phase: number) => (i + phase) % 3 !== 0;
/** The value of `sharded.level` for component i in a phase. */
export const shardedLevel = (i: number, phase: number) => (i * 7 + phase) % 3;

/** One call of a phase collector, as the tests count them. */
export interface CollectCall {
  collectorId: string;
  phase: number;
  refs: string[];
  /** Absent on a refresh; the scheduler's signal on a scheduled run. */
  signal?: AbortSignal;
}

/**
 * Two collectors whose values depend on the current phase (the "external
 * system" the collectors read): `scanner` (run unsharded in the tests) and
 * `sharded` (run in shards).
 */
export function phaseCollectors(options: {
  phase: () => number;
  onCall?: (call: CollectCall, context: CollectorContext) => void;
  /** Wait this many milliseconds in every call, so runs overlap. */
  delayMs?: number;
}): ComplianceCollector[] {
  const make = (
    id: string,
    factId: string,
    type: 'boolean' | 'number',
    value: (i: number, phase: number) => boolean | number,
  ): ComplianceCollector => ({
    id,
    facts: [{ id: factId, type, description: `${id} test fact` }],
    batchSize: 50,
    filter: e => e.kind === 'Component',
    async collect(batch, context) {
      const phase = options.phase();
      const refs = batch.map(e =>
        `component:default/${e.metadata.name}`.toLocaleLowerCase('en-US'),
      );
      options.onCall?.(
        { collectorId: id, phase, refs, signal: context.signal },
        context,
      );
      if (options.delayMs) {
        await new Promise(r => setTimeout(r, options.delayMs));
      }
      return refs.map(entityRef => ({
        entityRef,
        factId,
        value: value(componentIndex(entityRef), phase),
      }));
    },
  });
  return [
    make('scanner', 'scanner.clean', 'boolean', scannerClean),
    make('sharded', 'sharded.level', 'number', shardedLevel),
  ];
}

/** The controls over the phase collectors' facts. */
export const phaseControls: ControlDefinition[] = [
  {
    id: 'SCAN-01',
    title: 'No scanner findings',
    description: 'The synthetic scanner reports the entity clean',
    category: 'security',
    severity: 'high',
    rule: { pass: { fact: 'scanner.clean', operator: 'equal', value: true } },
    frameworks: { soc2: ['CC7.1'] },
  },
  {
    id: 'SHARD-01',
    title: 'Sharded level reached',
    description: 'The synthetic sharded source reports level 2',
    category: 'security',
    severity: 'medium',
    rule: {
      pass: {
        fact: 'sharded.level',
        operator: 'greaterThanInclusive',
        value: 2,
      },
      warn: {
        fact: 'sharded.level',
        operator: 'greaterThanInclusive',
        value: 1,
      },
    },
    frameworks: { openssf: ['Synthetic'] },
  },
];
