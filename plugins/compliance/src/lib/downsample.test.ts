import { downsample } from './downsample';

const series = (scores: Array<number | null>) =>
  scores.map((score, i) => ({ day: `d${i}`, score }));

describe('downsample', () => {
  it('leaves a short series as it is', () => {
    const s = series([1, 2, 3]);
    expect(downsample(s, 120)).toBe(s);
  });

  it('draws a year in at most the given points, in day order, keeping both ends', () => {
    const s = series(Array.from({ length: 365 }, (_, i) => (i * 37) % 101));
    const out = downsample(s, 120);
    expect(out.length).toBeLessThanOrEqual(120);
    expect(out.length).toBeGreaterThan(60);
    expect(out[0]).toBe(s[0]);
    expect(out[out.length - 1]).toBe(s[364]);
    const days = out.map(p => s.indexOf(p));
    expect(days).toEqual([...days].sort((a, b) => a - b));
  });

  it('keeps a one-day dip and a one-day spike', () => {
    const scores: Array<number | null> = Array.from({ length: 365 }, () => 60);
    scores[100] = 5;
    scores[250] = 99;
    const out = downsample(series(scores), 50);
    expect(out.map(p => p.score)).toContain(5);
    expect(out.map(p => p.score)).toContain(99);
  });

  it('keeps a gap without scores as a gap', () => {
    const scores: Array<number | null> = Array.from({ length: 365 }, (_, i) =>
      i >= 150 && i < 200 ? null : 70,
    );
    const out = downsample(series(scores), 60);
    expect(out.some(p => p.score === null)).toBe(true);
  });
});
