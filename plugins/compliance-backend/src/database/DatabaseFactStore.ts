import type { Knex } from 'knex';
import type {
  JsonValue,
  UnknownReason,
} from 'backstage-plugin-compliance-common';
import { FactState, mergeFact } from '../lib/factMerge';
import { canonicalValue, factPayloadHash } from '../lib/evidence';
import type { FactStore, FactWrite, StoredFact } from './ComplianceStore';
import {
  Dialect,
  Timestamp,
  chunks,
  dialectOf,
  likePrefix,
  likeSql,
  lockEntities,
  retryOnConflict,
  stateKey,
  groupBy,
  parse,
  selectInChunks,
  toIso,
} from './util';
import { insertRows } from './insertRows';

/** A row of `compliance_facts`. */
export interface FactRow {
  entity_ref: string;
  fact_id: string;
  collector_id: string;
  value: string | null;
  value_hash: string;
  unknown_reason: string | null;
  message: string | null;
  last_good_value: string | null;
  last_good_observed_at: Timestamp | null;
  evidence: string | null;
  observed_at: Timestamp;
  changed_at: Timestamp;
  last_observed_at?: Timestamp | null;
}

/** The columns {@link storedFact} reads (not the merge's hash and last good value). */
export const STORED_FACT_COLUMNS = [
  'entity_ref',
  'fact_id',
  'collector_id',
  'value',
  'unknown_reason',
  'message',
  'last_good_observed_at',
  'evidence',
  'observed_at',
  'changed_at',
  'last_observed_at',
];

function stateOf(row: FactRow): FactState {
  return {
    value: row.value,
    valueHash: row.value_hash,
    unknownReason: row.unknown_reason as UnknownReason | null,
    message: row.message,
    // Stored only while the value is not the last good one (see writeFacts).
    lastGoodValue: row.last_good_value ?? row.value,
    lastGoodObservedAt: row.last_good_observed_at,
    evidence: row.evidence,
    observedAt: row.observed_at,
    changedAt: row.changed_at,
  };
}

/** A fact row as the stores hand it out. */
export function storedFact(r: FactRow): StoredFact {
  const known = r.value !== null;
  // Parsed once: evaluation reads every fact of every entity it evaluates.
  const value = known ? parse<JsonValue>(r.value, null) : null;
  const fact: StoredFact = {
    entityRef: r.entity_ref,
    factId: r.fact_id,
    collectorId: r.collector_id,
    value,
    ...(r.unknown_reason
      ? { unknownReason: r.unknown_reason as UnknownReason }
      : {}),
    ...(r.message ? { message: r.message } : {}),
    observedAt: toIso(r.observed_at),
    ...(r.last_good_observed_at
      ? { lastGoodObservedAt: toIso(r.last_good_observed_at) }
      : {}),
    ...(r.evidence ? { evidence: parse(r.evidence, {}) } : {}),
    sha256: '',
    changedAt: toIso(r.changed_at),
    lastObservedAt: toIso(r.last_observed_at ?? r.observed_at),
    known,
    stale: known && r.unknown_reason !== null,
  };
  // Hashed when read (evidence, exports), not for every fact evaluated.
  let sha256: string | undefined;
  Object.defineProperty(fact, 'sha256', {
    enumerable: true,
    get: () => (sha256 ??= factPayloadHash(value, r.unknown_reason)),
  });
  return fact;
}

function byCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

const keyOf = (ref: string, factId: string) => `${ref}\u0000${factId}`;

/** The knex implementation of {@link FactStore}. */
export class DatabaseFactStore implements FactStore {
  readonly dialect: Dialect;

  constructor(private readonly db: Knex) {
    this.dialect = dialectOf(db);
  }

