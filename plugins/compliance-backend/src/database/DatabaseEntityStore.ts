import type { Knex } from 'knex';
import type { EntitySnapshot } from '../lib/evaluate';
import { hashOf } from '../lib/hash';
import { searchTermsOf } from '../lib/searchTerms';
import type { EntityStore } from './ComplianceStore';
import {
  Dialect,
  chunks,
  countOf,
  dialectOf,
  lockEntities,
  parse,
  retryOnConflict,
  selectInChunks,
} from './util';
import { insertRows } from './insertRows';

/** Tables keyed by entity that go with the entity when it leaves the catalog. */
const ENTITY_DATA_TABLES = [
  'compliance_facts',
  'compliance_results',
  'compliance_framework_scores',
  'compliance_search_terms',
];

const MERGED_COLUMNS = [
  'kind',
  'namespace',
  'name',
  'title',
  'owner',
  'system',
  'lifecycle',
  'type',
  'entity_json',
  'entity_hash',
  'dirty',
  'facts_changed_at',
  'last_seen_at',
];

/**
 * A value for a fixed-width column: at most `max` characters (whole code
 * points). Catalog strings are unbounded; the full snapshot is kept in
 * `entity_json`.
 */
export function fit(value: string | undefined, max: number): string | null {
  if (value === undefined || value === null) return null;
  const chars = Array.from(value);
  return chars.length <= max ? value : chars.slice(0, max).join('');
}

/** A ref for a fixed-width column: dropped when too long to be a real ref. */
function refColumn(value: string | undefined): string | null {
  return value !== undefined && value.length <= 255 ? value : null;
}

function entityRow(
  r: { e: EntitySnapshot; json: string; hash: string },
  now: Date,
): Record<string, unknown> {
  const { e } = r;
  return {
    entity_ref: e.entityRef,
    kind: e.kind.toLocaleLowerCase('en-US'),
    namespace: e.namespace,
    name: e.name,
    title: fit(e.title, 255),
    owner: refColumn(e.owner),
    system: refColumn(e.system),
    lifecycle: fit(e.lifecycle, 63),
    type: fit(e.type, 63),
    entity_json: r.json,
    entity_hash: r.hash,
    dirty: true,
    facts_changed_at: now,
    last_seen_at: now,
  };
}

/** Replaces the search terms of the given entity rows (in their transaction). */
async function writeSearchTerms(
  tx: Knex.Transaction,
  dialect: Dialect,
  rows: Array<Record<string, unknown>>,
): Promise<void> {
  const refs = rows.map(r => r.entity_ref as string);
  await tx('compliance_search_terms').whereIn('entity_ref', refs).delete();
  const terms = rows.flatMap(r =>
    searchTermsOf(String(r.name), r.title as string | null).map(term => ({
      term,
      entity_ref: r.entity_ref as string,
    })),
  );
  await insertRows(tx, dialect, 'compliance_search_terms', terms, {
    chunk: 200,
    onConflict: { columns: ['term', 'entity_ref'], ignore: true },
  });
}

function byCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** The knex implementation of {@link EntityStore}. */
export class DatabaseEntityStore implements EntityStore {
  readonly dialect: Dialect;

  constructor(private readonly db: Knex) {
    this.dialect = dialectOf(db);
  }

  async upsertEntities(
    entities: EntitySnapshot[],
    now: Date,
  ): Promise<string[]> {
    if (entities.length === 0) return [];
    const rows = entities.map(e => ({
      e,
      json: JSON.stringify(e),
      hash: hashOf(e),
    }));
    const found = await selectInChunks(
      rows.map(r => r.e.entityRef),
      (part): Promise<Array<{ entity_ref: string; entity_hash: string }>> =>
        this.db('compliance_entities')
          .whereIn('entity_ref', part)
          .select('entity_ref', 'entity_hash'),
    );
    const existing = new Map(found.map(f => [f.entity_ref, f.entity_hash]));
    const changed = rows.filter(r => existing.get(r.e.entityRef) !== r.hash);
    const written: string[] = [];
    for (const part of chunks(changed, 200)) {
      try {
        await this.#upsertRows(part.map(r => entityRow(r, now)));
        written.push(...part.map(r => r.e.entityRef));
      } catch {
        // One bad row never fails the batch: write the rows one by one and
        // leave out only the ones the database refuses.
        for (const r of part) {
          try {
            await this.#upsertRows([entityRow(r, now)]);
            written.push(r.e.entityRef);
          } catch {
            // Left out; the rest of the batch is written.
          }
        }
      }
    }
    return written;
  }

