import { RefreshGuard } from './RefreshGuard';

describe('RefreshGuard', () => {
  it('answers a refresh within the cooldown with current data, and refreshes after it', async () => {
    let now = 0;
    const guard = new RefreshGuard({
      cooldownMs: 60_000,
      maxConcurrent: 2,
      clock: () => now,
    });
    const work = jest.fn(async () => {});
    expect(guard.reasonToSkip('a')).toBeUndefined();
    await guard.run('a', work);
    now = 59_999;
    expect(guard.reasonToSkip('a')).toBe('cooldown');
    expect(guard.reasonToSkip('b')).toBeUndefined();
    now = 60_000;
    expect(guard.reasonToSkip('a')).toBeUndefined();
  });

  it('shares one run between concurrent refreshes of an entity and bounds the total', async () => {
    const guard = new RefreshGuard({ cooldownMs: 0, maxConcurrent: 2 });
    let release!: () => void;
    const gate = new Promise<void>(r => {
      release = r;
    });
    const work = jest.fn(() => gate);
    const first = guard.run('a', work);
    const second = guard.run('a', work);
    expect(work).toHaveBeenCalledTimes(1);
    expect(guard.reasonToSkip('a')).toBeUndefined();
    const other = guard.run('b', async () => gate);
    expect(guard.reasonToSkip('c')).toBe('busy');
    release();
    await Promise.all([first, second, other]);
    expect(guard.reasonToSkip('c')).toBeUndefined();
  });
});
