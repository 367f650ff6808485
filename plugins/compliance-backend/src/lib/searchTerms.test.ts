import { normalizeSearchText, prefixRange, searchTermsOf } from './searchTerms';

describe('searchTermsOf', () => {
  it('holds every word-start suffix of the name and title, lower case', () => {
    expect(searchTermsOf('svc-07', 'Payments Gateway').sort()).toEqual(
      ['07', 'gateway', 'payments gateway', 'svc-07'].sort(),
    );
  });

  it('is bounded for hostile input', () => {
    const terms = searchTermsOf('a', `${'x-'.repeat(5000)}😀`);
    expect(terms.length).toBeLessThanOrEqual(40);
    for (const t of terms)
      expect(Array.from(t).length).toBeLessThanOrEqual(100);
  });
});

describe('prefixRange', () => {
  it('bounds exactly the strings that start with the prefix', () => {
    const { low, high } = prefixRange('svc-1');
    const inRange = (s: string) => s >= low && (high === undefined || s < high);
    expect(['svc-1', 'svc-10', 'svc-1\u{10ffff}'].every(inRange)).toBe(true);
    expect(['svc-0', 'svc-2', 'svc-', 'svd'].some(inRange)).toBe(false);
    expect(normalizeSearchText('  SVC-1 ')).toBe('svc-1');
  });
});