  async #upsertRows(rows: Array<Record<string, unknown>>): Promise<void> {
    // Rows in ref order: the insert takes its row locks in the same order
    // as every other writer (see lockEntities).
    rows.sort((a, b) =>
      byCodeUnits(String(a.entity_ref), String(b.entity_ref)),
    );
    await retryOnConflict(() => this.#upsertOnce(rows));
  }

  async #upsertOnce(rows: Array<Record<string, unknown>>): Promise<void> {
    await this.db.transaction(async tx => {
      await lockEntities(
        tx,
        rows.map(r => r.entity_ref as string),
        this.dialect,
      );
      await insertRows(tx, this.dialect, 'compliance_entities', rows, {
        chunk: rows.length,
        onConflict: { columns: ['entity_ref'], merge: MERGED_COLUMNS },
      });
      await tx('compliance_entities')
        .whereIn(
          'entity_ref',
          rows.map(r => r.entity_ref as string),
        )
        .increment('dirty_version', 1);
      await writeSearchTerms(tx, this.dialect, rows);
    });
  }

  async deleteEntitiesNotIn(keep: Set<string>): Promise<number> {
    const all: Array<{ entity_ref: string }> = await this.db(
      'compliance_entities',
    ).select('entity_ref');
    const gone = all.map(r => r.entity_ref).filter(ref => !keep.has(ref));
    for (const part of chunks(gone)) {
      await this.db.transaction(async tx => {
        // The entity row first: it waits for an evaluation that holds it, and
        // the data deleted next then includes what that evaluation wrote.
        await tx('compliance_entities').whereIn('entity_ref', part).delete();
        for (const table of ENTITY_DATA_TABLES) {
          await tx(table).whereIn('entity_ref', part).delete();
        }
      });
    }
    return gone.length;
  }

  async getEntitySnapshots(
    entityRefs: string[],
  ): Promise<Map<string, EntitySnapshot>> {
    const rows = await selectInChunks(
      entityRefs,
      (part): Promise<Array<{ entity_ref: string; entity_json: string }>> =>
        this.db('compliance_entities')
          .whereIn('entity_ref', part)
          .select('entity_ref', 'entity_json'),
    );
    const out = new Map<string, EntitySnapshot>();
    for (const r of rows) {
      const snapshot = parse<EntitySnapshot | undefined>(
        r.entity_json,
        undefined,
      );
      if (snapshot) out.set(r.entity_ref, snapshot);
    }
    return out;
  }

  async markAllDirty(): Promise<void> {
    const all: Array<{ entity_ref: string }> = await this.db(
      'compliance_entities',
    ).select('entity_ref');
    await this.markDirty(all.map(r => r.entity_ref));
  }

  async markDirty(entityRefs: string[]): Promise<void> {
    const sorted = [...new Set(entityRefs)].sort();
    for (const part of chunks(sorted)) {
      await retryOnConflict(() =>
        this.db.transaction(async tx => {
          await lockEntities(tx, part, this.dialect);
          await tx('compliance_entities')
            .whereIn('entity_ref', part)
            .update({ dirty: true })
            .increment('dirty_version', 1);
        }),
      );
    }
  }

  async getDirtyVersions(entityRefs: string[]): Promise<Map<string, number>> {
    const rows = await selectInChunks(
      entityRefs,
      (part): Promise<Array<{ entity_ref: string; dirty_version: number }>> =>
        this.db('compliance_entities')
          .whereIn('entity_ref', part)
          .select('entity_ref', 'dirty_version'),
    );
    return new Map(rows.map(r => [r.entity_ref, Number(r.dirty_version)]));
  }

  async getDirtyEntityRefs(limit: number, after?: string): Promise<string[]> {
    let q = this.db('compliance_entities').where('dirty', true);
    if (after) q = q.where('entity_ref', '>', after);
    const rows: Array<{ entity_ref: string }> = await q
      .orderBy('entity_ref')
      .limit(limit)
      .select('entity_ref');
    return rows.map(r => r.entity_ref);
  }

  async countEntities(): Promise<number> {
    return countOf(
      await this.db('compliance_entities').count({ n: '*' }).first(),
    );
  }
}
