import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import type { ControlSeverity } from 'backstage-plugin-compliance-common';
import { readSchedule } from './configReaders';
import { DEFAULT_WAIVER_MAX_DAYS, WaiverDurationPolicy } from './lib/waivers';

/** `compliance.notifications`: who is told what, and when. */
export interface NotificationsConfig {
  enabled: boolean;
  /** Lowest severity of a newly failing control that notifies its owner. */
  minSeverity: ControlSeverity;
  /** Entity refs (users or groups) told of waiver requests. */
  waiverApprovers: string[];
  /** Owners are told of an approved waiver this many days before it expires. */
  waiverExpiryDays: number;
  /** Entity refs (users or groups) told of collectors that keep failing. */
  admins: string[];
  /** Consecutive failed runs after which a collector is reported. */
  collectorFailureThreshold: number;
  /** Days a sent-notification claim is kept (the exactly-once window). */
  claimRetentionDays: number;
  schedule: SchedulerServiceTaskScheduleDefinition;
}

/** Governance settings: `compliance.waiverPolicy`, `compliance.notifications`. */
export interface GovernanceConfig {
  waiverMaxDays: WaiverDurationPolicy;
  notifications: NotificationsConfig;
}

const SEVERITIES: ControlSeverity[] = [
  'critical',
  'high',
  'medium',
  'low',
  'info',
];

/** Reads `compliance.waiverPolicy`; throws naming the key on a bad value. */
export function readGovernanceConfig(config: Config): GovernanceConfig {
  const c = config.getOptionalConfig('compliance.waiverPolicy.maxDurationDays');
  const waiverMaxDays = { ...DEFAULT_WAIVER_MAX_DAYS };
  for (const severity of SEVERITIES) {
    const value = c?.getOptionalNumber(severity);
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 1 || value > 3650) {
      throw new Error(
        `compliance.waiverPolicy.maxDurationDays.${severity} must be a whole number of days between 1 and 3650, got ${value}`,
      );
    }
    waiverMaxDays[severity] = value;
  }
  return { waiverMaxDays, notifications: readNotificationsConfig(config) };
}

function wholeNumber(
  c: Config | undefined,
  key: string,
  fallback: number,
  max: number,
): number {
  const value = c?.getOptionalNumber(key);
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(
      `compliance.notifications.${key} must be a whole number between 1 and ${max}, got ${value}`,
    );
  }
  return value;
}

function entityRefs(c: Config | undefined, key: string): string[] {
  const refs = c?.getOptionalStringArray(key) ?? [];
  return refs.map(ref => {
    try {
      const { kind, namespace, name } = parseEntityRef(ref);
      return `${kind}:${namespace}/${name}`.toLocaleLowerCase('en-US');
    } catch {
      throw new Error(
        `compliance.notifications.${key} must list entity refs such as group:default/admins, got "${ref}"`,
      );
    }
  });
}

/** Reads `compliance.notifications`; throws naming the key on a bad value. */
export function readNotificationsConfig(config: Config): NotificationsConfig {
  const c = config.getOptionalConfig('compliance.notifications');
  const minSeverity = (c?.getOptionalString('minSeverity') ??
    'medium') as ControlSeverity;
  if (!SEVERITIES.includes(minSeverity)) {
    throw new Error(
      `compliance.notifications.minSeverity must be one of ${SEVERITIES.join(
        ', ',
      )}, got "${minSeverity}"`,
    );
  }
  return {
    enabled: c?.getOptionalBoolean('enabled') ?? true,
    minSeverity,
    waiverApprovers: entityRefs(c, 'waiverApprovers'),
    waiverExpiryDays: wholeNumber(c, 'waiverExpiryDays', 7, 365),
    admins: entityRefs(c, 'admins'),
    collectorFailureThreshold: wholeNumber(
      c,
      'collectorFailureThreshold',
      3,
      100,
    ),
    claimRetentionDays: wholeNumber(c, 'claimRetentionDays', 90, 3650),
    schedule: readSchedule(
      c?.getOptionalConfig('schedule'),
      {
        frequency: { minutes: 10 },
        timeout: { minutes: 5 },
        initialDelay: { minutes: 2 },
      },
      'compliance.notifications.schedule',
    ),
  };
}
