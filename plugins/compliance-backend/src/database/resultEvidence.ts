import type { Knex } from 'knex';
import type {
  EvidenceFact,
  FactEvidence,
  JsonValue,
  UnknownReason,
} from 'backstage-plugin-compliance-common';
import {
  FactStateView,
  StoredEvidence,
  evidenceRefHash,
  parseStoredEvidence,
  refsOf,
  resolveEvidence,
  toEvaluationFact,
  toEvidence,
  unresolvedEvidence,
} from '../lib/evidenceRefs';
import type { StoredFact } from './ComplianceStore';
import { FactRow, STORED_FACT_COLUMNS, storedFact } from './DatabaseFactStore';
import { Timestamp, chunks, parse, toIso } from './util';

/** The columns of `compliance_fact_history` evidence is rebuilt from. */
interface HistoryStateRow {
  entity_ref: string;
  fact_id: string;
  value: string | null;
  unknown_reason: string | null;
  message: string | null;
  last_good_observed_at: Timestamp | null;
  evidence: string | null;
  observed_at: Timestamp;
}

/** A history row as the fact state it recorded. */
export function historyState(r: HistoryStateRow): FactStateView {
  const known = r.value !== null;
  const lastGood = toIso(r.last_good_observed_at);
  return {
    factId: r.fact_id,
    value: known ? parse<JsonValue>(r.value, null) : null,
    ...(r.unknown_reason
      ? { unknownReason: r.unknown_reason as UnknownReason }
      : {}),
    ...(r.message ? { message: r.message } : {}),
    observedAt: toIso(r.observed_at),
    ...(lastGood ? { lastGoodObservedAt: lastGood } : {}),
    ...(r.evidence ? { evidence: parse<FactEvidence>(r.evidence, {}) } : {}),
    known,
    stale: known && r.unknown_reason !== null,
  };
}

const keyOf = (ref: string, factId: string) => `${ref}\u0000${factId}`;

/** Evidence candidates by entity, fact and reference hash. */
class Candidates {
  readonly #byKey = new Map<string, Map<string, EvidenceFact>>();

  add(ref: string, state: FactStateView) {
    const evidence = toEvidence(toEvaluationFact(state));
    const key = keyOf(ref, state.factId);
    const byHash = this.#byKey.get(key) ?? new Map<string, EvidenceFact>();
    const hash = evidenceRefHash(evidence);
    // The newest state first: history is added newest first.
    if (!byHash.has(hash)) byHash.set(hash, evidence);
    this.#byKey.set(key, byHash);
  }

  lookup(ref: string) {
    return (factId: string, hash: string) =>
      this.#byKey.get(keyOf(ref, factId))?.get(hash);
  }
}

async function readCurrentFacts(
  db: Knex,
  refs: string[],
  factIds: string[],
): Promise<Map<string, StoredFact[]>> {
  const out = new Map<string, StoredFact[]>();
  for (const part of chunks(refs)) {
    for (const ids of chunks(factIds)) {
      const rows: FactRow[] = await db('compliance_facts')
        .whereIn('entity_ref', part)
        .whereIn('fact_id', ids)
        .select(STORED_FACT_COLUMNS);
      for (const r of rows) {
        const list = out.get(r.entity_ref) ?? [];
        list.push(storedFact(r));
        out.set(r.entity_ref, list);
      }
    }
  }
  return out;
}

/**
 * The evidence of result rows, from what they store: each reference
 * resolved against the current fact state (from `currentFacts` when the
 * caller read them, otherwise read here), and when the fact changed since
 * the evaluation, against its history by hash. A reference nothing matches
 * (history deleted by retention) is shown as such, never as another state.
 * Returns the evidence per row, in the rows' order.
 */
export async function resolveResultEvidence(
  db: Knex,
  rows: Array<{ entity_ref: string; evidence: string | null }>,
  currentFacts?: ReadonlyMap<string, StoredFact[]>,
): Promise<EvidenceFact[][]> {
  const stored: StoredEvidence[][] = rows.map(r =>
    parseStoredEvidence(r.evidence),
  );
  const refs = new Set<string>();
  const factIds = new Set<string>();
  rows.forEach((r, i) => {
    for (const [factId] of refsOf(stored[i])) {
      refs.add(r.entity_ref);
      factIds.add(factId);
    }
  });
  const candidates = new Candidates();
  const current =
    currentFacts ?? (await readCurrentFacts(db, [...refs], [...factIds]));
  for (const ref of refs) {
    for (const f of current.get(ref) ?? []) candidates.add(ref, f);
  }
  let resolved = rows.map((r, i) =>
    resolveEvidence(stored[i], candidates.lookup(r.entity_ref)),
  );

  // The facts that changed since their results were evaluated.
  const missRefs = new Set<string>();
  const missIds = new Set<string>();
  resolved.forEach((r, i) => {
    if (r.missing.length) missRefs.add(rows[i].entity_ref);
    r.missing.forEach(id => missIds.add(id));
  });
  if (missRefs.size) {
    for (const part of chunks([...missRefs])) {
      for (const ids of chunks([...missIds])) {
        const history: HistoryStateRow[] = await db('compliance_fact_history')
          .whereIn('entity_ref', part)
          .whereIn('fact_id', ids)
          .orderBy('id', 'desc')
          .select(
            'entity_ref',
            'fact_id',
            'value',
            'unknown_reason',
            'message',
            'last_good_observed_at',
            'evidence',
            'observed_at',
          );
        for (const h of history) candidates.add(h.entity_ref, historyState(h));
      }
    }
    resolved = rows.map((r, i) =>
      resolved[i].missing.length
        ? resolveEvidence(stored[i], candidates.lookup(r.entity_ref))
        : resolved[i],
    );
  }
  return resolved.map((r, i) =>
    r.evidence.map(
      (e, j) => e ?? unresolvedEvidence((stored[i][j] as [string, string])[0]),
    ),
  );
}
