import type { catalogApiRef } from '@backstage/plugin-catalog-react';
import {
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';

type CatalogApi = typeof catalogApiRef.T;

/** Pause after the last keystroke before the catalog is asked. */
export const PICKER_DEBOUNCE_MS = 250;
/** At most this many entities per answer. */
export const PICKER_LIMIT = 20;
/** Parents looked up above an option, for its hierarchy path. */
const MAX_ANCESTORS = 4;

const FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'spec.parent',
  'spec.profile.displayName',
];

/** An entity to pick, with the titles of its parent groups, root first. */
export interface PickerOption {
  ref: string;
  title: string;
  path: string[];
}

/** The title shown for an entity, bounded (catalog strings are untrusted). */
export function entityTitle(e: Entity): string {
  const profile = (e.spec as { profile?: { displayName?: unknown } })
    ?.profile;
  const title =
    typeof profile?.displayName === 'string' && profile.displayName
      ? profile.displayName
      : e.metadata.title || e.metadata.name;
  return String(title).slice(0, 200);
}

function refOf(e: Entity): string {
  return stringifyEntityRef(e).toLocaleLowerCase('en-US');
}

/** The normalized ref of a group's `spec.parent`, if any. */
export function parentRef(e: Entity): string | undefined {
  const parent = (e.spec as { parent?: unknown })?.parent;
  if (typeof parent !== 'string' || !parent || parent.length > 300) {
    return undefined;
  }
  try {
    return stringifyEntityRef(
      parseEntityRef(parent, {
        defaultKind: 'group',
        defaultNamespace: e.metadata.namespace ?? 'default',
      }),
    ).toLocaleLowerCase('en-US');
  } catch {
    return undefined;
  }
}

/** Titles of the parents of `e`, root first; cycle-safe and bounded. */
function pathOf(e: Entity, known: Map<string, Entity>): string[] {
  const path: string[] = [];
  const seen = new Set([refOf(e)]);
  let parent = parentRef(e);
  while (parent && !seen.has(parent) && path.length < MAX_ANCESTORS) {
    seen.add(parent);
    const p = known.get(parent);
    path.unshift(p ? entityTitle(p) : parent.replace(/^group:default\//, ''));
    parent = p ? parentRef(p) : undefined;
  }
  return path;
}

/**
 * The options of catalog entities: those whose name or title starts with
 * the typed text first, then the other matches, each by title; each with
 * its parents' titles from `known` (the entities and their ancestors).
 * Pure, for tests.
 */
export function toPickerOptions(
  entities: Entity[],
  known: Map<string, Entity>,
  term = '',
): PickerOption[] {
  const text = term.trim().toLocaleLowerCase('en-US');
  const starts = (e: Entity) =>
    text !== '' &&
    [e.metadata.name, entityTitle(e)].some(s =>
      s.toLocaleLowerCase('en-US').startsWith(text),
    );
  return [...entities]
    .sort(
      (a, b) =>
        Number(starts(b)) - Number(starts(a)) ||
        entityTitle(a).localeCompare(entityTitle(b)),
    )
    .map(e => ({ ref: refOf(e), title: entityTitle(e), path: pathOf(e, known) }));
}

/** The entities and their ancestors, by normalized ref (a few lookups). */
async function withAncestors(
  catalogApi: CatalogApi,
  entities: Entity[],
): Promise<Map<string, Entity>> {
  const known = new Map(entities.map(e => [refOf(e), e]));
  let wanted = entities;
  for (let depth = 0; depth < MAX_ANCESTORS; depth++) {
    const missing = [
      ...new Set(
        wanted.map(parentRef).filter((r): r is string => !!r && !known.has(r)),
      ),
    ];
    if (missing.length === 0) break;
    const { items } = await catalogApi.getEntitiesByRefs({
      entityRefs: missing,
      fields: FIELDS,
    });
    wanted = items.filter((e): e is Entity => !!e);
    for (const e of wanted) known.set(refOf(e), e);
  }
  return known;
}

/**
 * Entities of `kind` whose name or title contains `term`, at most
 * {@link PICKER_LIMIT}, with their parents' titles.
 */
export async function searchPickerOptions(
  catalogApi: CatalogApi,
  kind: string,
  term: string,
): Promise<PickerOption[]> {
  const text = term.trim().slice(0, 100);
  const { items } = await catalogApi.queryEntities({
    filter: { kind },
    ...(text
      ? {
          fullTextFilter: {
            term: text,
            fields: ['metadata.name', 'metadata.title', 'spec.profile.displayName'],
          },
        }
      : {}),
    orderFields: { field: 'metadata.name', order: 'asc' },
    limit: PICKER_LIMIT,
    fields: FIELDS,
  });
  return toPickerOptions(items, await withAncestors(catalogApi, items), text);
}

/** The options of given refs (the selected value), in their order. */
export async function describeRefs(
  catalogApi: CatalogApi,
  refs: string[],
): Promise<PickerOption[]> {
  const { items } = await catalogApi.getEntitiesByRefs({
    entityRefs: refs,
    fields: FIELDS,
  });
  const found = items.filter((e): e is Entity => !!e);
  const known = await withAncestors(catalogApi, found);
  return found.map(e => ({
    ref: refOf(e),
    title: entityTitle(e),
    path: pathOf(e, known),
  }));
}
