import type { ComplianceApi } from 'backstage-plugin-compliance-common';
import {
  HISTORY_DAYS,
  loadHistory,
  loadSummaryAndResults,
  prefetchEntityData,
  sliceHistory,
} from './entityData';

const ref = 'component:default/payments-api';

function history(days: number, now: Date) {
  return {
    entityRef: ref,
    points: Array.from({ length: days }, (_, i) => ({
      day: new Date(now.getTime() - (days - 1 - i) * 86_400_000)
        .toISOString()
        .slice(0, 10),
      score: i,
      coverage: 1,
      level: null,
      counts: {} as any,
    })),
    changes: [
      { changedAt: '2026-11-30T23:59:59Z', controlId: 'old' },
      { changedAt: '2026-12-01T00:00:00.000Z', controlId: 'first-day' },
      { changedAt: '2026-12-30T10:00:00Z', controlId: 'today' },
    ] as any[],
    creations: [{ taskId: 't1' }] as any[],
  };
}

describe('sliceHistory', () => {
  const now = new Date('2026-12-30T10:00:00Z');

  it('keeps the last N days of points and changes, today included', () => {
    const sliced = sliceHistory(history(365, now), 30, now);
    expect(sliced.points).toHaveLength(30);
    expect(sliced.points[0].day).toBe('2026-12-01');
    expect(sliced.points[29].day).toBe('2026-12-30');
    expect(sliced.changes.map(c => c.controlId)).toEqual([
      'first-day',
      'today',
    ]);
    expect(sliced.creations).toHaveLength(1);
  });

  it('keeps everything when the range covers the whole history', () => {
    const full = history(20, now);
    expect(sliceHistory(full, 365, now).points).toHaveLength(20);
  });
});

function fakeApi() {
  const mocks = {
    getSummary: jest.fn(async () => ({ score: 1 })),
    getResults: jest.fn(async () => ({ items: [{ controlId: 'a' }] })),
    getHistory: jest.fn(async (): Promise<unknown> => ({
      points: [],
      changes: [],
    })),
  };
  return Object.assign(mocks as unknown as ComplianceApi, { mocks });
}

describe('prefetchEntityData', () => {
  it('asks once for summary, results and a year of history; loaders reuse the answers', async () => {
    const api = fakeApi();
    prefetchEntityData(api, ref);
    prefetchEntityData(api, ref);
    const data = await loadSummaryAndResults(api, ref);
    await loadHistory(api, ref);
    expect(data).toEqual({ summary: { score: 1 }, results: [{ controlId: 'a' }] });
    expect(api.mocks.getSummary).toHaveBeenCalledTimes(1);
    expect(api.mocks.getResults).toHaveBeenCalledTimes(1);
    expect(api.mocks.getHistory).toHaveBeenCalledTimes(1);
    expect(api.mocks.getHistory).toHaveBeenCalledWith(ref, { days: HISTORY_DAYS });
  });

  it('asks again when fresh data is wanted or the last request failed', async () => {
    const api = fakeApi();
    api.mocks.getHistory.mockRejectedValueOnce(new Error('boom'));
    prefetchEntityData(api, ref);
    await expect(loadHistory(api, ref)).rejects.toThrow('boom');
    await expect(loadHistory(api, ref)).resolves.toEqual({
      points: [],
      changes: [],
    });
    await loadSummaryAndResults(api, ref, true);
    expect(api.mocks.getHistory).toHaveBeenCalledTimes(2);
    expect(api.mocks.getSummary).toHaveBeenCalledTimes(2);
  });

  it('keeps entities and API instances apart', async () => {
    const a = fakeApi();
    const b = fakeApi();
    await loadSummaryAndResults(a, ref);
    await loadSummaryAndResults(a, 'component:default/other');
    await loadSummaryAndResults(b, ref);
    expect(a.mocks.getSummary).toHaveBeenCalledTimes(2);
    expect(b.mocks.getSummary).toHaveBeenCalledTimes(1);
  });
});
