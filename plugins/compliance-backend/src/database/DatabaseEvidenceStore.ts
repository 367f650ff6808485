import type { Knex } from 'knex';
import type {
  ComplianceStatus,
  FactAsOf,
  FactEvidence,
  JsonValue,
  StatusChange,
} from 'backstage-plugin-compliance-common';
import { factPayloadHash } from '../lib/evidence';
import type { EvidenceStore, ExportEntity } from './ComplianceStore';
import { Timestamp, groupBy, parse, selectInChunks, toIso } from './util';

/** A row of `compliance_fact_history`, with the columns of the governance migration. */
interface FactHistoryRow {
  id: number | string;
  entity_ref: string;
  fact_id: string;
  collector_id: string | null;
  value: string | null;
  value_hash: string | null;
  unknown_reason: string | null;
  evidence: string | null;
  observed_at: Timestamp;
}

/** A row of `compliance_status_changes`. */
interface ChangeRow {
  entity_ref: string;
  control_id: string;
  from_status: string | null;
  to_status: string;
  cause: string;
  reason: string;
  control_version: string;
  changed_at: Timestamp;
}

function factAsOf(r: FactHistoryRow): FactAsOf {
  const value = r.value === null ? null : parse<JsonValue>(r.value, null);
  const evidence = parse<FactEvidence | null>(r.evidence, null);
  return {
    factId: r.fact_id,
    ...(r.collector_id ? { collectorId: r.collector_id } : {}),
    value,
    ...(r.unknown_reason ? { unknownReason: r.unknown_reason } : {}),
    // Rows written before the governance migration have no stored hash.
    sha256: r.value_hash ?? factPayloadHash(value, r.unknown_reason),
    changedAt: toIso(r.observed_at),
    ...(evidence?.source ? { source: evidence.source } : {}),
    ...(evidence?.url ? { url: evidence.url } : {}),
  };
}

function statusChange(c: ChangeRow): StatusChange {
  return {
    entityRef: c.entity_ref,
    controlId: c.control_id,
    from: c.from_status as ComplianceStatus | null,
    to: c.to_status as ComplianceStatus,
    cause: c.cause as StatusChange['cause'],
    reason: c.reason,
    controlVersion: c.control_version,
    changedAt: toIso(c.changed_at),
  };
}

/**
 * The knex implementation of {@link EvidenceStore}: point-in-time reads
 * over the append-only fact history and the status-change ledger, and the
 * keyset-paged entity list the auditor export streams over.
 */
export class DatabaseEvidenceStore implements EvidenceStore {
  constructor(private readonly db: Knex) {}

  async getFactsAsOf(
    entityRefs: string[],
    asOf: Date,
  ): Promise<Map<string, FactAsOf[]>> {
    const rows = await selectInChunks(
      entityRefs,
      (part): Promise<FactHistoryRow[]> =>
        this.db
          .select('*')
          .from(
            this.db('compliance_fact_history')
              .select(
                '*',
                this.db.raw(
                  'row_number() over (partition by entity_ref, fact_id order by observed_at desc, id desc) as rn',
                ),
              )
              .whereIn('entity_ref', part)
              .where('observed_at', '<=', asOf)
              .as('h'),
          )
          .where('rn', 1)
          .orderBy(['entity_ref', 'fact_id']),
    );
    const out = new Map<string, FactAsOf[]>();
    for (const [ref, list] of groupBy(rows, r => r.entity_ref)) {
      out.set(ref, list.map(factAsOf));
    }
    return out;
  }

  async getChangesAfter(
    entityRefs: string[],
    after: Date,
  ): Promise<Map<string, StatusChange[]>> {
    const rows = await selectInChunks(
      entityRefs,
      (part): Promise<ChangeRow[]> =>
        this.db('compliance_status_changes')
          .whereIn('entity_ref', part)
          .where('changed_at', '>', after)
          .orderBy(['entity_ref', 'changed_at', 'id']),
    );
    return groupBy(rows.map(statusChange), c => c.entityRef);
  }

  async pageEntities(limit: number, after?: string): Promise<ExportEntity[]> {
    const q = this.db('compliance_entities')
      .select('entity_ref', 'title', 'owner', 'system', 'lifecycle', 'kind')
      .orderBy('entity_ref')
      .limit(limit);
    if (after !== undefined) q.where('entity_ref', '>', after);
    const rows: Array<{
      entity_ref: string;
      title: string | null;
      owner: string | null;
      system: string | null;
      lifecycle: string | null;
      kind: string;
    }> = await q;
    return rows.map(r => ({
      entityRef: r.entity_ref,
      kind: r.kind,
      ...(r.title ? { title: r.title } : {}),
      ...(r.owner ? { owner: r.owner } : {}),
      ...(r.system ? { system: r.system } : {}),
      ...(r.lifecycle ? { lifecycle: r.lifecycle } : {}),
    }));
  }
}
