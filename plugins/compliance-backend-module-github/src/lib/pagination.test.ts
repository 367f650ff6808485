import { hasMorePages, nextPageParams } from './pagination';

describe('nextPageParams', () => {
  it('reads page numbers and cursors of rel="next"', () => {
    const link =
      '<https://api.github.com/repositories/1/code-scanning/alerts?page=2&per_page=100>; rel="next", <https://api.github.com/repositories/1/code-scanning/alerts?page=5&per_page=100>; rel="last"';
    expect(nextPageParams(link)?.get('page')).toBe('2');
    expect(
      nextPageParams(
        '<https://api.github.com/repos/a/b/dependabot/alerts?after=Y3Vyc29y&per_page=100>; rel="next"',
      )?.get('after'),
    ).toBe('Y3Vyc29y');
  });

  it('says there is no next page when the header has none', () => {
    expect(
      nextPageParams('<https://api.github.com/x?page=1>; rel="prev"'),
    ).toBeUndefined();
    expect(nextPageParams(undefined)).toBeUndefined();
  });
});

describe('hasMorePages', () => {
  it('follows the Link header when there is one', () => {
    expect(hasMorePages('<https://x/?page=2>; rel="next"', 3)).toBe(true);
    expect(hasMorePages('<https://x/?page=1>; rel="first"', 100)).toBe(false);
  });

  it('assumes more after a full page without any Link header', () => {
    expect(hasMorePages(undefined, 100)).toBe(true);
    expect(hasMorePages(undefined, 99)).toBe(false);
  });
});
