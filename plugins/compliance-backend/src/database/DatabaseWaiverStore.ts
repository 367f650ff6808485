import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type {
  ComplianceWaiver,
  WaiverAction,
  WaiverEvent,
  WaiverStatus,
} from 'backstage-plugin-compliance-common';
import type {
  WaiverRequest,
  WaiverStore,
  WaiverTransition,
} from './ComplianceStore';
import { Timestamp, chunks, selectInChunks, toIso } from './util';

/** A row of `compliance_waivers`. */
export interface WaiverRow {
  id: string;
  entity_ref: string;
  control_id: string;
  status: string;
  reason: string;
  link: string | null;
  expires_at: Timestamp;
  requested_by: string;
  requested_at: Timestamp;
  decided_by: string | null;
  decided_at: Timestamp | null;
  decision_comment: string | null;
  revoked_by: string | null;
  revoked_at: Timestamp | null;
  evidence_hash: string | null;
  review_required: boolean | number;
  updated_at: Timestamp;
}

/** A row of `compliance_waiver_events`. */
interface WaiverEventRow {
  id: number | string;
  waiver_id: string;
  entity_ref: string;
  control_id: string;
  action: string;
  actor: string;
  comment: string | null;
  at: Timestamp;
}

export function toWaiver(r: WaiverRow): ComplianceWaiver {
  return {
    id: r.id,
    source: 'api',
    entityRef: r.entity_ref,
    controlId: r.control_id,
    status: r.status as WaiverStatus,
    reason: r.reason,
    ...(r.link ? { link: r.link } : {}),
    expiresAt: toIso(r.expires_at),
    requestedBy: r.requested_by,
    requestedAt: toIso(r.requested_at),
    ...(r.decided_by ? { decidedBy: r.decided_by } : {}),
    ...(r.decided_at ? { decidedAt: toIso(r.decided_at) } : {}),
    ...(r.decision_comment ? { decisionComment: r.decision_comment } : {}),
    ...(r.revoked_by ? { revokedBy: r.revoked_by } : {}),
    ...(r.revoked_at ? { revokedAt: toIso(r.revoked_at) } : {}),
    ...(r.evidence_hash ? { evidenceHash: r.evidence_hash } : {}),
    reviewRequired: Boolean(r.review_required),
  };
}

function toEvent(r: WaiverEventRow): WaiverEvent {
  return {
    waiverId: r.waiver_id,
    entityRef: r.entity_ref,
    controlId: r.control_id,
    action: r.action as WaiverAction,
    actor: r.actor,
    ...(r.comment ? { comment: r.comment } : {}),
    at: toIso(r.at),
  };
}

/** The knex implementation of {@link WaiverStore}. */
export class DatabaseWaiverStore implements WaiverStore {
  constructor(private readonly db: Knex) {}

  async createRequest(request: WaiverRequest): Promise<ComplianceWaiver> {
    const id = randomUUID();
    await this.db.transaction(async tx => {
      await tx('compliance_waivers').insert({
        id,
        entity_ref: request.entityRef,
        control_id: request.controlId,
        status: 'requested',
        reason: request.reason,
        link: request.link ?? null,
        expires_at: request.expiresAt,
        requested_by: request.requestedBy,
        requested_at: request.now,
        evidence_hash: request.evidenceHash ?? null,
        review_required: false,
        updated_at: request.now,
      });
      await tx('compliance_waiver_events').insert({
        waiver_id: id,
        entity_ref: request.entityRef,
        control_id: request.controlId,
        action: 'requested',
        actor: request.requestedBy,
        comment: null,
        at: request.now,
      });
    });
    return (await this.get(id))!;
  }

  async get(id: string): Promise<ComplianceWaiver | undefined> {
    const row = await this.db<WaiverRow>('compliance_waivers')
      .where({ id })
      .first();
    return row ? toWaiver(row) : undefined;
  }

  async listForEntity(entityRef: string): Promise<{
    items: ComplianceWaiver[];
    events: WaiverEvent[];
  }> {
    const [rows, events] = await Promise.all([
      this.db<WaiverRow>('compliance_waivers')
        .where({ entity_ref: entityRef })
        .orderBy('requested_at', 'desc')
        .limit(500),
      this.db<WaiverEventRow>('compliance_waiver_events')
        .where({ entity_ref: entityRef })
        .orderBy('id', 'desc')
        .limit(500),
    ]);
    return { items: rows.map(toWaiver), events: events.map(toEvent) };
  }

  async list(options: {
    status?: WaiverStatus;
    entityRefs?: string[];
    limit: number;
  }): Promise<ComplianceWaiver[]> {
    const q = this.db<WaiverRow>('compliance_waivers')
      .orderBy('requested_at', 'desc')
      .limit(options.limit);
    if (options.status) q.where({ status: options.status });
    if (options.entityRefs) {
      if (options.entityRefs.length === 0) return [];
      // Large allow-lists are filtered after the query.
      if (options.entityRefs.length <= 400) {
        q.whereIn('entity_ref', options.entityRefs);
      } else {
        const allowed = new Set(options.entityRefs);
        return (await q.limit(options.limit * 10))
          .filter(r => allowed.has(r.entity_ref))
          .slice(0, options.limit)
          .map(toWaiver);
      }
    }
    return (await q).map(toWaiver);
  }

