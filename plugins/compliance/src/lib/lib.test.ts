import { readCiSummary } from './ciSummary';
import { toCsv } from './csv';
import {
  formatPercent,
  formatSeconds,
  formatValue,
  isOlderThan,
} from './format';
import { ciFacts, makeSummary } from '../__testUtils__/fixtures';

describe('readCiSummary', () => {
  it('reads a full summary', () => {
    const ci = readCiSummary(ciFacts);
    expect(ci).toMatchObject({
      latestStatus: 'success',
      passRate: 0.93,
      runs: 120,
    });
    expect(ci?.series).toHaveLength(2);
    expect(ci?.url).toBe('https://github.com/acme/payments/actions');
  });

  it('accepts percentages and drops malformed entries', () => {
    const ci = readCiSummary([
      {
        ...ciFacts[0],
        value: {
          passRate: 87,
          topFailingChecks: [{ name: 'a', count: '3' }, 42, { count: 1 }],
          series: 'x',
        },
      },
    ]);
    expect(ci?.passRate).toBeCloseTo(0.87);
    expect(ci?.topFailingChecks).toEqual([{ name: 'a', count: 3 }]);
    expect(ci?.series).toEqual([]);
  });

  it('returns undefined without a summary', () => {
    expect(readCiSummary(undefined)).toBeUndefined();
    expect(
      readCiSummary([{ ...ciFacts[0], value: null, unknownReason: 'no_repo' }]),
    ).toBeUndefined();
  });
});

describe('toCsv', () => {
  it('quotes and neutralises dangerous cells', () => {
    const csv = toCsv([
      makeSummary({ title: '=cmd|"x",y', owner: 'group:default/a' }),
    ]);
    const [, row] = csv.split('\r\n');
    expect(row).toContain('"\'=cmd|""x"",y"');
    expect(row).toContain('group:default/a');
  });
});

describe('format', () => {
  it('formats values', () => {
    expect(formatPercent(0.456)).toBe('46%');
    expect(formatPercent(null)).toBe('–');
    expect(formatSeconds(0.25)).toBe('250ms');
    expect(formatSeconds(3725)).toBe('1h 2m 5s');
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
    expect(
      isOlderThan(new Date(Date.now() - 2 * 3600_000).toISOString(), 1),
    ).toBe(true);
    expect(isOlderThan(null, 1)).toBe(false);
  });
});
