import { ConfigReader } from '@backstage/config';
import {
  readGovernanceConfig,
  readNotificationsConfig,
} from './governanceConfig';

describe('readGovernanceConfig', () => {
  it('defaults the waiver durations by severity and takes overrides', () => {
    expect(readGovernanceConfig(new ConfigReader({})).waiverMaxDays).toEqual({
      critical: 30,
      high: 90,
      medium: 180,
      low: 365,
      info: 365,
    });
    expect(
      readGovernanceConfig(
        new ConfigReader({
          compliance: { waiverPolicy: { maxDurationDays: { critical: 7 } } },
        }),
      ).waiverMaxDays,
    ).toMatchObject({ critical: 7, high: 90 });
  });

  it('names the key of a bad duration', () => {
    for (const bad of [0, -3, 1.5, 99999]) {
      expect(() =>
        readGovernanceConfig(
          new ConfigReader({
            compliance: { waiverPolicy: { maxDurationDays: { high: bad } } },
          }),
        ),
      ).toThrow(/compliance\.waiverPolicy\.maxDurationDays\.high/);
    }
    expect(() =>
      readGovernanceConfig(
        new ConfigReader({
          compliance: { waiverPolicy: { maxDurationDays: { high: 'soon' } } },
        }),
      ),
    ).toThrow(/maxDurationDays\.high/);
  });
});

describe('readNotificationsConfig', () => {
  it('defaults to medium severity, 7 days, 3 failed runs and nobody configured', () => {
    expect(readNotificationsConfig(new ConfigReader({}))).toMatchObject({
      enabled: true,
      minSeverity: 'medium',
      waiverApprovers: [],
      waiverExpiryDays: 7,
      admins: [],
      collectorFailureThreshold: 3,
      schedule: { frequency: { minutes: 10 } },
    });
  });

  it('reads recipients as entity refs and the thresholds', () => {
    const settings = readNotificationsConfig(
      new ConfigReader({
        compliance: {
          notifications: {
            minSeverity: 'high',
            waiverApprovers: ['group:default/Security', 'user:default/ciso'],
            admins: ['group:platform'],
            waiverExpiryDays: 14,
            collectorFailureThreshold: 5,
            schedule: { frequency: { minutes: 30 } },
          },
        },
      }),
    );
    expect(settings).toMatchObject({
      minSeverity: 'high',
      waiverApprovers: ['group:default/security', 'user:default/ciso'],
      admins: ['group:default/platform'],
      waiverExpiryDays: 14,
      collectorFailureThreshold: 5,
      schedule: { frequency: { minutes: 30 } },
    });
  });

  it('names the key of a bad value', () => {
    const read = (notifications: object) => () =>
      readNotificationsConfig(
        new ConfigReader({ compliance: { notifications } }),
      );
    expect(read({ minSeverity: 'urgent' })).toThrow(
      /compliance\.notifications\.minSeverity/,
    );
    expect(read({ admins: ['platform'] })).toThrow(
      /compliance\.notifications\.admins must list entity refs/,
    );
    expect(read({ waiverExpiryDays: 0 })).toThrow(
      /compliance\.notifications\.waiverExpiryDays/,
    );
    expect(read({ collectorFailureThreshold: 2.5 })).toThrow(
      /collectorFailureThreshold/,
    );
  });
});
