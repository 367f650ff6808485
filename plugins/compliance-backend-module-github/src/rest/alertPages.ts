import { JsonValue } from 'backstage-plugin-compliance-common';
import { MalformedAnswerError } from '../lib/classify';
import { isBoolean, isJsonObject, isNumber, isRecord } from '../lib/json';
import {
  hasMorePages,
  MAX_ALERT_PAGES,
  nextPageParams,
  PER_PAGE,
} from '../lib/pagination';

/** A JSON object of an alert list. */
export type AlertItem = Record<string, unknown>;

/**
 * What is kept of the first page of an open-alerts list: the count on it
 * and whether more pages follow (then the count is not the answer).
 */
export type FirstAlertsPage = { count: number; more: boolean };

/** Reads a kept first page back; `undefined` for any other shape. */
export function readFirstAlertsPage(
  value: JsonValue,
): FirstAlertsPage | undefined {
  return isJsonObject(value) && isNumber(value.count) && isBoolean(value.more)
    ? { count: value.count, more: value.more }
    : undefined;
}

/** The items of a list answer; throws when the body is not a list of objects. */
export function alertItems(data: unknown, route: string): AlertItem[] {
  if (!Array.isArray(data) || !data.every(isRecord)) {
    throw new MalformedAnswerError(route);
  }
  return data;
}

/** Where the next page starts: a page number or a cursor. */
export type PageCursor = { page?: number; after?: string };

/** A count over pages, or the count so far when the list went on. */
export type PagedCount = {
  count: number;
  /** Alerts counted by a second measure (e.g. overdue ones). */
  extra: number;
  /** More pages followed the last one read. */
  truncated: boolean;
  pages: number;
};

/**
 * Counts the items of a paginated list, at most `maxPages` pages from
 * `start`. Follows GitHub's `Link` header (page numbers or cursors).
 */
export async function countPages(options: {
  route: string;
  fetchPage: (
    cursor: PageCursor,
  ) => Promise<{ data: unknown; headers: { link?: string } }>;
  count: (items: AlertItem[]) => number;
  extra?: (items: AlertItem[]) => number;
  start?: PageCursor;
  maxPages?: number;
}): Promise<PagedCount> {
  const maxPages = options.maxPages ?? MAX_ALERT_PAGES;
  let cursor: PageCursor = options.start ?? {};
  let count = 0;
  let extra = 0;
  for (let pages = 1; pages <= maxPages; pages++) {
    const response = await options.fetchPage(cursor);
    const items = alertItems(response.data, options.route);
    count += options.count(items);
    extra += options.extra?.(items) ?? 0;
    const link = response.headers.link;
    if (!hasMorePages(link, items.length, PER_PAGE)) {
      return { count, extra, truncated: false, pages };
    }
    const next = nextPageParams(link);
    const after = next?.get('after') ?? undefined;
    const page = Number(next?.get('page'));
    cursor = after
      ? { after }
      : { page: Number.isInteger(page) ? page : (cursor.page ?? 1) + 1 };
  }
  return { count, extra, truncated: true, pages: maxPages };
}

/** The message of a list that went on beyond the pages read. */
export function truncatedMessage(what: string, counted: number): string {
  return `More than ${
    MAX_ALERT_PAGES * PER_PAGE
  } open ${what}: only the first ${MAX_ALERT_PAGES} pages were read, so the count is truncated (at least ${counted})`;
}
