import type { Entity } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  createTemplateAction,
  type TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import type { JsonValue } from '@backstage/types';
import type { ComplianceService } from 'backstage-plugin-compliance-node';
import type { z } from 'zod/v3';
import { examples } from './createComplianceCheckAction.examples';
import { applyGate, describeFailure } from './gate';
import { planFor } from './baseline/predictedPlan';
import { scoreOutputShape } from './scoreOutput';

const DEFAULT_FAIL_ON_STATUS = ['fail'];

/**
 * The input and output schemas of the `compliance:check` action, built with
 * the zod the scaffolder passes in.
 *
 * @public
 */
export const complianceCheckActionSchema = {
  input: (zImpl: typeof z) => {
    // Extra properties of the entity are kept; they are JSON like the rest
    // of the template input.
    const json = zImpl.custom<JsonValue>();
    return zImpl.object({
      entity: zImpl
        .object({
          apiVersion: zImpl.string(),
          kind: zImpl.string(),
          metadata: zImpl
            .object({ name: zImpl.string() })
            .catchall(json)
            .describe('The entity metadata; name is required'),
        })
        .catchall(json)
        .describe(
          'The catalog entity the template will publish, for example the contents of its catalog-info.yaml',
        ),
      minimumLevel: zImpl
        .string()
        .optional()
        .describe(
          'The lowest compliance level the entity must reach, for example silver',
        ),
      requiredControls: zImpl
        .array(zImpl.string())
        .optional()
        .describe(
          'Control ids that must pass, be waived or not apply. Without it, critical and high severity controls are checked against failOnStatus',
        ),
      failOnStatus: zImpl
        .array(zImpl.enum(['fail', 'warn']))
        .optional()
        .describe(
          'Statuses of critical and high severity controls that fail the gate when requiredControls is not given. Default: fail',
        ),
      enforce: zImpl
        .boolean()
        .optional()
        .describe(
          'Fail the template when the gate fails. When false, only log a warning. Default: true',
        ),
      baseline: zImpl
        .object({
          level: zImpl
            .string()
            .max(100)
            .optional()
            .describe(
              'The level whose GitHub baseline the template applies (compliance:github:apply-baseline). Default: minimumLevel',
            ),
          visibility: zImpl
            .enum(['public', 'private', 'internal'])
            .optional()
            .describe(
              'The visibility publish:github creates the repository with',
            ),
          existingRepository: zImpl
            .boolean()
            .optional()
            .describe(
              'True when the baseline is applied to an existing repository: only the settings are predicted, not what a new repository is known to have (no alerts, no history). Default: false',
            ),
        })
        .optional()
        .describe(
          'Evaluate the entity plus the GitHub settings the template will apply: their facts are predicted (and marked so), so a template can require a level that needs GitHub controls before the repository exists',
        ),
    });
  },
  output: (zImpl: typeof z) =>
    zImpl.object({
      ...scoreOutputShape(zImpl),
      passed: zImpl.boolean().describe('Whether the gate passed'),
      blocking: zImpl
        .array(
          zImpl.object({
            controlId: zImpl.string(),
            title: zImpl.string(),
            status: zImpl.string(),
            reason: zImpl.string(),
          }),
        )
        .describe('The controls that stop the gate'),
      plan: zImpl
        .object({
          level: zImpl.string(),
          predictedFacts: zImpl
            .array(zImpl.string())
            .describe('Fact ids predicted from the baseline, not observed'),
          coveredControls: zImpl
            .array(zImpl.string())
            .describe('Required GitHub controls the baseline makes pass'),
          uncoveredControls: zImpl
            .array(
              zImpl.object({
                controlId: zImpl.string(),
                reason: zImpl.string(),
              }),
            )
            .describe('Required GitHub controls the baseline cannot make pass'),
          unknownUntilCollection: zImpl
            .array(zImpl.string())
            .describe(
              'Controls that stay unknown until the first collection of the new repository',
            ),
        })
        .optional()
        .describe('What the baseline covers, when the input names one'),
    }),
};

