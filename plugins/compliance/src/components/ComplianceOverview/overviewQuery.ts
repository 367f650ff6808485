import type { OverviewQueryInput } from 'backstage-plugin-compliance-common';

/** The entity kinds offered by the kind filter. */
export const KINDS = ['Component', 'API', 'Resource', 'System'];

/** The overview's filter state, as typed by the user. */
export interface Filters {
  owner: string;
  /** 'true': only what the owner group owns itself, not its child groups. */
  ownerDirect: string;
  system: string;
  kind: string;
  level: string;
  framework: string;
  search: string;
  /** A control id: entities on which it fails. */
  failing: string;
}

/** No filter set. */
export const emptyFilters: Filters = {
  owner: '',
  ownerDirect: '',
  system: '',
  kind: '',
  level: '',
  framework: '',
  search: '',
  failing: '',
};

/** The filter keys kept in the page's URL, so a link shares the view. */
export const FILTER_KEYS = Object.keys(emptyFilters) as Array<keyof Filters>;

/** The filters held in a URL's search parameters. */
export function filtersFromParams(params: URLSearchParams): Filters {
  const f = { ...emptyFilters };
  for (const key of FILTER_KEYS) {
    const v = params.get(key);
    if (v) f[key] = v.slice(0, 500);
  }
  return f;
}

/** Search parameters of the filters and table state, empty ones left out. */
export function paramsOf(
  filters: Filters,
  table: { sort: string; order: string; page: number },
): URLSearchParams {
  const p = new URLSearchParams();
  for (const key of FILTER_KEYS) if (filters[key]) p.set(key, filters[key]);
  if (table.sort !== 'score') p.set('sort', table.sort);
  if (table.order !== 'asc') p.set('order', table.order);
  if (table.page > 0) p.set('page', String(table.page + 1));
  return p;
}

/** The overview query of the filters: trimmed, empty ones left out. */
export function toQuery(filters: Filters): OverviewQueryInput {
  const q: OverviewQueryInput = {};
  if (filters.owner.trim()) {
    q.owner = filters.owner.trim();
    if (filters.ownerDirect === 'true') q.ownerDirect = true;
  }
  if (filters.system.trim()) q.system = filters.system.trim();
  if (filters.kind) q.kind = filters.kind;
  if (filters.level) q.level = filters.level;
  if (filters.framework) q.framework = filters.framework;
  if (filters.search.trim()) q.search = filters.search.trim();
  if (filters.failing) q.failing = filters.failing;
  return q;
}

/** `group:default/team-a` → `team-a`; other namespaces stay visible. */
export function shortRef(ref: string): string {
  const match = /^(?:[^:]+:)?(?:default\/)?(.+)$/.exec(ref);
  return match ? match[1] : ref;
}
