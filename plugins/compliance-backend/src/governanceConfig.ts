import type { Config } from '@backstage/config';
import type { ControlSeverity } from 'backstage-plugin-compliance-common';
import { DEFAULT_WAIVER_MAX_DAYS, WaiverDurationPolicy } from './lib/waivers';

/** Governance settings: `compliance.waiverPolicy`. */
export interface GovernanceConfig {
  waiverMaxDays: WaiverDurationPolicy;
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
  return { waiverMaxDays };
}
