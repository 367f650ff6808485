import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { InputError, NotFoundError } from '@backstage/errors';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { complianceReportReadPermission } from 'backstage-plugin-compliance-common';
import type { ComplianceStore } from '../database/ComplianceStore';
import type { ComplianceEngine } from '../service/ComplianceEngine';
import { normalizeRef } from '../lib/snapshot';

/**
 * Registers actions-registry actions (usable by MCP clients and agents):
 * an entity's compliance with its failing controls and how to fix them.
 */
export function createComplianceActions(options: {
  actionsRegistry: ActionsRegistryService;
  catalog: CatalogService;
  store: ComplianceStore;
  engine: ComplianceEngine;
}) {
  const { actionsRegistry, catalog, store, engine } = options;

  actionsRegistry.register({
    name: 'get-entity-compliance',
    title: 'Get the compliance of a catalog entity',
    description:
      'Returns the compliance score, coverage and level of a catalog entity, and every control that is not passing with its reason and remediation. Unknown controls say why they could not be evaluated.',
    visibilityPermission: complianceReportReadPermission,
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          entityRef: z
            .string()
            .describe(
              'Entity reference, for example component:default/payments-api',
            ),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          score: z.number().nullable(),
          coverage: z.number(),
          level: z.string().nullable(),
          evaluatedAt: z.string().nullable(),
          notPassing: z.array(
            z.object({
              controlId: z.string(),
              title: z.string(),
              severity: z.string(),
              status: z.string(),
              reason: z.string(),
              remediation: z.string().optional(),
            }),
          ),
        }),
    },
    examples: [
      {
        title: 'Compliance of the payments API',
        input: { entityRef: 'component:default/payments-api' },
      },
    ],
    action: async ({ input, credentials }) => {
      let ref: string;
      try {
        ref = normalizeRef(
          stringifyEntityRef(
            parseEntityRef(input.entityRef, {
              defaultKind: 'component',
              defaultNamespace: 'default',
            }),
          ),
        );
      } catch (e) {
        throw new InputError(
          `Invalid entityRef "${input.entityRef}": ${(e as Error).message}`,
        );
      }
      const entity = await catalog.getEntityByRef(ref, { credentials });
      if (!entity)
        throw new NotFoundError(`Entity ${ref} was not found in the catalog`);
      const summary = await store.getSummary(ref);
      if (!summary)
        throw new NotFoundError(`No compliance data for ${ref} yet`);
      const results = (await store.getResults([ref])).get(ref) ?? [];
      const controls = new Map(engine.controls.map(c => [c.id, c]));
      const notPassing = results
        .filter(
          r =>
            ['fail', 'warn', 'unknown'].includes(r.status) &&
            controls.has(r.controlId),
        )
        .map(r => {
          const c = controls.get(r.controlId)!;
          return {
            controlId: r.controlId,
            title: c.title,
            severity: c.severity,
            status: r.status,
            reason: r.reason,
            ...(c.remediation ? { remediation: c.remediation.text } : {}),
          };
        })
        .sort(
          (a, b) =>
            controls.get(b.controlId)!.weight -
            controls.get(a.controlId)!.weight,
        );
      return {
        output: {
          entityRef: ref,
          score: summary.score,
          coverage: summary.coverage,
          level: summary.level?.id ?? null,
          evaluatedAt: summary.evaluatedAt,
          notPassing,
        },
      };
    },
  });
}
