import type { JsonValue } from 'backstage-plugin-compliance-common';
import collected from '../__fixtures__/ci-summary.collected.json';
import {
  ciDurationSeries,
  formatCiHeadState,
  readCiSummary,
} from './ciSummary';
import { toCsv } from './csv';
import {
  formatPercent,
  formatSeconds,
  formatValue,
  isOlderThan,
} from './format';
import { ciFacts, makeSummary } from '../__testUtils__/fixtures';

describe('readCiSummary', () => {
  it('reads a summary through the contract', () => {
    const ci = readCiSummary(ciFacts);
    expect(ci?.summary).toMatchObject({
      headState: 'SUCCESS',
      passRate: 0.93,
      runs: 120,
    });
    expect(ci?.summary.daily).toHaveLength(3);
    expect(ci?.url).toBe('https://github.com/acme/payments/actions');
    expect(ci?.observedAt).toBe(ciFacts[0].observedAt);
  });

  it('reads the summary the collector wrote in its replayed run', () => {
    const ci = readCiSummary([{ ...ciFacts[0], value: collected }]);
    expect(ci?.summary).toEqual(collected);
  });

  it('rejects values outside the contract', () => {
    const value = ciFacts[0].value as Record<string, JsonValue>;
    const read = (v: JsonValue) => readCiSummary([{ ...ciFacts[0], value: v }]);
    expect(read({ ...value, passRate: 87 })).toBeUndefined();
    expect(read({ ...value, headState: 'GREEN' })).toBeUndefined();
    expect(read({ ...value, daily: 'x' })).toBeUndefined();
    expect(read('garbage')).toBeUndefined();
  });

  it('returns undefined without a summary', () => {
    expect(readCiSummary(undefined)).toBeUndefined();
    expect(
      readCiSummary([{ ...ciFacts[0], value: null, unknownReason: 'no_repo' }]),
    ).toBeUndefined();
  });
});

describe('ciDurationSeries', () => {
  it('skips days without a median duration', () => {
    const ci = readCiSummary(ciFacts)!;
    expect(ciDurationSeries(ci.summary)).toEqual([
      { day: '2026-01-01', p50DurationSeconds: 300 },
      { day: '2026-01-03', p50DurationSeconds: 320 },
    ]);
    expect(formatCiHeadState(ci.summary.headState)).toBe('success');
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
