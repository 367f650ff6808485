import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  actionEntityRef,
  entityRefInput,
  READS_REPORTS,
} from './entityActions';
import type { ReportService } from '../service/ReportService';

/**
 * Registers actions-registry actions (usable by MCP clients and agents):
 * an entity's compliance with its failing controls and how to fix them.
 */
export function createComplianceActions(options: {
  actionsRegistry: ActionsRegistryService;
  reports: ReportService;
}) {
  const { actionsRegistry, reports } = options;

  actionsRegistry.register({
    name: 'get-entity-compliance',
    title: 'Get the compliance of a catalog entity',
    description:
      'Returns the compliance score, coverage and level of a catalog entity, and every control that is not passing with its reason and remediation. Unknown controls say why they could not be evaluated.',
    ...READS_REPORTS,
    schema: {
      input: z => z.object({ entityRef: entityRefInput(z.string()) }),
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
      const entityRef = actionEntityRef(input.entityRef);
      const { summary, notPassing } = await reports.getNotPassing(
        entityRef,
        credentials,
      );
      return {
        output: {
          entityRef: summary.entityRef,
          score: summary.score,
          coverage: summary.coverage,
          level: summary.level?.id ?? null,
          evaluatedAt: summary.evaluatedAt,
          notPassing: notPassing.map(r => ({
            controlId: r.controlId,
            title: r.control.title,
            severity: r.control.severity,
            status: r.status,
            reason: r.reason,
            ...(r.control.remediation
              ? { remediation: r.control.remediation.text }
              : {}),
          })),
        },
      };
    },
  });
}
