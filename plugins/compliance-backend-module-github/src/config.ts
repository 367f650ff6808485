import { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { isValidOwner } from './lib/repository';

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
 * The module's GitHub-specific configuration, read from `compliance.github`.
 * Scheduling, sharding and disabling the collector or its controls are the
 * compliance backend's: `compliance.collectors.github` and
 * `compliance.controls.disabled`.
 *
 * @public
 */
export interface GithubComplianceConfig {
  /** Rolling window, in days, of the CI statistics. */
  windowDays: number;
  /** Thresholds of the CI and security controls. */
  thresholds: GithubComplianceThresholds;
  /** Remaining requests (or GraphQL points) under which a cycle stops. */
  budgetReserve: number;
  /** Repositories per GraphQL query. */
  graphqlBatchSize: number;
  /** Repositories read concurrently for REST requests. */
  concurrency: number;
  /**
   * Owners (users or organisations, case-insensitive) whose repositories
   * are collected; every owner when absent.
   */
  allowedOwners?: string[];
  /**
   * Whether a `github.com/project-slug` must name the repository of the
   * entity's `backstage.io/source-location` (when it has one) to be
   * collected.
   */
  requireSourceLocationMatch: boolean;
}

/**
 * The collector's schedule unless `compliance.collectors.github.schedule`
 * overrides it: every hour, 50 minute timeout.
 */
export const GITHUB_DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { hours: 1 },
  timeout: { minutes: 50 },
  initialDelay: { minutes: 1 },
};

/** Defaults of every `compliance.github` key. */
export const GITHUB_COMPLIANCE_DEFAULTS: Readonly<
  Omit<GithubComplianceConfig, 'thresholds'> & {
    thresholds: Readonly<GithubComplianceThresholds>;
  }
> = {
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
  requireSourceLocationMatch: false,
};

const ROOT = 'compliance.github';
const THRESHOLDS = `${ROOT}.thresholds`;

/** Keys this module once read that now belong to the compliance backend. */
const MOVED_KEYS: Record<string, string> = {
  schedule: 'compliance.collectors.github.schedule',
  controls: 'compliance.controls.disabled',
};

function ratio(config: Config | undefined, key: string, fallback: number) {
  const value = config?.getOptionalNumber(key) ?? fallback;
  if (!(value >= 0 && value <= 1)) {
    throw new Error(
      `${THRESHOLDS}.${key} must be between 0 and 1, got ${value}`,
    );
  }
  return value;
}

function positiveInt(
  config: Config | undefined,
  path: string,
  key: string,
  fallback: number,
  max: number,
) {
  const value = config?.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(
      `${path}.${key} must be an integer between 1 and ${max}, got ${value}`,
    );
  }
  return value;
}

function readAllowedOwners(config: Config | undefined): string[] | undefined {
  const key = 'allowedOwners';
  if (!config?.has(key)) return undefined;
  let owners: string[];
  try {
    owners = config.getStringArray(key);
  } catch {
    throw new Error(`${ROOT}.${key} must be a list of GitHub owner names`);
  }
  if (owners.length === 0) {
    throw new Error(
      `${ROOT}.${key} must list at least one owner; remove the key to collect every owner`,
    );
  }
  const invalid = owners.find(owner => !isValidOwner(owner));
  if (invalid !== undefined) {
    throw new Error(
      `${ROOT}.${key} must hold GitHub owner names (1-39 letters, digits or single hyphens, not at either end), got ${JSON.stringify(
        invalid.slice(0, 80),
      )}`,
    );
  }
  return owners;
}

function readRequireSourceLocationMatch(config: Config | undefined): boolean {
  const key = 'requireSourceLocationMatch';
  try {
    return (
      config?.getOptionalBoolean(key) ??
      GITHUB_COMPLIANCE_DEFAULTS.requireSourceLocationMatch
    );
  } catch {
    throw new Error(`${ROOT}.${key} must be true or false`);
  }
}

/**
 * Reads `compliance.github` with defaults and validation. Throws an `Error`
 * naming the config path of the first invalid value.
 *
 * @public
 */
export function readGithubComplianceConfig(
  rootConfig: Config,
): GithubComplianceConfig {
  const config = rootConfig.getOptionalConfig(ROOT);
  for (const [key, replacement] of Object.entries(MOVED_KEYS)) {
    if (config?.has(key)) {
      throw new Error(
        `${ROOT}.${key} is no longer read; configure ${replacement} instead`,
      );
    }
  }
  const defaults = GITHUB_COMPLIANCE_DEFAULTS;
  const t = config?.getOptionalConfig('thresholds');
  const thresholds: GithubComplianceThresholds = {
    passRate: ratio(t, 'passRate', defaults.thresholds.passRate),
    passRateWarn: ratio(t, 'passRateWarn', defaults.thresholds.passRateWarn),
    flakyRate: ratio(t, 'flakyRate', defaults.thresholds.flakyRate),
    flakyRateWarn: ratio(t, 'flakyRateWarn', defaults.thresholds.flakyRateWarn),
    staleAlertDays: positiveInt(
      t,
      THRESHOLDS,
      'staleAlertDays',
      defaults.thresholds.staleAlertDays,
      3650,
    ),
  };
  if (thresholds.passRateWarn > thresholds.passRate) {
    throw new Error(`${THRESHOLDS}.passRateWarn must not exceed passRate`);
  }
  if (thresholds.flakyRateWarn < thresholds.flakyRate) {
    throw new Error(`${THRESHOLDS}.flakyRateWarn must not be below flakyRate`);
  }
  const allowedOwners = readAllowedOwners(config);
  const budgetReserve =
    config?.getOptionalNumber('budgetReserve') ?? defaults.budgetReserve;
  if (!Number.isInteger(budgetReserve) || budgetReserve < 0) {
    throw new Error(
      `${ROOT}.budgetReserve must be a non-negative integer, got ${budgetReserve}`,
    );
  }
  return {
    windowDays: positiveInt(
      config,
      ROOT,
      'windowDays',
      defaults.windowDays,
      365,
    ),
    thresholds,
    budgetReserve,
    graphqlBatchSize: positiveInt(
      config,
      ROOT,
      'graphqlBatchSize',
      defaults.graphqlBatchSize,
      50,
    ),
    concurrency: positiveInt(
      config,
      ROOT,
      'concurrency',
      defaults.concurrency,
      32,
    ),
    ...(allowedOwners ? { allowedOwners } : {}),
    requireSourceLocationMatch: readRequireSourceLocationMatch(config),
  };
}