  async writeFacts(
    collectorId: string,
    facts: FactWrite[],
  ): Promise<{ written: number }> {
    if (facts.length === 0) return { written: 0 };
    const factIds = [...new Set(facts.map(f => f.factId))];
    const rows = await selectInChunks(
      [...new Set(facts.map(f => f.entityRef))],
      (part): Promise<FactRow[]> =>
        this.db('compliance_facts')
          .whereIn('entity_ref', part)
          .whereIn('fact_id', factIds),
    );
    const existing = new Map(
      rows.map(r => [keyOf(r.entity_ref, r.fact_id), stateOf(r)]),
    );

    const upserts: Array<Record<string, unknown>> = [];
    const history: Array<Record<string, unknown>> = [];
    const dirty = new Set<string>();
    // Unchanged facts only move their last observation time, in one update
    // per observation time and fact id set.
    const seen = new Map<string, { at: Date; refs: string[]; ids: string[] }>();
    for (const raw of facts) {
      // Canonical (key-sorted) values: the same payload in another key order
      // is no change.
      const fact =
        raw.value === undefined
          ? raw
          : { ...raw, value: canonicalValue(raw.value) };
      const { next, changed, messageChanged } = mergeFact(
        existing.get(keyOf(fact.entityRef, fact.factId)),
        fact,
      );
      if (!changed && !messageChanged) {
        const key = fact.observedAt.toISOString();
        const group = seen.get(key) ?? {
          at: fact.observedAt,
          refs: [],
          ids: [],
        };
        group.refs.push(fact.entityRef);
        group.ids.push(fact.factId);
        seen.set(key, group);
        continue;
      }
      upserts.push({
        entity_ref: fact.entityRef,
        fact_id: fact.factId,
        collector_id: collectorId,
        value: next.value,
        value_hash: next.valueHash,
        unknown_reason: next.unknownReason,
        message: next.message,
        // A known value is the last good value (mergeFact), so the column
        // holds one only while the value is unknown: no second copy.
        last_good_value: next.value === null ? next.lastGoodValue : null,
        last_good_observed_at: next.lastGoodObservedAt,
        evidence: next.evidence,
        observed_at: next.observedAt,
        changed_at: next.changedAt,
        last_observed_at: fact.observedAt,
      });
      // Every state a row takes is kept in the history (a new message too),
      // so that a result referencing the state it was evaluated on resolves
      // after the fact moved on. Only a changed value re-evaluates.
      const stale = next.value !== null && next.unknownReason !== null;
      history.push({
        entity_ref: fact.entityRef,
        fact_id: fact.factId,
        collector_id: collectorId,
        value: next.value,
        value_hash: factPayloadHash(
          parse<JsonValue>(next.value, null),
          next.unknownReason,
        ),
        evidence: next.evidence,
        unknown_reason: next.unknownReason,
        message: next.message,
        last_good_observed_at: stale ? next.lastGoodObservedAt : null,
        observed_at: next.observedAt,
      });
      if (changed) dirty.add(fact.entityRef);
    }
    await this.#touchObserved(seen);
    if (upserts.length === 0) return { written: 0 };
    // Facts and dirty flags in one order across writers: no deadlock with
    // another collector or an evaluation; a deadlock reported anyway retries.
    upserts.sort((a, b) =>
      byCodeUnits(
        `${a.entity_ref}\u0000${a.fact_id}`,
        `${b.entity_ref}\u0000${b.fact_id}`,
      ),
    );
    await retryOnConflict(() =>
      this.db.transaction(async tx => {
        await lockEntities(tx, dirty, this.dialect);
        await insertRows(tx, this.dialect, 'compliance_facts', upserts, {
          chunk: 200,
          onConflict: {
            columns: ['entity_ref', 'fact_id'],
            merge: true,
            // An older observation (a slow replica) never overwrites a
            // newer one. MySQL: ON DUPLICATE KEY UPDATE has no WHERE, and
            // the columns keep whole seconds, so the guard is not applied
            // there (see the backend README, "Databases").
            mergeWhere:
              '"compliance_facts"."observed_at" <= excluded."observed_at"',
          },
        });
        await insertRows(tx, this.dialect, 'compliance_fact_history', history, {
          chunk: 200,
        });
        for (const part of chunks([...dirty].sort())) {
          await tx('compliance_entities')
            .whereIn('entity_ref', part)
            .update({ dirty: true, facts_changed_at: new Date() })
            .increment('dirty_version', 1);
        }
      }),
    );
    return { written: upserts.length + history.length };
  }

