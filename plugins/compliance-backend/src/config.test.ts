import { ConfigReader } from '@backstage/config';
import { readComplianceConfig } from './config';

describe('readComplianceConfig', () => {
  it('has working defaults when nothing is configured', () => {
    const c = readComplianceConfig(new ConfigReader({}));
    expect(c.kinds).toEqual(['component', 'api', 'resource', 'system']);
    expect(c.schedules.evaluate.frequency).toEqual({ minutes: 5 });
    expect(c.frameworks.map(f => f.id)).toEqual([
      'soc2',
      'iso27001',
      'openssf',
    ]);
    expect(c.levels).toBeUndefined();
    expect(c.retention).toEqual({
      historyDays: 400,
      ledgerDays: 400,
      factHistoryDays: 90,
      runDays: 30,
      stateDays: 30,
    });
    expect(c.refresh).toEqual({ cooldownMs: 60_000, maxConcurrent: 2 });
  });

  it('reads collectors, overrides, custom controls, levels and waivers', () => {
    const c = readComplianceConfig(
      new ConfigReader({
        compliance: {
          entities: { kinds: ['Component'] },
          collectors: {
            github: {
              schedule: { frequency: 'PT10M', timeout: { minutes: 2 } },
              shards: 3,
            },
          },
          controls: {
            disabled: ['CAT-05'],
            overrides: {
              'CAT-04': { severity: 'critical' },
              'CAT-03': { weight: 1 },
            },
            custom: [
              {
                id: 'ORG-01',
                title: 'Tier 1 has an SLO',
                category: 'operations',
                severity: 'high',
                rule: {
                  pass: {
                    fact: 'entity.annotations',
                    operator: 'contains',
                    value: 'slo',
                  },
                },
              },
            ],
          },
          levels: [
            { id: 'bronze', title: 'Bronze', requiredControls: ['CAT-01'] },
          ],
          waivers: [
            {
              entityRef: 'Component:default/A',
              controlId: 'CAT-01',
              reason: 'r',
              expiresAt: '2030-01-01',
            },
          ],
        },
      }),
    );
    expect(c.kinds).toEqual(['component']);
    expect(c.collectors.github).toMatchObject({
      shards: 3,
      disabled: false,
      schedule: { timeout: { minutes: 2 } },
    });
    expect(c.controls.overrides).toEqual({
      'CAT-04': { severity: 'critical' },
      'CAT-03': { weight: 1 },
    });
    expect(c.controls.custom[0]).toMatchObject({
      id: 'ORG-01',
      description: '',
    });
    expect(c.levels).toEqual([
      { id: 'bronze', title: 'Bronze', requiredControls: ['CAT-01'] },
    ]);
    expect(c.waivers).toEqual([
      {
        entityRef: 'component:default/a',
        controlId: 'CAT-01',
        reason: 'r',
        expiresAt: '2030-01-01T00:00:00.000Z',
      },
    ]);
  });

  it.each([
    [
      { controls: { overrides: { 'CAT-01': { severity: 'urgent' } } } },
      /compliance.controls.overrides.CAT-01.severity must be one of/,
    ],
    [
      { controls: { overrides: { 'CAT-01': { weight: 1000 } } } },
      /weight must be between 0 and 100/,
    ],
    [
      { collectors: { github: { shards: 0 } } },
      /compliance\.collectors\.github\.shards must be a whole number/,
    ],
    [
      {
        controls: {
          custom: [
            {
              id: 'X',
              title: 'x',
              category: 'c',
              severity: 'high',
              rule: { pass: { fact: 'f', operator: 'like' } },
            },
          ],
        },
      },
      /Invalid control "X" from compliance.controls.custom\[0\]/,
    ],
    [
      {
        waivers: [
          {
            entityRef: 'component:default/a',
            controlId: 'C',
            reason: 'r',
            expiresAt: 'soon',
          },
        ],
      },
      /compliance.waivers\[0\].expiresAt is not a valid date/,
    ],
    [
      {
        levels: [
          { id: 'a', requiredControls: [] },
          { id: 'a', requiredControls: [] },
        ],
      },
      /duplicate id "a"/,
    ],
    [
      { levels: [{ id: 'a', requiredControls: [], minCoverage: 1.5 }] },
      /compliance.levels\[0\].minCoverage must be a number from 0 to 1/,
    ],
    [
      { schedule: { evaluate: { frequency: 'often' } } },
      /Invalid schedule at compliance.schedule.evaluate/,
    ],
  ])('rejects bad config %j naming the key', (compliance, message) => {
    expect(() =>
      readComplianceConfig(new ConfigReader({ compliance })),
    ).toThrow(message);
  });
});

describe('refresh settings', () => {
  it('reads the cooldown as a duration and rejects a bad one naming the key', () => {
    const read = (refresh: object) =>
      readComplianceConfig(new ConfigReader({ compliance: { refresh } }));
    expect(
      read({ cooldown: { minutes: 5 }, maxConcurrent: 4 }).refresh,
    ).toEqual({ cooldownMs: 300_000, maxConcurrent: 4 });
    expect(read({ cooldown: '10s' }).refresh.cooldownMs).toBe(10_000);
    expect(() => read({ cooldown: 'soon' })).toThrow(
      /compliance\.refresh\.cooldown/,
    );
    expect(() => read({ maxConcurrent: 0 })).toThrow(
      /compliance\.refresh\.maxConcurrent/,
    );
  });
});
