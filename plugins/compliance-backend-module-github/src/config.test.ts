import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { readGithubComplianceConfig } from './config';

const read = (github: object) => () =>
  readGithubComplianceConfig(new ConfigReader({ compliance: { github } }));

describe('readGithubComplianceConfig', () => {
  it('applies defaults', () => {
    const c = readGithubComplianceConfig(new ConfigReader({}));
    expect(c).toEqual({
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
    });
    expect(c.allowedOwners).toBeUndefined();
  });

  it('reads every key', () => {
    const c = read({
      windowDays: 14,
      thresholds: {
        passRate: 0.95,
        passRateWarn: 0.8,
        flakyRate: 0.02,
        flakyRateWarn: 0.1,
        staleAlertDays: 7,
      },
      budgetReserve: 1000,
      graphqlBatchSize: 10,
      concurrency: 2,
      allowedOwners: ['acme', 'Platform-Team'],
      requireSourceLocationMatch: true,
    })();
    expect(c.allowedOwners).toEqual(['acme', 'Platform-Team']);
    expect(c.requireSourceLocationMatch).toBe(true);
    expect(c.windowDays).toBe(14);
    expect(c.thresholds.staleAlertDays).toBe(7);
    expect(c).toMatchObject({
      budgetReserve: 1000,
      graphqlBatchSize: 10,
      concurrency: 2,
    });
  });

  it('rejects invalid values with a plain Error naming the config path', () => {
    expect(read({ thresholds: { passRate: 1.5 } })).toThrow(
      'compliance.github.thresholds.passRate must be between 0 and 1, got 1.5',
    );
    expect(read({ thresholds: { passRate: 0.5 } })).toThrow(
      'compliance.github.thresholds.passRateWarn must not exceed passRate',
    );
    expect(read({ thresholds: { staleAlertDays: 0 } })).toThrow(
      'compliance.github.thresholds.staleAlertDays must be an integer between 1 and 3650, got 0',
    );
    expect(read({ graphqlBatchSize: 500 })).toThrow(
      'compliance.github.graphqlBatchSize must be an integer between 1 and 50, got 500',
    );
    expect(read({ windowDays: 0 })).toThrow(/^compliance\.github\.windowDays/);
    expect(read({ budgetReserve: -1 })).toThrow(
      'compliance.github.budgetReserve must be a non-negative integer, got -1',
    );
    let thrown: unknown;
    try {
      read({ concurrency: 0 })();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).not.toBeInstanceOf(InputError);
  });

  it('rejects owner lists that would collect nothing or name no GitHub owner', () => {
    expect(read({ allowedOwners: [] })).toThrow(
      'compliance.github.allowedOwners must list at least one owner; remove the key to collect every owner',
    );
    expect(read({ allowedOwners: ['acme', '../orgs'] })).toThrow(
      /^compliance\.github\.allowedOwners must hold GitHub owner names .*, got "\.\.\/orgs"$/,
    );
    expect(read({ allowedOwners: 'acme' })).toThrow(
      'compliance.github.allowedOwners must be a list of GitHub owner names',
    );
    expect(read({ requireSourceLocationMatch: 'yes please' })).toThrow(
      'compliance.github.requireSourceLocationMatch must be true or false',
    );
  });

  it('points the schedule and disabled controls to the compliance backend', () => {
    expect(read({ schedule: { frequency: { hours: 2 } } })).toThrow(
      'compliance.github.schedule is no longer read; configure compliance.collectors.github.schedule instead',
    );
    expect(read({ controls: { disabled: ['GH-SCM-02'] } })).toThrow(
      'compliance.github.controls is no longer read; configure compliance.controls.disabled instead',
    );
  });
});
