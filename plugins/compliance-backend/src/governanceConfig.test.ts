import { ConfigReader } from '@backstage/config';
import { readGovernanceConfig } from './governanceConfig';

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
