import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
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
        .max(512)
        .describe(
          'The entity to evaluate, for example the entityRef output of catalog:register',
        ),
      waitSeconds: zImpl
        .number()
        .int()
        .min(0)
        .max(120)
        .optional()
        .describe(
          'How long to wait for a just-registered entity to appear in the catalog before reporting it as queued for the next scheduled evaluation. Default: 30',
        ),
      recordCreation: zImpl
        .boolean()
        .optional()
        .describe(
          'Record in the entity’s history that this template run created it at the level it reached ("created at level X by template Y", with a link to the run). Default: true',
        ),
    }),
  output: (zImpl: typeof z) =>
    zImpl.object({
      ...scoreOutputShape(zImpl),
      recorded: zImpl
        .boolean()
        .optional()
        .describe('Whether the born-compliant record was written'),
      status: zImpl
        .enum(['evaluated', 'queued'])
        .describe(
          'evaluated: the outputs hold the new score; queued: the entity is not in the catalog yet and is evaluated on the next scheduled cycle',
        ),
    }),
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

/** Whether an error is the compliance API's 404 (entity not in the catalog). */
function isNotFound(error: unknown): boolean {
  const e = error as {
    name?: string;
    statusCode?: number;
    response?: { status?: number };
    cause?: { name?: string };
  };
  return (
    e?.name === 'NotFoundError' ||
    e?.statusCode === 404 ||
    e?.response?.status === 404 ||
    e?.cause?.name === 'NotFoundError'
  );
}

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
  /** Root config, for the run link (`app.baseUrl`). */
  config?: Config;
  /** Waits between attempts; tests replace it. */
  sleep?: (ms: number) => Promise<void>;
}): TemplateAction<
  ComplianceRefreshActionInput,
  ComplianceRefreshActionOutput,
  'v2'
> {
  const { compliance } = options;
  const sleep =
    options.sleep ??
    ((ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms)));
  return createTemplateAction({
    id: 'compliance:refresh',
    description:
      'Evaluates the compliance of a registered catalog entity now, instead of on the next scheduled run',
    examples,
    schema: complianceRefreshActionSchema,
    async handler(ctx) {
      const entityRef = parseRef(ctx.input.entityRef);
      const credentials = await ctx.getInitiatorCredentials();
      // Right after catalog:register the entity may not be in the catalog
      // yet: retry with backoff within the bound, then report it as queued
      // instead of failing a template whose repository is already published.
      const deadline = Date.now() + (ctx.input.waitSeconds ?? 30) * 1000;
      let delay = 1000;
      let summary;
      for (;;) {
        try {
          summary = await compliance.refresh(entityRef, { credentials });
          break;
        } catch (error) {
          if (!isNotFound(error)) throw error;
          if (Date.now() + delay > deadline || ctx.signal?.aborted) {
            ctx.logger.warn(
              'Entity not in the catalog yet; it is evaluated on the next scheduled cycle',
              { entityRef },
            );
            ctx.output('score', null);
            ctx.output('coverage', 0);
            ctx.output('level', '');
            ctx.output('status', 'queued');
            return;
          }
          await sleep(delay);
          delay = Math.min(delay * 2, 8000);
        }
      }
      ctx.logger.info('Refreshed compliance', {
        entityRef,
        score: summary.score,
        level: summary.level?.id,
      });
      ctx.output('score', summary.score);
      ctx.output('coverage', summary.coverage);
      ctx.output('level', summary.level?.id ?? '');
      ctx.output('status', 'evaluated');
      const templateRef = ctx.templateInfo?.entityRef;
      if ((ctx.input.recordCreation ?? true) && templateRef && ctx.task?.id) {
        const appUrl = options.config?.getOptionalString('app.baseUrl');
        try {
          const record = await compliance.recordCreation(
            entityRef,
            {
              templateRef,
              taskId: ctx.task.id,
              ...(appUrl
                ? {
                    runUrl: `${appUrl.replace(
                      /\/+$/,
                      '',
                    )}/create/tasks/${encodeURIComponent(ctx.task.id)}`,
                  }
                : {}),
            },
            { credentials },
          );
          ctx.logger.info(
            `Recorded: ${entityRef} created at level ${
              record.level ?? 'none'
            } by ${templateRef}`,
          );
          ctx.output('recorded', true);
        } catch (error) {
          // The service exists either way: a missing record is a warning.
          ctx.logger.warn(
            `Could not record the creation of ${entityRef}: ${
              (error as Error).message
            }`,
          );
          ctx.output('recorded', false);
        }
      }
    },
  });
}
