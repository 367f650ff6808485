import { parseCiSummary } from 'backstage-plugin-compliance-common';
import runsFixture from '../__fixtures__/workflow-runs.json';
import { computeCiStats, toStoredRun } from './ciStats';
import {
  buildCiSummary,
  MAX_CHECK_NAME_LENGTH,
  toCiHeadState,
} from './ciSummary';

const now = new Date('2025-06-15T12:00:00Z');
const stats = computeCiStats(runsFixture.workflow_runs.map(toStoredRun), {
  now,
  windowDays: 30,
});
const head = {
  defaultBranch: 'main',
  headSha: 'a8',
  headState: 'SUCCESS' as const,
};

describe('buildCiSummary', () => {
  it('builds a value the frontend reads back unchanged', () => {
    const summary = buildCiSummary(head, stats);
    expect(parseCiSummary(JSON.parse(JSON.stringify(summary)))).toEqual(
      summary,
    );
    expect(summary).toMatchObject({ headState: 'SUCCESS', runs: 8 });
  });

  it('bounds hostile workflow names and the list of failing checks', () => {
    const summary = buildCiSummary(head, {
      ...stats,
      topFailingChecks: Array.from({ length: 30 }, (_, i) => ({
        name: `${'x'.repeat(500)}${i}`,
        count: 1,
      })),
    });
    expect(summary.topFailingChecks).toHaveLength(20);
    expect(
      summary.topFailingChecks.every(
        c => c.name.length === MAX_CHECK_NAME_LENGTH,
      ),
    ).toBe(true);
  });

  it('throws for a value outside the contract', () => {
    expect(() => buildCiSummary(head, { ...stats, passRate: 2 })).toThrow();
    expect(() =>
      buildCiSummary({ ...head, defaultBranch: '' }, stats),
    ).toThrow();
  });
});

describe('toCiHeadState', () => {
  it('keeps the states the contract knows and maps the rest to NONE', () => {
    expect(toCiHeadState('FAILURE')).toBe('FAILURE');
    expect(toCiHeadState('PENDING')).toBe('PENDING');
    expect(toCiHeadState(undefined)).toBe('NONE');
    expect(toCiHeadState('SOMETHING_NEW')).toBe('NONE');
  });
});