  async transition(
    options: WaiverTransition,
  ): Promise<ComplianceWaiver | undefined> {
    const { id, from, to, action, actor, comment, now } = options;
    const updated = await this.db.transaction(async tx => {
      const row = await tx<WaiverRow>('compliance_waivers')
        .where({ id })
        .first();
      if (!row) return false;
      const patch: Record<string, unknown> = {
        status: to,
        updated_at: now,
        review_required: false,
      };
      if (action === 'approved' || action === 'rejected') {
        patch.decided_by = actor;
        patch.decided_at = now;
        patch.decision_comment = comment ?? null;
      }
      if (action === 'approved' && options.evidenceHash) {
        patch.evidence_hash = options.evidenceHash;
      }
      if (action === 'revoked') {
        patch.revoked_by = actor;
        patch.revoked_at = now;
      }
      // Optimistic: only from the state the caller checked (two approvers
      // or an approval racing a revocation never both win).
      const n = await tx('compliance_waivers')
        .where({ id, updated_at: row.updated_at })
        .whereIn('status', from)
        .update(patch);
      if (n === 0) return false;
      await tx('compliance_waiver_events').insert({
        waiver_id: id,
        entity_ref: row.entity_ref,
        control_id: row.control_id,
        action,
        actor,
        comment: comment ?? null,
        at: now,
      });
      return true;
    });
    return updated ? this.get(id) : undefined;
  }

  async getInForce(
    entityRefs: string[],
    now: Date,
  ): Promise<Map<string, ComplianceWaiver[]>> {
    const rows = await selectInChunks(
      entityRefs,
      (part): Promise<WaiverRow[]> =>
        this.db<WaiverRow>('compliance_waivers')
          .whereIn('entity_ref', part)
          .where({ status: 'approved' })
          .where('expires_at', '>', now)
          .orderBy('decided_at'),
    );
    const out = new Map<string, ComplianceWaiver[]>();
    for (const r of rows) {
      if (r.review_required) continue;
      const list = out.get(r.entity_ref) ?? [];
      list.push(toWaiver(r));
      out.set(r.entity_ref, list);
    }
    return out;
  }

  async getAsOf(
    entityRefs: string[],
    asOf: Date,
  ): Promise<Map<string, ComplianceWaiver[]>> {
    // Waivers approved by then and not yet ended by then.
    const rows = await selectInChunks(
      entityRefs,
      (part): Promise<WaiverRow[]> =>
        this.db<WaiverRow>('compliance_waivers')
          .whereIn('entity_ref', part)
          .whereNotNull('decided_at')
          .where('decided_at', '<=', asOf)
          .where('expires_at', '>', asOf)
          .whereIn('status', ['approved', 'expired', 'revoked']),
    );
    const out = new Map<string, ComplianceWaiver[]>();
    for (const r of rows) {
      const w = toWaiver(r);
      if (w.revokedAt && new Date(w.revokedAt) <= asOf) continue;
      const list = out.get(r.entity_ref) ?? [];
      list.push(w);
      out.set(r.entity_ref, list);
    }
    return out;
  }

  async flagForReview(ids: string[], now: Date): Promise<number> {
    let flagged = 0;
    for (const part of chunks([...new Set(ids)].sort())) {
      flagged += await this.db.transaction(async tx => {
        const rows = await tx<WaiverRow>('compliance_waivers')
          .whereIn('id', part)
          .where({ status: 'approved', review_required: false });
        if (rows.length === 0) return 0;
        const n = await tx('compliance_waivers')
          .whereIn(
            'id',
            rows.map(r => r.id),
          )
          .where({ review_required: false })
          .update({ review_required: true, updated_at: now });
        await tx('compliance_waiver_events').insert(
          rows.map(r => ({
            waiver_id: r.id,
            entity_ref: r.entity_ref,
            control_id: r.control_id,
            action: 'flagged_for_review',
            actor: 'system',
            comment:
              'The evidence changed since approval; the control is evaluated normally until the waiver is approved again',
            at: now,
          })),
        );
        return n;
      });
    }
    return flagged;
  }

  async expireDue(now: Date): Promise<string[]> {
    return this.db.transaction(async tx => {
      const rows = await tx<WaiverRow>('compliance_waivers')
        .whereIn('status', ['requested', 'approved'])
        .where('expires_at', '<=', now)
        .limit(1000);
      if (rows.length === 0) return [];
      for (const part of chunks(rows)) {
        await tx('compliance_waivers')
          .whereIn(
            'id',
            part.map(r => r.id),
          )
          .whereIn('status', ['requested', 'approved'])
          .update({ status: 'expired', updated_at: now });
        await tx('compliance_waiver_events').insert(
          part.map(r => ({
            waiver_id: r.id,
            entity_ref: r.entity_ref,
            control_id: r.control_id,
            action: 'expired',
            actor: 'system',
            comment: null,
            at: now,
          })),
        );
      }
      return [...new Set(rows.map(r => r.entity_ref))];
    });
  }
}
