import type { RunRecord } from '../database/ComplianceStore';
import { ABANDONED_RUN_MS, collectionsInProgress } from './collectionRound';

const now = new Date('2026-12-01T12:00:00Z');
const run = (status: RunRecord['status'], minutesAgo: number): RunRecord => ({
  id: '1',
  startedAt: new Date(now.getTime() - minutesAgo * 60_000).toISOString(),
  ...(status === 'running'
    ? {}
    : { finishedAt: now.toISOString(), durationMs: 1 }),
  entitiesProcessed: 0,
  factsWritten: 0,
  errors: 0,
  status,
});

describe('collectionsInProgress', () => {
  it('names the collectors that never ran and those running now', () => {
    const latest = new Map<string, RunRecord>([
      ['github#0', run('running', 2)],
      ['github#1', run('succeeded', 2)],
      ['scanner', run('failed', 2)],
    ]);
    expect(
      collectionsInProgress(
        latest,
        ['github#0', 'github#1', 'scanner', 'new'],
        now,
      ),
    ).toEqual(['github#0', 'new']);
  });

  it('lets a run abandoned by a crashed replica hold nothing back', () => {
    const minutes = ABANDONED_RUN_MS / 60_000;
    const latest = new Map<string, RunRecord>([
      ['stale', run('running', minutes + 1)],
      ['fresh', run('running', minutes - 1)],
    ]);
    expect(collectionsInProgress(latest, ['stale', 'fresh'], now)).toEqual([
      'fresh',
    ]);
  });

  it('holds nothing back when every other collector finished a run', () => {
    const latest = new Map([['catalog', run('succeeded', 1)]]);
    expect(collectionsInProgress(latest, ['catalog'], now)).toEqual([]);
    expect(collectionsInProgress(new Map(), [], now)).toEqual([]);
  });
});
