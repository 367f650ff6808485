import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  actionEntityRef,
  entityRefInput,
  READS_REPORTS,
} from './entityActions';
import type { InsightService } from '../insights/InsightService';

/**
 * Registers the read-only `get-entity-insight` action: what an entity
 * should fix first, with the expected score gain of each step, so MCP
 * clients and agents can ask for it.
 */
export function createInsightActions(options: {
  actionsRegistry: ActionsRegistryService;
  insights: InsightService;
}) {
  const { actionsRegistry, insights } = options;
  actionsRegistry.register({
    name: 'get-entity-insight',
    title: 'Get the compliance insight of a catalog entity',
    description:
      'Returns the compliance insight of a catalog entity: a summary, the top risks, remediation steps in priority order with the expected score gain of each, likely causes of CI failures and the trend. Every claim cites the control or fact ids it rests on. The source is a model (provider and model) or the deterministic rules.',
    ...READS_REPORTS,
    schema: {
      input: z => z.object({ entityRef: entityRefInput(z.string()) }),
      output: z =>
        z.object({
          entityRef: z.string(),
          status: z.string(),
          source: z.string(),
          generatedAt: z.string(),
          summary: z.string(),
          risks: z.array(z.object({ controlId: z.string(), text: z.string() })),
          steps: z.array(
            z.object({
              controlId: z.string(),
              text: z.string(),
              expectedScoreGain: z.number(),
            }),
          ),
          ciCauses: z.array(z.string()),
          trend: z.string(),
          job: z
            .object({
              state: z.string(),
              lastError: z.string().nullable(),
              nextAttemptAt: z.string().nullable(),
            })
            .nullable(),
        }),
    },
    examples: [
      {
        title: 'What should the payments API fix first?',
        input: { entityRef: 'component:default/payments-api' },
      },
    ],
    action: async ({ input, credentials }) => {
      const entityRef = actionEntityRef(input.entityRef);
      const answer = await insights.getInsight(entityRef, credentials);
      const { insight } = answer;
      return {
        output: {
          entityRef: answer.entityRef,
          status: answer.status,
          source:
            insight.source.type === 'model'
              ? `${insight.source.provider}/${insight.source.model}`
              : 'rules',
          generatedAt: insight.generatedAt,
          summary: insight.summary.text,
          risks: insight.risks.map(r => ({
            controlId: r.controlId,
            text: r.text,
          })),
          steps: insight.steps.map(s => ({
            controlId: s.controlId,
            text: s.text,
            expectedScoreGain: s.expectedScoreGain,
          })),
          ciCauses: insight.ciCauses.map(c => c.text),
          trend: insight.trend.text,
          job: answer.job
            ? {
                state: answer.job.state,
                lastError: answer.job.lastError,
                nextAttemptAt: answer.job.nextAttemptAt,
              }
            : null,
        },
      };
    },
  });
}
