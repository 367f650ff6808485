import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/**
 * Thresholds used by the GitHub controls.
 *
 * @public
 */
export interface GithubComplianceThresholds {
  /** Pass rate at or above which GH-CI-03 passes (0..1). */
  passRate: number;
  /** Pass rate at or above which GH-CI-03 warns (0..1). */
  passRateWarn: number;
  /** Flaky rate at or below which GH-CI-04 passes (0..1). */
  flakyRate: number;
  /** Flaky rate at or below which GH-CI-04 warns (0..1). */
  flakyRateWarn: number;
  /** Age in days after which an open critical/high alert is overdue. */
  staleAlertDays: number;
}

/**
 * The module's configuration, read from `compliance.github`.
 *
 * @public
 */
export interface GithubComplianceConfig {
  schedule: SchedulerServiceTaskScheduleDefinition;
  windowDays: number;
  thresholds: GithubComplianceThresholds;
  disabledControls: string[];
  budgetReserve: number;
  graphqlBatchSize: number;
  concurrency: number;
}

/** Defaults of every `compliance.github` key. */
export const GITHUB_COMPLIANCE_DEFAULTS: Readonly<
  Omit<GithubComplianceConfig, 'thresholds' | 'disabledControls'> & {
    thresholds: Readonly<GithubComplianceThresholds>;
  }
> = {
  schedule: {
    frequency: { hours: 1 },
    timeout: { minutes: 50 },
    initialDelay: { minutes: 1 },
  },
  windowDays: 30,
  thresholds: {
    passRate: 0.9,
    passRateWarn: 0.75,
    flakyRate: 0.05,
    flakyRateWarn: 0.15,
    staleAlertDays: 30,
  },
  budgetReserve: 500,
  graphqlBatchSize: 25,
  concurrency: 4,
};

function ratio(config: Config | undefined, key: string, fallback: number) {
  const value = config?.getOptionalNumber(key) ?? fallback;
  if (!(value >= 0 && value <= 1)) {
    throw new InputError(
      `compliance.github.thresholds.${key} must be between 0 and 1, got ${value}`,
    );
  }
  return value;
}

function positiveInt(
  config: Config | undefined,
  key: string,
  fallback: number,
  max: number,
) {
  const value = config?.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new InputError(
      `compliance.github.${key} must be an integer between 1 and ${max}, got ${value}`,
    );
  }
  return value;
}

/**
 * Reads `compliance.github` with defaults and validation.
 *
 * @public
 */
export function readGithubComplianceConfig(
  rootConfig: Config,
): GithubComplianceConfig {
  const config = rootConfig.getOptionalConfig('compliance.github');
  const defaults = GITHUB_COMPLIANCE_DEFAULTS;
  const t = config?.getOptionalConfig('thresholds');
  const thresholds: GithubComplianceThresholds = {
    passRate: ratio(t, 'passRate', defaults.thresholds.passRate),
    passRateWarn: ratio(t, 'passRateWarn', defaults.thresholds.passRateWarn),
    flakyRate: ratio(t, 'flakyRate', defaults.thresholds.flakyRate),
    flakyRateWarn: ratio(t, 'flakyRateWarn', defaults.thresholds.flakyRateWarn),
    staleAlertDays: positiveInt(
      t,
      'staleAlertDays',
      defaults.thresholds.staleAlertDays,
      3650,
    ),
  };
  if (thresholds.passRateWarn > thresholds.passRate) {
    throw new InputError(
      'compliance.github.thresholds.passRateWarn must not exceed passRate',
    );
  }
  if (thresholds.flakyRateWarn < thresholds.flakyRate) {
    throw new InputError(
      'compliance.github.thresholds.flakyRateWarn must not be below flakyRate',
    );
  }
  const budgetReserve =
    config?.getOptionalNumber('budgetReserve') ?? defaults.budgetReserve;
  if (!Number.isInteger(budgetReserve) || budgetReserve < 0) {
    throw new InputError(
      `compliance.github.budgetReserve must be a non-negative integer, got ${budgetReserve}`,
    );
  }
  return {
    schedule: config?.has('schedule')
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
          config.getConfig('schedule'),
        )
      : { ...defaults.schedule },
    windowDays: positiveInt(config, 'windowDays', defaults.windowDays, 365),
    thresholds,
    disabledControls: config?.getOptionalStringArray('controls.disabled') ?? [],
    budgetReserve,
    graphqlBatchSize: positiveInt(
      config,
      'graphqlBatchSize',
      defaults.graphqlBatchSize,
      50,
    ),
    concurrency: positiveInt(config, 'concurrency', defaults.concurrency, 32),
  };
}
