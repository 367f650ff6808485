import { MAX_STATE_KEY_LENGTH, stateKey } from './stateKey';

describe('stateKey', () => {
  it('keeps short keys readable', () => {
    expect(stateKey('runs', 'github.com/acme/payments')).toBe(
      'runs:github.com/acme/payments',
    );
    expect(
      stateKey('etag', 'github.com/acme', 'GET /repos/{owner}/{repo}'),
    ).toBe('etag:github.com/acme:GET /repos/{owner}/{repo}');
  });

  it('hashes keys that would not fit the state key column', () => {
    const owner = 'o'.repeat(39);
    const repo = 'r'.repeat(100);
    const host = `${'h'.repeat(60)}.example.com`;
    const params = JSON.stringify({ owner, repo, branch: 'b'.repeat(200) });
    const key = stateKey('etag', `${host}/${owner}`, 'GET /x', params);
    expect(key).toMatch(/^etag:sha256:[0-9a-f]{64}$/);
    expect(key.length).toBeLessThanOrEqual(MAX_STATE_KEY_LENGTH);
    // deterministic, and different inputs stay different
    expect(stateKey('etag', `${host}/${owner}`, 'GET /x', params)).toBe(key);
    expect(stateKey('etag', `${host}/${owner}`, 'GET /y', params)).not.toBe(
      key,
    );
    expect(stateKey('runs', `${host}/${owner}/${repo}`.repeat(2))).toMatch(
      /^runs:sha256:/,
    );
  });
});
