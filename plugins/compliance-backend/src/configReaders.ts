import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { readDurationFromConfig, type Config } from '@backstage/config';
import type { HumanDuration } from '@backstage/types';
import { DateTime, Duration } from 'luxon';

/*
 * Readers of single config values: each validates its value and throws an
 * Error naming the full config path.
 */

/** A duration read from config, in milliseconds: finite and not negative. */
export function readDuration(
  config: Config,
  key: string,
  path: string,
): HumanDuration {
  let d: HumanDuration;
  let ms: number;
  try {
    d = readDurationFromConfig(config, { key });
    ms = Duration.fromObject(d).toMillis();
  } catch (e) {
    throw new Error(
      `${path}.${key} is not a duration: ${(e as Error).message}`,
    );
  }
  if (!Number.isFinite(ms) || ms < 0) {
    throw new Error(`${path}.${key} must be a finite, non-negative duration`);
  }
  return d;
}

export function initialDelayOf(
  config: Config,
  fallback: SchedulerServiceTaskScheduleDefinition,
  path: string,
): Pick<SchedulerServiceTaskScheduleDefinition, 'initialDelay'> {
  if (config.has('initialDelay')) {
    return { initialDelay: readDuration(config, 'initialDelay', path) };
  }
  return fallback.initialDelay ? { initialDelay: fallback.initialDelay } : {};
}

export function readSchedule(
  config: Config | undefined,
  fallback: SchedulerServiceTaskScheduleDefinition,
  key: string,
): SchedulerServiceTaskScheduleDefinition {
  if (!config) return fallback;
  try {
    const frequency = readDuration(config, 'frequency', key);
    if (Duration.fromObject(frequency).toMillis() <= 0) {
      throw new Error(`${key}.frequency must be longer than zero`);
    }
    return {
      frequency,
      timeout: config.has('timeout')
        ? readDuration(config, 'timeout', key)
        : fallback.timeout,
      ...initialDelayOf(config, fallback, key),
    };
  } catch (e) {
    throw new Error(`Invalid schedule at ${key}: ${(e as Error).message}`);
  }
}

export function durationMs(
  config: Config | undefined,
  key: string,
  fallback: number,
  path: string,
): number {
  if (!config?.has(key)) return fallback;
  try {
    return Duration.fromObject(readDuration(config, key, path)).toMillis();
  } catch (e) {
    throw new Error(`Invalid duration at ${path}: ${(e as Error).message}`);
  }
}

/**
 * A whole number in `[1, max]` at `key` of `config` (which sits at `path`);
 * the fallback when the key (or the whole block) is absent.
 */
export function positiveInt(
  config: Config | undefined,
  key: string,
  fallback: number,
  options: { path?: string; max?: number } = {},
): number {
  const full = `${options.path ?? 'compliance'}.${key}`;
  const max = options.max ?? 1_000_000;
  let v: number | undefined;
  try {
    v = config?.getOptionalNumber(key);
  } catch {
    throw new Error(`${full} must be a whole number`);
  }
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < 1 || v > max) {
    throw new Error(
      `${full} must be a whole number from 1 to ${max}, got ${v}`,
    );
  }
  return v;
}

/** The hosts of every configured SCM integration, plus github.com. */
export function integrationHosts(root: Config): string[] {
  const hosts = new Set(['github.com']);
  const integrations = root.getOptionalConfig('integrations');
  for (const type of integrations?.keys() ?? []) {
    for (const entry of integrations!.getOptionalConfigArray(type) ?? []) {
      const host = entry.getOptionalString('host');
      if (host) hosts.add(host.toLocaleLowerCase('en-US'));
    }
  }
  return [...hosts];
}

/**
 * Whether a value is an ISO date (`2027-03-31`) or timestamp that names a
 * real day: `2099-02-30` does not roll over into March.
 */
export function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})(T.*)?$/.exec(value);
  if (!m) return false;
  const parsed = DateTime.fromISO(value, { setZone: true });
  return (
    parsed.isValid &&
    parsed.year === Number(m[1]) &&
    parsed.month === Number(m[2]) &&
    parsed.day === Number(m[3])
  );
}
