import { RateBudget } from './GithubClients';

describe('RateBudget', () => {
  let now = Date.parse('2025-06-15T12:00:00Z');
  const clock = () => now;

  it('stops under the reserve only until the bucket resets', () => {
    const budget = new RateBudget(clock);
    budget.observe({
      'x-ratelimit-remaining': '100',
      'x-ratelimit-reset': String(now / 1000 + 600),
    });
    expect(budget.exhausted(500)).toBe(true);
    now += 601_000;
    // The next cycle starts with a refilled bucket instead of stopping forever.
    expect(budget.restRemaining).toBeUndefined();
    expect(budget.exhausted(500)).toBe(false);
  });

  it('trusts a figure without a reset time for an hour', () => {
    const budget = new RateBudget(clock);
    budget.observe({
      'x-ratelimit-remaining': '10',
      'x-ratelimit-resource': 'graphql',
    });
    expect(budget.graphqlRemaining).toBe(10);
    now += 3_600_001;
    expect(budget.graphqlRemaining).toBeUndefined();
  });

  it('is limited after a secondary limit or abuse answer, for its retry-after', () => {
    const budget = new RateBudget(clock);
    budget.observeError(403, 'Not Found', {});
    expect(budget.limited).toBeUndefined();
    budget.observeError(
      403,
      'You have triggered an abuse detection mechanism.',
      { 'retry-after': '30' },
    );
    expect(budget.limited).toMatch(/abuse detection/);
    expect(budget.exhausted(0)).toBe(true);
    now += 31_000;
    expect(budget.limited).toBeUndefined();
    budget.observeError(429, 'Too Many Requests', {});
    expect(budget.limited).toMatch(/429/);
  });

  it('is limited until the reset after a primary limit answer', () => {
    const budget = new RateBudget(clock);
    budget.observeError(403, 'API rate limit exceeded for installation ID 1.', {
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(now / 1000 + 120),
    });
    expect(budget.limited).toMatch(/API rate limit exceeded/);
    now += 119_000;
    expect(budget.exhausted(0)).toBe(true);
    now += 2_000;
    expect(budget.exhausted(0)).toBe(false);
  });
});
