import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  createTemplateAction,
  type TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import type { ComplianceService } from 'backstage-plugin-compliance-node';
import { examples } from './createComplianceRefreshAction.examples';

/**
 * Input of the `compliance:refresh` action.
 *
 * @public
 */
export type ComplianceRefreshActionInput = {
  entityRef: string;
};

/**
 * Output of the `compliance:refresh` action.
 *
 * @public
 */
export type ComplianceRefreshActionOutput = {
  score: number | null;
  coverage: number;
  level: string;
};

function parseRef(entityRef: string): string {
  try {
    return stringifyEntityRef(parseEntityRef(entityRef));
  } catch {
    throw new InputError(
      `Invalid entityRef "${entityRef}", expected kind:namespace/name, for example component:default/my-service`,
    );
  }
}

/**
 * Creates the `compliance:refresh` action: collects and evaluates a
 * registered entity right away, so a new service shows its compliance
 * without waiting for the next scheduled run.
 *
 * @public
 */
export function createComplianceRefreshAction(options: {
  compliance: ComplianceService;
}): TemplateAction<
  ComplianceRefreshActionInput,
  ComplianceRefreshActionOutput,
  'v2'
> {
  const { compliance } = options;
  return createTemplateAction({
    id: 'compliance:refresh',
    description:
      'Evaluates the compliance of a registered catalog entity now, instead of on the next scheduled run',
    examples,
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .describe(
              'The entity to evaluate, for example the entityRef output of catalog:register',
            ),
      },
      output: {
        score: z =>
          z
            .number()
            .nullable()
            .describe('Score 0..100, null when nothing is known yet'),
        coverage: z =>
          z
            .number()
            .describe('Known weight divided by applicable weight, 0..1'),
        level: z =>
          z.string().describe('The level id reached, empty when none'),
      },
    },
    async handler(ctx) {
      const entityRef = parseRef(ctx.input.entityRef);
      const summary = await compliance.refresh(entityRef, {
        credentials: await ctx.getInitiatorCredentials(),
      });
      ctx.logger.info('Refreshed compliance', {
        entityRef,
        score: summary.score,
        level: summary.level?.id,
      });
      ctx.output('score', summary.score);
      ctx.output('coverage', summary.coverage);
      ctx.output('level', summary.level?.id ?? '');
    },
  });
}
