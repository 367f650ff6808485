import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { DEFAULT_GITHUB_BASELINE_CONFIG } from './deriveBaseline';
import type {
  GithubBaselineConfig,
  GithubBaselineOverrides,
  GithubBypassActor,
} from './types';

const ACTOR_TYPES: ReadonlyArray<GithubBypassActor['actorType']> = [
  'Integration',
  'OrganizationAdmin',
  'RepositoryRole',
  'Team',
  'DeployKey',
];
const CHECK_NAME = /^[\w .:/()@-]{1,255}$/;

function checks(c: Config, key: string, where: string): string[] | undefined {
  const list = c.getOptionalStringArray(key);
  if (!list) return undefined;
  for (const name of list) {
    if (!CHECK_NAME.test(name)) {
      throw new InputError(
        `${where}.${key} has an invalid status check name "${name.slice(
          0,
          80,
        )}"`,
      );
    }
  }
  return list;
}

function overrides(c: Config, where: string): GithubBaselineOverrides {
  const approvals = c.getOptionalNumber('requiredApprovals');
  if (
    approvals !== undefined &&
    (!Number.isInteger(approvals) || approvals < 0 || approvals > 10)
  ) {
    throw new InputError(
      `${where}.requiredApprovals must be an integer from 0 to 10, got ${approvals}`,
    );
  }
  const actors = c.getOptionalConfigArray('bypassActors')?.map((a, i) => {
    const actorType = a.getString('actorType');
    if (!ACTOR_TYPES.includes(actorType as GithubBypassActor['actorType'])) {
      throw new InputError(
        `${where}.bypassActors[${i}].actorType must be one of ${ACTOR_TYPES.join(
          ', ',
        )}`,
      );
    }
    const bypassMode = a.getOptionalString('bypassMode') ?? 'always';
    if (bypassMode !== 'always' && bypassMode !== 'pull_request') {
      throw new InputError(
        `${where}.bypassActors[${i}].bypassMode must be always or pull_request`,
      );
    }
    return {
      actorId: a.getOptionalNumber('actorId') ?? null,
      actorType: actorType as GithubBypassActor['actorType'],
      bypassMode: bypassMode as GithubBypassActor['bypassMode'],
    };
  });
  const requiredStatusChecks = checks(c, 'requiredStatusChecks', where);
  const requireSignatures = c.getOptionalBoolean('requireSignatures');
  const dependabotSecurityUpdates = c.getOptionalBoolean(
    'dependabotSecurityUpdates',
  );
  return {
    ...(approvals !== undefined ? { requiredApprovals: approvals } : {}),
    ...(requiredStatusChecks ? { requiredStatusChecks } : {}),
    ...(actors ? { bypassActors: actors } : {}),
    ...(requireSignatures !== undefined ? { requireSignatures } : {}),
    ...(dependabotSecurityUpdates !== undefined
      ? { dependabotSecurityUpdates }
      : {}),
  };
}

/**
 * Reads `compliance.github.baseline`: the ruleset name, the status checks
 * used when a control requires them, and overrides per level.
 *
 * @public
 */
export function readGithubBaselineConfig(config: Config): GithubBaselineConfig {
  const where = 'compliance.github.baseline';
  const c = config.getOptionalConfig(where);
  if (!c) return DEFAULT_GITHUB_BASELINE_CONFIG;
  const rulesetName =
    c.getOptionalString('rulesetName') ??
    DEFAULT_GITHUB_BASELINE_CONFIG.rulesetName;
  if (!CHECK_NAME.test(rulesetName)) {
    throw new InputError(`${where}.rulesetName is not a valid ruleset name`);
  }
  const levels: Record<string, GithubBaselineOverrides> = {};
  const lc = c.getOptionalConfig('levels');
  for (const id of lc?.keys() ?? []) {
    levels[id] = overrides(lc!.getConfig(id), `${where}.levels.${id}`);
  }
  return {
    rulesetName,
    requiredStatusChecks: checks(c, 'requiredStatusChecks', where) ?? [],
    levels,
  };
}
