import {
  assertCollectorId,
  collectorRunKey,
  collectorRunKeys,
  collectTaskId,
  ENGINE_STATE_KEY,
  EVALUATION_RUN_KEY,
  shardsOf,
} from './taskIds';
import { combineShardRuns } from './StatusService';

describe('task ids and run keys', () => {
  it('builds one task and one run key per shard, and plain ones without shards', () => {
    const shards = shardsOf(3);
    expect(shards.map(s => collectTaskId('github', s))).toEqual([
      'compliance:collect:github:0',
      'compliance:collect:github:1',
      'compliance:collect:github:2',
    ]);
    expect(collectorRunKeys('github', 3)).toEqual(
      shards.map(s => collectorRunKey('github', s)),
    );
    expect(collectorRunKeys('catalog', 1)).toEqual(['catalog']);
    expect(collectTaskId('catalog', shardsOf(1)[0])).toBe(
      'compliance:collect:catalog',
    );
  });

  it('rejects collector ids that could collide with the engine keys or break keys', () => {
    for (const bad of [
      EVALUATION_RUN_KEY,
      ENGINE_STATE_KEY,
      'a#1',
      'a b',
      '',
      'x'.repeat(64),
    ]) {
      expect(() => assertCollectorId(bad)).toThrow(
        /Invalid compliance collector id/,
      );
    }
    expect(() => assertCollectorId('github.ci')).not.toThrow();
  });

  it('combines shard runs: earliest start, latest finish, sums, worst status', () => {
    const run = (over: object) => ({
      id: '1',
      startedAt: '2026-11-30T10:00:00.000Z',
      finishedAt: '2026-11-30T10:05:00.000Z',
      durationMs: 300_000,
      entitiesProcessed: 10,
      factsWritten: 5,
      errors: 0,
      status: 'succeeded' as const,
      ...over,
    });
    expect(
      combineShardRuns([
        run({}),
        run({
          startedAt: '2026-11-30T09:00:00.000Z',
          finishedAt: '2026-11-30T11:00:00.000Z',
          durationMs: 7_200_000,
          status: 'failed',
          errors: 2,
        }),
      ]),
    ).toEqual({
      startedAt: '2026-11-30T09:00:00.000Z',
      finishedAt: '2026-11-30T11:00:00.000Z',
      durationMs: 7_200_000,
      entitiesProcessed: 20,
      factsWritten: 10,
      errors: 2,
      status: 'failed',
    });
    expect(combineShardRuns([])).toBeUndefined();
  });
});
