/** Items per page of the paginated lists the collector reads (GitHub's maximum). */
export const PER_PAGE = 100;

/**
 * Pages of one alert list read per repository and cycle. A list longer than
 * this is reported truncated (unknown), never as the count of what was read.
 */
export const MAX_ALERT_PAGES = 10;

/**
 * The query parameters of the `rel="next"` page of a `Link` header, or
 * `undefined` when there is no next page. Only the parameters are used: the
 * next request goes to the same route on the configured host.
 */
export function nextPageParams(
  link: string | undefined,
): URLSearchParams | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const match = /<([^>]*)>\s*;\s*rel="?next"?/.exec(part);
    if (match) {
      try {
        return new URL(match[1], 'https://api.github.com').searchParams;
      } catch {
        return new URLSearchParams();
      }
    }
  }
  return undefined;
}

/**
 * Whether a page of a list is followed by more. GitHub says so with a
 * `Link: <…>; rel="next"` header; a full page without any `Link` header
 * (a proxy that drops it) is assumed to be followed by more, so that a
 * count is never taken from the first page alone.
 */
export function hasMorePages(
  link: string | undefined,
  items: number,
  perPage = PER_PAGE,
): boolean {
  if (link) return nextPageParams(link) !== undefined;
  return items >= perPage;
}
