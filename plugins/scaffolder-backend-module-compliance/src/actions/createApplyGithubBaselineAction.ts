import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import {
  createTemplateAction,
  parseRepoUrl,
  type TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { Octokit } from '@octokit/rest';
import {
  deriveGithubBaseline,
  readGithubBaselineConfig,
} from 'backstage-plugin-compliance-backend-module-github';
import type { ComplianceService } from 'backstage-plugin-compliance-node';
import type { z } from 'zod/v3';
import { planBaseline } from './baseline/applyBaseline';
import {
  BaselinePreflightError,
  explainGithubError,
} from './baseline/githubReads';
import { applySteps, unreadPlan, type PlanEntry } from './baseline/plan';
import { validateFileInputs } from './baseline/baselineFiles';
import { examples } from './createApplyGithubBaselineAction.examples';

/**
 * The input and output schemas of `compliance:github:apply-baseline`.
 *
 * @public
 */
export const applyGithubBaselineActionSchema = {
  input: (zImpl: typeof z) =>
    zImpl.object({
      repoUrl: zImpl
        .string()
        .max(1024)
        .describe(
          'The repository, in the form publish:github takes: github.com?owner=acme&repo=payments',
        ),
      level: zImpl
        .string()
        .max(100)
        .describe('The compliance level whose GitHub baseline is applied'),
      codeOwners: zImpl
        .array(zImpl.string().max(200))
        .max(20)
        .optional()
        .describe(
          'Owners written to CODEOWNERS when the baseline adds it, for example ["@acme/payments-team"]',
        ),
      securityContact: zImpl
        .string()
        .max(200)
        .optional()
        .describe(
          'Where SECURITY.md tells reporters to go (e-mail or URL). Default: GitHub private vulnerability reporting',
        ),
      dependabotEcosystems: zImpl
        .array(zImpl.string().max(40))
        .max(12)
        .optional()
        .describe(
          'Package ecosystems of the Dependabot config the baseline adds. Default: github-actions',
        ),
      filesVia: zImpl
        .enum(['commit', 'pull-request'])
        .optional()
        .describe(
          'commit: add missing files to the default branch (a new repository); pull-request: open a pull request with them (an existing repository). Default: commit',
        ),
      dryRun: zImpl
        .boolean()
        .optional()
        .describe(
          'Read the repository and print the plan without writing. A scaffolder dry run prints the plan without reading',
        ),
    }),
  output: (zImpl: typeof z) =>
    zImpl.object({
      plan: zImpl
        .array(
          zImpl.object({
            setting: zImpl.string(),
            current: zImpl.string(),
            target: zImpl.string(),
            status: zImpl.enum([
              'unchanged',
              'planned',
              'applied',
              'failed',
              'unread',
            ]),
            reason: zImpl.string().optional(),
          }),
        )
        .describe('Each setting: current → target, and what happened'),
      changed: zImpl.number().describe('Settings changed by this run'),
      failed: zImpl.array(zImpl.string()).describe('Settings GitHub refused'),
      coveredControls: zImpl
        .array(zImpl.string())
        .describe('Required GitHub controls the baseline makes pass'),
      uncoveredControls: zImpl
        .array(
          zImpl.object({ controlId: zImpl.string(), reason: zImpl.string() }),
        )
        .describe(
          'Required GitHub controls the baseline cannot make pass, and why',
        ),
      pullRequestUrl: zImpl
        .string()
        .optional()
        .describe(
          'The pull request with the missing files (filesVia: pull-request)',
        ),
    }),
};

/**
 * Input of `compliance:github:apply-baseline`.
 *
 * @public
 */
export type ApplyGithubBaselineActionInput = z.infer<
  ReturnType<typeof applyGithubBaselineActionSchema.input>
>;

/**
 * Output of `compliance:github:apply-baseline`.
 *
 * @public
 */
export type ApplyGithubBaselineActionOutput = z.infer<
  ReturnType<typeof applyGithubBaselineActionSchema.output>
>;

function formatPlan(plan: PlanEntry[]): string {
  return plan
    .map(
      e =>
        `${e.status.padEnd(9)} ${e.setting}: ${e.current} → ${e.target}${
          e.reason ? ` (${e.reason})` : ''
        }`,
    )
    .join('\n');
}

/**
 * Creates `compliance:github:apply-baseline`: applies a level's GitHub
 * baseline (derived from the controls the level requires) to a repository
 * with the host's `integrations.github` credentials. Idempotent; supports
 * dry run; refuses before writing when GitHub refuses a read.
 *
 * @public
 */
export function createApplyGithubBaselineAction(options: {
  compliance: ComplianceService;
  config: Config;
}): TemplateAction<
  ApplyGithubBaselineActionInput,
  ApplyGithubBaselineActionOutput,
  'v2'
> {
  const { compliance, config } = options;
  const integrations = ScmIntegrations.fromConfig(config);
  const credentialsProvider =
    DefaultGithubCredentialsProvider.fromIntegrations(integrations);
  return createTemplateAction({
    id: 'compliance:github:apply-baseline',
    description:
      'Applies the GitHub settings and files that make a compliance level’s GitHub controls pass to a repository (after publish:github)',
    examples,
    supportsDryRun: true,
    schema: applyGithubBaselineActionSchema,
    async handler(ctx) {
      const input = ctx.input;
      let host: string;
      let owner: string | undefined;
      let repo: string;
      try {
        ({ host, owner, repo } = parseRepoUrl(input.repoUrl, integrations));
      } catch (error) {
        throw new InputError(
          `Invalid repoUrl "${input.repoUrl.slice(0, 200)}": ${
            (error as Error).message
          }`,
        );
      }
      const integration = integrations.github.byHost(host);
      if (!integration || !owner) {
        throw new InputError(
          `repoUrl must name an owner and a repository on a configured GitHub host (integrations.github); got host ${host}`,
        );
      }
      const credentials = await ctx.getInitiatorCredentials();
      const catalogue = await compliance.getControls({ credentials });
      if (!catalogue.levels.some(l => l.id === input.level)) {
        throw new InputError(
          `Unknown level "${input.level}"; configured levels: ${
            catalogue.levels.map(l => l.id).join(', ') || 'none'
          }`,
        );
      }
      const filesVia = input.filesVia ?? 'commit';
      const baseline = deriveGithubBaseline({
        controls: catalogue.controls,
        levels: catalogue.levels,
        level: input.level,
        config: readGithubBaselineConfig(config),
        repository: { isNew: filesVia === 'commit' },
      });
      const files = {
        codeOwners: input.codeOwners,
        securityContact: input.securityContact,
        dependabotEcosystems: input.dependabotEcosystems,
      };
      validateFileInputs(files, baseline.files);

      const covered = baseline.controls
        .filter(c => c.covered)
        .map(c => c.controlId);
      const uncovered = baseline.controls
        .filter(c => !c.covered)
        .map(c => ({ controlId: c.controlId, reason: c.reason ?? '' }));
      ctx.output('coveredControls', covered);
      ctx.output('uncoveredControls', uncovered);

      if (ctx.isDryRun) {
        const plan = unreadPlan(baseline, files);
        ctx.logger.info(
          `Dry run: ${owner}/${repo} would get the ${
            input.level
          } baseline:\n${formatPlan(plan)}`,
        );
        ctx.output('plan', plan);
        ctx.output('changed', 0);
        ctx.output('failed', []);
        return;
      }

      const { token } = await credentialsProvider.getCredentials({
        url: `https://${host}/${owner}/${repo}`,
      });
      const octokit = new Octokit({
        auth: token,
        baseUrl: integration.config.apiBaseUrl,
        request: { retries: 0 },
      });
      let planned;
      try {
        planned = await planBaseline({
          octokit,
          target: { owner, repo },
          baseline,
          files,
          filesVia,
        });
      } catch (error) {
        if (error instanceof BaselinePreflightError) {
          throw new InputError(
            `Nothing was changed on ${owner}/${repo}. ${error.message}`,
          );
        }
        throw error;
      }
      const dryRun = input.dryRun ?? false;
      const plan = await applySteps(planned.steps, { dryRun });
      let pullRequestUrl: string | undefined;
      if (!dryRun && filesVia === 'pull-request') {
        try {
          pullRequestUrl = await planned.pullRequest();
        } catch (error) {
          for (const e of plan) {
            if (e.setting.startsWith('files.') && e.status === 'applied') {
              e.status = 'failed';
              e.reason = explainGithubError(error, 'Opening the pull request');
            }
          }
        }
      }
      const changed = plan.filter(e => e.status === 'applied').length;
      const failed = plan.filter(e => e.status === 'failed');
      ctx.output('plan', plan);
      ctx.output('changed', changed);
      ctx.output(
        'failed',
        failed.map(e => e.setting),
      );
      if (pullRequestUrl) ctx.output('pullRequestUrl', pullRequestUrl);

      const summary = formatPlan(plan);
      if (dryRun) {
        ctx.logger.info(
          `Plan for ${owner}/${repo} (${input.level}):\n${summary}`,
        );
      } else if (changed === 0 && failed.length === 0) {
        ctx.logger.info(
          `Nothing to change: ${owner}/${repo} already has the ${input.level} baseline`,
        );
      } else {
        ctx.logger.info(
          `Applied the ${input.level} baseline to ${owner}/${repo}:\n${summary}`,
        );
      }
      if (failed.length > 0) {
        throw new Error(
          `Could not apply ${failed.length} setting(s) of the ${
            input.level
          } baseline to ${owner}/${repo}:\n${failed
            .map(e => `- ${e.setting}: ${e.reason}`)
            .join('\n')}`,
        );
      }
    },
  });
}
