import type { AuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { sourceRepositoryOf } from '../lib/sourceRepository';
import type {
  CollectedFact,
  ComplianceCollector,
} from 'backstage-plugin-compliance-node';

/** Pure: the catalog facts of one entity, given which refs exist. */
export function catalogFactsFor(
  entity: Entity,
  existing: Set<string>,
  options: { onCallAnnotations: string[]; sourceHosts: string[] },
): CollectedFact[] {
  const entityRef = stringifyEntityRef(entity);
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  const annotations = entity.metadata.annotations ?? {};
  const facts: CollectedFact[] = [];
  const put = (factId: string, value: CollectedFact['value']) =>
    facts.push({ entityRef, factId, value, evidence: { source: 'catalog' } });

  const ownerRef = refOrNull(spec.owner, 'group', entity.metadata.namespace);
  put('catalog.owner.ref', ownerRef);
  put('catalog.owner.kind', ownerRef ? parseEntityRef(ownerRef).kind : null);
  put('catalog.owner.exists', ownerRef ? existing.has(ownerRef) : false);

  put(
    'catalog.lifecycle',
    typeof spec.lifecycle === 'string' ? spec.lifecycle : null,
  );

  const systemRef = refOrNull(spec.system, 'system', entity.metadata.namespace);
  put('catalog.system.ref', systemRef);
  put('catalog.system.exists', systemRef ? existing.has(systemRef) : false);

  put(
    'catalog.description.length',
    (entity.metadata.description ?? '').trim().length,
  );
  put(
    'catalog.techdocs',
    Boolean(
      annotations['backstage.io/techdocs-ref'] ||
        annotations['backstage.io/techdocs-entity'],
    ),
  );
  put(
    'catalog.oncall',
    options.onCallAnnotations.some(a => Boolean(annotations[a])),
  );

  const source = sourceRepositoryOf(annotations, options.sourceHosts);
  put('catalog.sourceRepo.kind', source.kind);
  put('catalog.sourceRepo.problem', source.problem ?? null);
  return facts;
}

function refOrNull(
  value: unknown,
  defaultKind: string,
  namespace?: string,
): string | null {
  if (typeof value !== 'string' || !value.trim()) return null;
  try {
    return stringifyEntityRef(
      parseEntityRef(value, {
        defaultKind,
        defaultNamespace: namespace ?? 'default',
      }),
    ).toLocaleLowerCase('en-US');
  } catch {
    return null;
  }
}

/** The built-in catalog collector: ownership, lifecycle, system, docs, on-call, source. */
export function createCatalogCollector(options: {
  catalog: CatalogService;
  auth: AuthService;
  onCallAnnotations: string[];
  /** Hosts of the configured integrations (github.com at least). */
  sourceHosts: string[];
}): ComplianceCollector {
  return {
    id: 'catalog',
    title: 'Catalog metadata',
    defaultSchedule: {
      frequency: { minutes: 10 },
      timeout: { minutes: 10 },
      initialDelay: { seconds: 5 },
    },
    batchSize: 200,
    facts: [
      {
        id: 'catalog.owner.ref',
        type: 'string',
        description: 'The owner entity ref',
      },
      {
        id: 'catalog.owner.kind',
        type: 'string',
        description: 'Kind of the owner (group, user)',
      },
      {
        id: 'catalog.owner.exists',
        type: 'boolean',
        description: 'The owner exists in the catalog',
      },
      {
        id: 'catalog.lifecycle',
        type: 'string',
        description: 'spec.lifecycle',
      },
      {
        id: 'catalog.system.ref',
        type: 'string',
        description: 'The system entity ref',
      },
      {
        id: 'catalog.system.exists',
        type: 'boolean',
        description: 'The system exists in the catalog',
      },
      {
        id: 'catalog.description.length',
        type: 'number',
        description: 'Length of metadata.description',
      },
      {
        id: 'catalog.techdocs',
        type: 'boolean',
        description: 'A TechDocs annotation is present',
      },
      {
        id: 'catalog.oncall',
        type: 'boolean',
        description: 'An on-call annotation is present',
      },
      {
        id: 'catalog.sourceRepo.kind',
        type: 'string',
        description:
          'How the source repository is declared: project-slug, source-location, managed-by-location, invalid, none',
      },
      {
        id: 'catalog.sourceRepo.problem',
        type: 'string',
        description:
          'Why the declared source repository is invalid (null when valid or absent)',
      },
    ],
    async collect(entities, context) {
      const refs = new Set<string>();
      for (const e of entities) {
        const spec = (e.spec ?? {}) as Record<string, unknown>;
        const owner = refOrNull(spec.owner, 'group', e.metadata.namespace);
        const system = refOrNull(spec.system, 'system', e.metadata.namespace);
        if (owner) refs.add(owner);
        if (system) refs.add(system);
      }
      const existing = new Set<string>();
      if (refs.size > 0) {
        const credentials =
          context?.credentials ??
          (await options.auth.getOwnServiceCredentials());
        const list = [...refs];
        const { items } = await options.catalog.getEntitiesByRefs(
          {
            entityRefs: list,
            fields: ['kind', 'metadata.name', 'metadata.namespace'],
          },
          { credentials },
        );
        items.forEach((item, i) => {
          if (item) existing.add(list[i]);
        });
      }
      return entities.flatMap(e =>
        catalogFactsFor(e, existing, {
          onCallAnnotations: options.onCallAnnotations,
          sourceHosts: options.sourceHosts,
        }),
      );
    },
  };
}
