import { TtlCache } from './TtlCache';

describe('TtlCache', () => {
  it('serves a value until it expires, shares concurrent loads and forgets failures', async () => {
    let now = 0;
    const cache = new TtlCache<number>({
      ttlMs: 1000,
      maxEntries: 2,
      clock: () => now,
    });
    const load = jest.fn(async () => 1);
    await Promise.all([cache.get('a', load), cache.get('a', load)]);
    expect(load).toHaveBeenCalledTimes(1);
    now = 999;
    await cache.get('a', load);
    expect(load).toHaveBeenCalledTimes(1);
    now = 1000;
    await cache.get('a', load);
    expect(load).toHaveBeenCalledTimes(2);

    await expect(
      cache.get('b', async () => {
        throw new Error('catalog down');
      }),
    ).rejects.toThrow('catalog down');
    expect(await cache.get('b', async () => 2)).toBe(2);
  });

  it('keeps at most maxEntries values, evicting the oldest', async () => {
    const cache = new TtlCache<string>({ ttlMs: 60_000, maxEntries: 2 });
    await cache.get('a', async () => 'a1');
    await cache.get('b', async () => 'b1');
    await cache.get('c', async () => 'c1');
    expect(await cache.get('a', async () => 'a2')).toBe('a2');
    expect(await cache.get('c', async () => 'c2')).toBe('c1');
  });
});
