import type {
  ComplianceApi,
  ControlResultWithControl,
  EntityComplianceSummary,
  EntityHistory,
} from 'backstage-plugin-compliance-common';

/**
 * The trend range the tab fetches: the longest one offered, so switching to
 * a shorter range cuts the loaded points instead of asking the server again.
 */
export const HISTORY_DAYS = 365;

/** How long a prefetched answer may stand in for a new request. */
const MAX_AGE_MS = 15_000;

type Part = 'summary' | 'results' | 'history';

interface Entry {
  at: number;
  promise: Promise<unknown>;
}

// Per API instance, so tests (a new fake API each) never share answers.
const caches = new WeakMap<object, Map<string, Entry>>();

function cached<T>(
  api: object,
  key: string,
  load: () => Promise<T>,
  fresh: boolean,
): Promise<T> {
  let cache = caches.get(api);
  if (!cache) {
    cache = new Map();
    caches.set(api, cache);
  }
  const now = Date.now();
  for (const [k, e] of cache) if (now - e.at > MAX_AGE_MS) cache.delete(k);
  const hit = cache.get(key);
  if (hit && !fresh) return hit.promise as Promise<T>;
  const promise = load();
  const entry = { at: now, promise };
  cache.set(key, entry);
  // A failed request is not kept: the next caller asks again.
  promise.catch(() => {
    if (cache!.get(key) === entry) cache!.delete(key);
  });
  return promise;
}

function loadPart(
  api: ComplianceApi,
  entityRef: string,
  part: Part,
  fresh: boolean,
): Promise<unknown> {
  const key = `${part}\u0000${entityRef}`;
  switch (part) {
    case 'summary':
      return cached(api, key, () => api.getSummary(entityRef), fresh);
    case 'results':
      return cached(api, key, () => api.getResults(entityRef), fresh);
    default:
      return cached(
        api,
        key,
        () => api.getHistory(entityRef, { days: HISTORY_DAYS }),
        fresh,
      );
  }
}

/**
 * Starts every request the Compliance tab needs at once (summary, results,
 * the year of history), before the tab's code has loaded. The tab's
 * components then pick up the answers instead of asking again. Idempotent.
 */
export function prefetchEntityData(api: ComplianceApi, entityRef: string) {
  for (const part of ['summary', 'results', 'history'] as const) {
    // Errors surface when a component awaits the same promise.
    loadPart(api, entityRef, part, false).catch(() => {});
  }
}

/** The summary and results of an entity; `fresh` skips prefetched answers. */
export async function loadSummaryAndResults(
  api: ComplianceApi,
  entityRef: string,
  fresh = false,
): Promise<{
  summary: EntityComplianceSummary;
  results: ControlResultWithControl[];
}> {
  const [summary, results] = await Promise.all([
    loadPart(api, entityRef, 'summary', fresh) as Promise<
      EntityComplianceSummary
    >,
    loadPart(api, entityRef, 'results', fresh) as Promise<{
      items: ControlResultWithControl[];
    }>,
  ]);
  return { summary, results: results.items };
}

/** The year of history of an entity; `fresh` skips prefetched answers. */
export function loadHistory(
  api: ComplianceApi,
  entityRef: string,
  fresh = false,
): Promise<EntityHistory> {
  return loadPart(api, entityRef, 'history', fresh) as Promise<EntityHistory>;
}

/**
 * The last `days` days of a history (today in UTC included), as the server
 * would answer `?days=`: its points and status changes from that day on.
 * Pure, for tests.
 */
export function sliceHistory(
  history: EntityHistory,
  days: number,
  now: Date = new Date(),
): EntityHistory {
  const first = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) -
      (days - 1) * 86_400_000,
  );
  const firstDay = first.toISOString().slice(0, 10);
  return {
    ...history,
    points: history.points.filter(p => p.day >= firstDay),
    changes: history.changes.filter(
      c => !(Date.parse(c.changedAt) < first.getTime()),
    ),
  };
}
