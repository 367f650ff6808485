import type { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  createTemplateAction,
  type TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import type {
  ComplianceStatus,
  ControlResultWithControl,
  EvaluationPreview,
} from 'backstage-plugin-compliance-common';
import type { ComplianceService } from 'backstage-plugin-compliance-node';
import { examples } from './createComplianceCheckAction.examples';

const DEFAULT_LEVEL_ORDER = ['bronze', 'silver', 'gold'];
const DEFAULT_FAIL_ON_STATUS: Array<'fail' | 'warn'> = ['fail'];
/** Statuses that satisfy a required control. */
const MET_STATUSES: ReadonlyArray<ComplianceStatus> = [
  'pass',
  'not_applicable',
];
/** Severities watched by `failOnStatus` when no required controls are given. */
const WATCHED_SEVERITIES = ['critical', 'high'];

/**
 * Input of the `compliance:check` action.
 *
 * @public
 */
export type ComplianceCheckActionInput = {
  entity: JsonObject & {
    apiVersion: string;
    kind: string;
    metadata: JsonObject & { name: string };
  };
  minimumLevel?: string;
  levelOrder?: string[];
  requiredControls?: string[];
  failOnStatus?: Array<'fail' | 'warn'>;
  enforce?: boolean;
};

/**
 * Output of the `compliance:check` action.
 *
 * @public
 */
export type ComplianceCheckActionOutput = {
  score: number | null;
  coverage: number;
  level: string;
  passed: boolean;
  blocking: Array<{
    controlId: string;
    title: string;
    status: string;
    reason: string;
  }>;
};

/** A control that stops the gate. */
interface BlockingControl {
  controlId: string;
  title: string;
  status: string;
  reason: string;
  remediation?: string;
}

/** The outcome of the gate for one evaluation. */
interface GateOutcome {
  passed: boolean;
  levelProblem?: string;
  blocking: BlockingControl[];
}

function toBlocking(
  controlId: string,
  result: ControlResultWithControl | undefined,
  fallbackReason: string,
): BlockingControl {
  if (!result) {
    return {
      controlId,
      title: controlId,
      status: 'missing',
      reason: fallbackReason,
    };
  }
  const remediation = result.control.remediation;
  return {
    controlId,
    title: result.control.title,
    status: result.status,
    reason: result.reason || fallbackReason,
    remediation: remediation
      ? [remediation.text, remediation.url].filter(Boolean).join(' ')
      : undefined,
  };
}

/**
 * Applies the gate to an evaluation.
 *
 * - Level: with `minimumLevel`, the entity's level must be `minimumLevel` or a
 *   level after it in `levelOrder`. When it is not, the controls the next
 *   level is missing are blocking.
 * - Required controls: each must be `pass` or `not_applicable`; a control the
 *   evaluation does not know is blocking too.
 * - Without required controls, every critical or high severity control whose
 *   status is in `failOnStatus` is blocking.
 */
function applyGate(
  preview: EvaluationPreview,
  options: {
    minimumLevel?: string;
    levelOrder: string[];
    requiredControls?: string[];
    failOnStatus: string[];
  },
): GateOutcome {
  const byId = new Map(preview.results.map(r => [r.controlId, r]));
  const blocking = new Map<string, BlockingControl>();
  let levelProblem: string | undefined;

  if (options.requiredControls && options.requiredControls.length > 0) {
    for (const controlId of options.requiredControls) {
      const result = byId.get(controlId);
      if (!result || !MET_STATUSES.includes(result.status)) {
        blocking.set(
          controlId,
          toBlocking(
            controlId,
            result,
            'The control is not part of the evaluation',
          ),
        );
      }
    }
  } else {
    for (const result of preview.results) {
      if (
        WATCHED_SEVERITIES.includes(result.control.severity) &&
        options.failOnStatus.includes(result.status)
      ) {
        blocking.set(
          result.controlId,
          toBlocking(result.controlId, result, ''),
        );
      }
    }
  }

  if (options.minimumLevel) {
    const wanted = options.levelOrder.indexOf(options.minimumLevel);
    const current = preview.level?.id;
    const reached =
      current === options.minimumLevel ||
      (current !== undefined &&
        wanted >= 0 &&
        options.levelOrder.indexOf(current) >= wanted);
    if (!reached) {
      levelProblem = `level ${current ?? 'none'} is below the minimum level ${
        options.minimumLevel
      }`;
      for (const controlId of preview.nextLevel?.missingControls ?? []) {
        if (!blocking.has(controlId)) {
          blocking.set(
            controlId,
            toBlocking(
              controlId,
              byId.get(controlId),
              `Required for level ${preview.nextLevel?.id}`,
            ),
          );
        }
      }
    }
  }

  return {
    passed: !levelProblem && blocking.size === 0,
    levelProblem,
    blocking: [...blocking.values()],
  };
}

function describeFailure(entityRef: string, outcome: GateOutcome): string {
  const lines = [`Compliance gate failed for ${entityRef}`];
  if (outcome.levelProblem) {
    lines.push(`- ${outcome.levelProblem}`);
  }
  for (const b of outcome.blocking) {
    const fix = b.remediation ? ` Remediation: ${b.remediation}` : '';
    lines.push(
      `- ${b.controlId} ${b.title} (${b.status}): ${
        b.reason || 'no reason given'
      }.${fix}`,
    );
  }
  return lines.join('\n');
}

/**
 * Creates the `compliance:check` action: evaluates the entity a template is
 * about to publish against the compliance controls, without storing anything,
 * and stops the template when the entity does not meet the gate.
 *
 * @public
 */
export function createComplianceCheckAction(options: {
  compliance: ComplianceService;
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
    schema: {
      input: {
        entity: z =>
          z
            .object({
              apiVersion: z.string(),
              kind: z.string(),
              metadata: z
                .object({ name: z.string() })
                .passthrough()
                .describe('The entity metadata; name is required'),
            })
            .passthrough()
            .describe(
              'The catalog entity the template will publish, for example the contents of its catalog-info.yaml',
            ),
        minimumLevel: z =>
          z
            .string()
            .optional()
            .describe(
              'The lowest compliance level the entity must reach, for example silver',
            ),
        levelOrder: z =>
          z
            .array(z.string())
            .optional()
            .describe(
              'The configured level ids from lowest to highest. Default: bronze, silver, gold',
            ),
        requiredControls: z =>
          z
            .array(z.string())
            .optional()
            .describe(
              'Control ids that must pass or not apply. Without it, critical and high severity controls are checked against failOnStatus',
            ),
        failOnStatus: z =>
          z
            .array(z.enum(['fail', 'warn']))
            .optional()
            .describe(
              'Statuses of critical and high severity controls that fail the gate when requiredControls is not given. Default: fail',
            ),
        enforce: z =>
          z
            .boolean()
            .optional()
            .describe(
              'Fail the template when the gate fails. When false, only log a warning. Default: true',
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
        passed: z => z.boolean().describe('Whether the gate passed'),
        blocking: z =>
          z
            .array(
              z.object({
                controlId: z.string(),
                title: z.string(),
                status: z.string(),
                reason: z.string(),
              }),
            )
            .describe('The controls that stop the gate'),
      },
    },
    async handler(ctx) {
      const entity = ctx.input.entity as unknown as Entity;
      const preview = await compliance.evaluateEntity(entity, {
        credentials: await ctx.getInitiatorCredentials(),
      });

      const outcome = applyGate(preview, {
        minimumLevel: ctx.input.minimumLevel,
        levelOrder: ctx.input.levelOrder ?? DEFAULT_LEVEL_ORDER,
        requiredControls: ctx.input.requiredControls,
        failOnStatus: ctx.input.failOnStatus ?? DEFAULT_FAIL_ON_STATUS,
      });

      ctx.output('score', preview.score);
      ctx.output('coverage', preview.coverage);
      ctx.output('level', preview.level?.id ?? '');
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