/**
 * Input of the `compliance:check` action.
 *
 * @public
 */
export type ComplianceCheckActionInput = z.infer<
  ReturnType<typeof complianceCheckActionSchema.input>
>;

/**
 * Output of the `compliance:check` action.
 *
 * @public
 */
export type ComplianceCheckActionOutput = z.infer<
  ReturnType<typeof complianceCheckActionSchema.output>
>;

/**
 * Creates the `compliance:check` action: evaluates the entity a template is
 * about to publish against the compliance controls, without storing anything,
 * and stops the template when the entity does not meet the gate.
 *
 * @public
 */
export function createComplianceCheckAction(options: {
  compliance: ComplianceService;
  /** Root config, for `compliance.github.baseline` overrides. */
  config?: Config;
}): TemplateAction<
  ComplianceCheckActionInput,
  ComplianceCheckActionOutput,
  'v2'
> {
  const { compliance } = options;
  return createTemplateAction({
    id: 'compliance:check',
    description:
      'Evaluates a proposed catalog entity against the compliance controls and fails the template when it does not meet the gate',
    examples,
    supportsDryRun: true,
    schema: complianceCheckActionSchema,
    async handler(ctx) {
      const entity = ctx.input.entity as unknown as Entity;
      const credentials = await ctx.getInitiatorCredentials();
      const wantsPlan = ctx.input.baseline !== undefined;
      const catalogue =
        ctx.input.minimumLevel || wantsPlan
          ? await compliance.getControls({ credentials })
          : undefined;
      const plan =
        wantsPlan && catalogue
          ? planFor(
              catalogue,
              ctx.input.baseline?.level ?? ctx.input.minimumLevel,
              ctx.input.baseline?.visibility,
              options.config,
              !ctx.input.baseline?.existingRepository,
            )
          : undefined;
      const preview = await compliance.evaluateEntity(entity, {
        credentials,
        ...(plan ? { predictedFacts: plan.predictedFacts } : {}),
      });

      const outcome = applyGate(preview, {
        minimumLevel: ctx.input.minimumLevel,
        levels: catalogue?.levels.map(l => l.id) ?? [],
        requiredControls: ctx.input.requiredControls,
        failOnStatus: ctx.input.failOnStatus ?? DEFAULT_FAIL_ON_STATUS,
      });

      ctx.output('score', preview.score);
      ctx.output('coverage', preview.coverage);
      ctx.output('level', preview.level?.id ?? '');
      if (plan) {
        const uncovered = new Map(
          plan.uncovered.map(u => [u.controlId, u.reason]),
        );
        for (const b of outcome.blocking) {
          const why = uncovered.get(b.controlId);
          if (why)
            b.reason = `the ${plan.level} baseline cannot satisfy it: ${why}`;
        }
        ctx.output('plan', {
          level: plan.level,
          predictedFacts: plan.predictedFacts.map(f => f.factId),
          coveredControls: plan.covered,
          uncoveredControls: plan.uncovered,
          unknownUntilCollection: preview.results
            .filter(r => r.status === 'unknown')
            .map(r => r.controlId),
        });
        ctx.logger.info(
          `The ${plan.level} baseline covers ${plan.covered.length} of ${
            plan.covered.length + plan.uncovered.length
          } required GitHub controls (predicted, not observed)`,
        );
      }
      ctx.output('passed', outcome.passed);
      ctx.output(
        'blocking',
        outcome.blocking.map(({ controlId, title, status, reason }) => ({
          controlId,
          title,
          status,
          reason,
        })),
      );

      if (outcome.passed) {
        ctx.logger.info('Compliance gate passed', {
          entityRef: preview.entityRef,
          score: preview.score,
          level: preview.level?.id,
        });
        return;
      }

      const message = describeFailure(preview.entityRef, outcome);
      if (ctx.input.enforce ?? true) {
        throw new InputError(message);
      }
      ctx.logger.warn(message, {
        entityRef: preview.entityRef,
        blocking: outcome.blocking.map(b => b.controlId).join(','),
      });
    },
  });
}
