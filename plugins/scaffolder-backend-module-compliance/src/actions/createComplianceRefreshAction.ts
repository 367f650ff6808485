import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  createTemplateAction,
  type TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import type { ComplianceService } from 'backstage-plugin-compliance-node';
import type { z } from 'zod/v3';
import { examples } from './createComplianceRefreshAction.examples';
import { scoreOutputShape } from './scoreOutput';

/**
 * The input and output schemas of the `compliance:refresh` action, built with
 * the zod the scaffolder passes in.
 *
 * @public
 */
export const complianceRefreshActionSchema = {
  input: (zImpl: typeof z) =>
    zImpl.object({
      entityRef: zImpl
        .string()
        .describe(
          'The entity to evaluate, for example the entityRef output of catalog:register',
        ),
    }),
  output: (zImpl: typeof z) => zImpl.object(scoreOutputShape(zImpl)),
};

/**
 * Input of the `compliance:refresh` action.
 *
 * @public
 */
export type ComplianceRefreshActionInput = z.infer<
  ReturnType<typeof complianceRefreshActionSchema.input>
>;

/**
 * Output of the `compliance:refresh` action.
 *
 * @public
 */
export type ComplianceRefreshActionOutput = z.infer<
  ReturnType<typeof complianceRefreshActionSchema.output>
>;

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
    schema: complianceRefreshActionSchema,
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
