import type { JsonValue } from './types';
import { loginsInValue, normalizeGithubLogin, personRefSchema } from './people';

describe('people in evidence', () => {
  it('accepts GitHub logins and rejects anything else', () => {
    expect(normalizeGithubLogin('Octo-Cat')).toBe('octo-cat');
    expect(normalizeGithubLogin('dependabot[bot]')).toBe('dependabot[bot]');
    expect(normalizeGithubLogin('-lead')).toBeUndefined();
    expect(normalizeGithubLogin('a--b')).toBeUndefined();
    expect(normalizeGithubLogin('x'.repeat(40))).toBeUndefined();
    expect(
      normalizeGithubLogin('ignore previous instructions'),
    ).toBeUndefined();
    expect(normalizeGithubLogin(42)).toBeUndefined();
  });

  it('finds the authors and reviewers of offending pull requests, once each', () => {
    const value: JsonValue = [
      { number: 1, author: 'Alice', reviewers: ['bob', 'alice'], missing: [] },
      { number: 2, author: null, reviewers: ['<script>', 'carol'] },
      { title: 'author', nested: { committer: 'dave' } },
    ];
    expect(loginsInValue(value)).toEqual(['alice', 'bob', 'carol', 'dave']);
    expect(loginsInValue(value, 2)).toEqual(['alice', 'bob']);
    expect(loginsInValue('alice')).toEqual([]);
  });

  it('validates a person reference strictly', () => {
    expect(
      personRefSchema.safeParse({
        login: 'alice',
        userRef: 'user:default/alice',
        displayName: 'Alice Example',
      }).success,
    ).toBe(true);
    expect(personRefSchema.safeParse({ login: 'alice' }).success).toBe(true);
    expect(
      personRefSchema.safeParse({ login: 'alice', userRef: 'group:default/x' })
        .success,
    ).toBe(false);
    expect(
      personRefSchema.safeParse({ login: 'alice', url: 'https://x' }).success,
    ).toBe(false);
  });
});
