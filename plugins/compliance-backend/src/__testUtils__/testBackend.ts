import {
  createServiceFactory,
  type SchedulerService,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { Knex } from 'knex';
import { compliancePlugin } from '../plugin';

/**
 * The real plugin on a test backend, as the HTTP tests start it: a manual
 * scheduler, the test database, a fake catalog that hides entities from
 * one user, and a catalog read policy that the catalog decides.
 */

/** The user the fake catalog hides entities from. */
export const OUTSIDER = 'user:default/outsider';

/** The mock scheduler with its factory (tasks run only when triggered). */
export type MockScheduler = SchedulerService & {
  factory(options?: {
    skipTaskRunOnStartup?: boolean;
  }): ReturnType<typeof mockServices.scheduler.factory>;
};

/** A conditional decision of the catalog read permission: the catalog decides. */
export const CONDITIONAL_CATALOG_READ = {
  result: AuthorizeResult.CONDITIONAL,
  pluginId: 'catalog',
  resourceType: 'catalog-entity',
  conditions: {
    rule: 'IS_ENTITY_OWNER',
    resourceType: 'catalog-entity',
    params: { claims: [] },
  },
} as const;

/** A policy that allows every permission and lets the catalog decide reads. */
export function conditionalPermissions() {
  return mockServices.permissions.mock({
    authorize: async reqs =>
      reqs.map(() => ({ result: AuthorizeResult.ALLOW })),
    authorizeConditional: async reqs =>
      reqs.map(() => CONDITIONAL_CATALOG_READ) as any,
  });
}

/**
 * The in-memory catalog, except that the outsider reads none of the
 * entities `hidden` names (by entity, by refs, or in queries). Records
 * every call; `empty()` true makes queries answer no entities at all.
 */
export function outsiderCatalog(options: {
  entities: Entity[];
  hidden: (name: string) => boolean;
  empty?: () => boolean;
}) {
  const inner = catalogServiceMock({ entities: options.entities });
  const calls: Array<{ method: string; arg: any }> = [];
  const hides = (opts: any, e: Entity | undefined) =>
    !!e &&
    opts?.credentials?.principal?.userEntityRef === OUTSIDER &&
    options.hidden(e.metadata.name);
  const catalog = {
    ...inner,
    getEntityByRef: async (ref: any, opts: any) => {
      calls.push({ method: 'getEntityByRef', arg: ref });
      const e = await inner.getEntityByRef(ref, opts);
      return hides(opts, e) ? undefined : e;
    },
    getEntitiesByRefs: async (req: any, opts: any) => {
      calls.push({ method: 'getEntitiesByRefs', arg: req });
      const res = await inner.getEntitiesByRefs(req, opts);
      return { items: res.items.map(e => (hides(opts, e) ? undefined : e)) };
    },
    queryEntities: async (req: any, opts: any) => {
      calls.push({ method: 'queryEntities', arg: req });
      const res = await inner.queryEntities(req, opts);
      if (options.empty?.()) return { ...res, items: [], totalItems: 0 };
      return { ...res, items: res.items.filter(e => !hides(opts, e)) };
    },
  } as any;
  return {
    calls,
    factory: createServiceFactory({
      service: catalogServiceRef,
      deps: {},
      factory: () => catalog,
    }),
  };
}

/** The mock actions registry (`registry.invoke`) and its service factory. */
export function mockActionsRegistry() {
  const registry = actionsRegistryServiceMock();
  return {
    registry,
    factory: createServiceFactory({
      service: actionsRegistryServiceRef,
      deps: {},
      factory: () => registry,
    }),
  };
}

/**
 * Starts the compliance plugin on `knex` with a manual scheduler and the
 * given features (catalog, permissions, modules) and `compliance` config.
 * `cycle()` collects the catalog and evaluates.
 */
export async function startCompliance(options: {
  knex: Knex;
  features: NonNullable<Parameters<typeof startTestBackend>[0]['features']>;
  compliance?: JsonObject;
}) {
  const scheduler = mockServices.scheduler() as MockScheduler;
  const backend = await startTestBackend({
    features: [
      compliancePlugin,
      scheduler.factory({ skipTaskRunOnStartup: true }),
      mockServices.database.factory({ knex: options.knex }),
      ...(options.compliance
        ? [
            mockServices.rootConfig.factory({
              data: { compliance: options.compliance },
            }),
          ]
        : []),
      ...options.features,
    ],
  });
  const cycle = async () => {
    await scheduler.triggerTask('compliance:collect:catalog');
    await scheduler.triggerTask('compliance:evaluate');
  };
  return { backend, scheduler, cycle };
}