  /** Moves `last_observed_at` of unchanged facts forward (never back). */
  async #touchObserved(
    seen: Map<string, { at: Date; refs: string[]; ids: string[] }>,
  ): Promise<void> {
    for (const { at, refs, ids } of seen.values()) {
      const factIds = [...new Set(ids)];
      for (const part of chunks([...new Set(refs)].sort())) {
        await retryOnConflict(() =>
          this.db('compliance_facts')
            .whereIn('entity_ref', part)
            .whereIn('fact_id', factIds)
            .where(q =>
              q
                .whereNull('last_observed_at')
                .orWhere('last_observed_at', '<', at),
            )
            .update({ last_observed_at: at }),
        );
      }
    }
  }

  async getFacts(
    entityRefs: string[],
    prefix?: string,
  ): Promise<Map<string, StoredFact[]>> {
    const rows = await selectInChunks(
      entityRefs,
      (part): Promise<FactRow[]> => {
        const q = this.db('compliance_facts')
          .whereIn('entity_ref', part)
          .select(STORED_FACT_COLUMNS);
        if (prefix) {
          q.whereRaw(likeSql('fact_id', this.dialect), [likePrefix(prefix)]);
        }
        return q.orderBy('fact_id');
      },
    );
    return groupBy(rows.map(storedFact), f => f.entityRef);
  }

  async getState(
    collectorId: string,
    keys: string[],
  ): Promise<Map<string, JsonValue>> {
    const rows = await selectInChunks(
      keys,
      (part): Promise<Array<{ key: string; value: string }>> =>
        this.db('compliance_collector_state')
          .where('collector_id', collectorId)
          .whereIn('key', part.map(stateKey))
          .select('key', 'value'),
    );
    const byStored = new Map(rows.map(r => [r.key, r.value]));
    const out = new Map<string, JsonValue>();
    for (const key of keys) {
      const value = byStored.get(stateKey(key));
      if (value !== undefined) out.set(key, parse<JsonValue>(value, null));
    }
    return out;
  }

  async setState(
    collectorId: string,
    entries: Array<{ key: string; value: JsonValue }>,
    now: Date,
  ): Promise<void> {
    for (const part of chunks(entries, 200)) {
      await this.db('compliance_collector_state')
        .insert(
          part.map(e => ({
            collector_id: collectorId,
            key: stateKey(e.key),
            value: JSON.stringify(e.value),
            updated_at: now,
          })),
        )
        .onConflict(['collector_id', 'key'])
        .merge();
    }
  }

  async deleteState(collectorId: string, keys: string[]): Promise<void> {
    for (const part of chunks(keys)) {
      await this.db('compliance_collector_state')
        .where('collector_id', collectorId)
        .whereIn('key', part.map(stateKey))
        .delete();
    }
  }

  async deleteStateBefore(cutoff: Date): Promise<number> {
    return this.db('compliance_collector_state')
      .where('updated_at', '<', cutoff)
      .whereNot('collector_id', 'like', '$%')
      .delete();
  }

  async deleteHistoryBefore(cutoff: Date): Promise<number> {
    if (!this.dialect.isSqlite && !this.dialect.isPostgres) {
      // MySQL cannot select from the table it deletes from.
      return this.db('compliance_fact_history')
        .where('observed_at', '<', cutoff)
        .delete();
    }
    // Keeps the row that was in force at the cut-off, so that the evidence
    // as of any date within the retention stays answerable.
    return this.db('compliance_fact_history')
      .where('observed_at', '<', cutoff)
      .whereExists(q =>
        q
          .select(this.db.raw('1'))
          .from('compliance_fact_history as newer')
          .whereRaw('newer.entity_ref = compliance_fact_history.entity_ref')
          .whereRaw('newer.fact_id = compliance_fact_history.fact_id')
          .where('newer.observed_at', '<=', cutoff)
          .whereRaw('newer.id > compliance_fact_history.id'),
      )
      .delete();
  }
}
