import { ConfigReader } from '@backstage/config';
import { readGithubComplianceConfig } from './config';

describe('readGithubComplianceConfig', () => {
  it('applies defaults', () => {
    const c = readGithubComplianceConfig(new ConfigReader({}));
    expect(c).toMatchObject({
      windowDays: 30,
      thresholds: {
        passRate: 0.9,
        passRateWarn: 0.75,
        flakyRate: 0.05,
        flakyRateWarn: 0.15,
        staleAlertDays: 30,
      },
      disabledControls: [],
      budgetReserve: 500,
      graphqlBatchSize: 25,
      concurrency: 4,
    });
    expect(c.schedule.frequency).toEqual({ hours: 1 });
  });

  it('reads every key', () => {
    const c = readGithubComplianceConfig(
      new ConfigReader({
        compliance: {
          github: {
            schedule: { frequency: { minutes: 30 }, timeout: '10m' },
            windowDays: 14,
            thresholds: {
              passRate: 0.95,
              passRateWarn: 0.8,
              flakyRate: 0.02,
              flakyRateWarn: 0.1,
              staleAlertDays: 7,
            },
            controls: { disabled: ['GH-SCM-02'] },
            budgetReserve: 1000,
            graphqlBatchSize: 10,
            concurrency: 2,
          },
        },
      }),
    );
    expect(c.schedule.frequency).toEqual({ minutes: 30 });
    expect(c.windowDays).toBe(14);
    expect(c.thresholds.staleAlertDays).toBe(7);
    expect(c.disabledControls).toEqual(['GH-SCM-02']);
    expect(c).toMatchObject({
      budgetReserve: 1000,
      graphqlBatchSize: 10,
      concurrency: 2,
    });
  });

  it('rejects invalid values with an InputError', () => {
    const read = (github: object) => () =>
      readGithubComplianceConfig(new ConfigReader({ compliance: { github } }));
    expect(read({ thresholds: { passRate: 1.5 } })).toThrow(/between 0 and 1/);
    expect(read({ thresholds: { passRate: 0.5 } })).toThrow(/passRateWarn/);
    expect(read({ graphqlBatchSize: 500 })).toThrow(/graphqlBatchSize/);
    expect(read({ budgetReserve: -1 })).toThrow(/budgetReserve/);
  });
});
