import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { ComplianceWaiver } from 'backstage-plugin-compliance-common';
import type {
  EntityInfo,
  LedgerChange,
  LevelChange,
  NotificationKey,
  RunStreak,
} from '../lib/notifications';
import { toWaiver, WaiverRow } from './DatabaseWaiverStore';
import { Timestamp, selectInChunks, toIso } from './util';

/** A ledger row with its id, the notifier's watermark. */
export interface NumberedLedgerChange extends LedgerChange {
  id: number;
}

/**
 * What the notifier reads and the exactly-once claims it writes. Reads span
 * the ledger, the entities, the runs and the waivers; writes touch only the
 * notifier's own tables.
 */
export interface NotificationStore {
  /**
   * Claims a notification's key. True for exactly one caller per key, however
   * many replicas race; false when it was claimed before.
   */
  claim(
    key: NotificationKey,
    recipients: string[],
    now: Date,
  ): Promise<boolean>;
  /** Releases a claim whose sending failed, so a later run retries it. */
  release(key: NotificationKey): Promise<void>;
  /** The highest ledger id (0 when the ledger is empty). */
  maxLedgerId(): Promise<number>;
  /** Ledger rows with an id above `afterId`, oldest first. */
  ledgerAfter(afterId: number, limit: number): Promise<NumberedLedgerChange[]>;
  /**
   * Evaluated entities whose level differs from the one the notifier last
   * recorded (or that it never recorded), after `after` in ref order.
   */
  levelChanges(limit: number, after?: string): Promise<LevelChange[]>;
  /** Records the levels the notifier has now seen. */
  recordLevels(changes: LevelChange[], now: Date): Promise<void>;
  /** Owner and title of the entities. */
  entityInfo(refs: string[]): Promise<Map<string, EntityInfo>>;
  /** The latest finished runs of every run key, newest first. */
  runStreaks(depth: number): Promise<RunStreak[]>;
  /** Approved waivers that expire after `from` and up to `until`. */
  expiringWaivers(
    from: Date,
    until: Date,
    limit: number,
  ): Promise<ComplianceWaiver[]>;
  /** Removes claims older than the cutoff. Returns the count. */
  deleteClaimsBefore(cutoff: Date): Promise<number>;
}

interface ClaimRow {
  kind: string;
  subject: string;
  window: string;
  claim_id: string;
  recipients: string;
  claimed_at: Timestamp;
}

interface LedgerRow {
  id: number | string;
  entity_ref: string;
  control_id: string;
  from_status: string | null;
  to_status: string;
  changed_at: Timestamp;
}

/** The knex implementation of {@link NotificationStore}. */
export class DatabaseNotificationStore implements NotificationStore {
  constructor(private readonly db: Knex) {}

  async claim(
    key: NotificationKey,
    recipients: string[],
    now: Date,
  ): Promise<boolean> {
    const claimId = randomUUID();
    const row = {
      kind: key.kind,
      subject: key.subject.slice(0, 255),
      window: key.window.slice(0, 31),
    };
    await this.db<ClaimRow>('compliance_notifications_sent')
      .insert({
        ...row,
        claim_id: claimId,
        recipients: JSON.stringify(recipients),
        claimed_at: now,
      })
      .onConflict(['kind', 'subject', 'window'])
      .ignore();
    // Whoever's id is stored won: the same on every dialect.
    const stored = await this.db<ClaimRow>('compliance_notifications_sent')
      .where(row)
      .first('claim_id');
    return stored?.claim_id === claimId;
  }

  async release(key: NotificationKey): Promise<void> {
    await this.db('compliance_notifications_sent')
      .where({
        kind: key.kind,
        subject: key.subject.slice(0, 255),
        window: key.window.slice(0, 31),
      })
      .delete();
  }

  async maxLedgerId(): Promise<number> {
    const row = await this.db('compliance_status_changes')
      .max({ id: 'id' })
      .first();
    return Number(row?.id ?? 0);
  }

  async ledgerAfter(
    afterId: number,
    limit: number,
  ): Promise<NumberedLedgerChange[]> {
    const rows: LedgerRow[] = await this.db('compliance_status_changes')
      .where('id', '>', afterId)
      .orderBy('id', 'asc')
      .limit(limit)
      .select(
        'id',
        'entity_ref',
        'control_id',
        'from_status',
        'to_status',
        'changed_at',
      );
    return rows.map(r => ({
      id: Number(r.id),
      entityRef: r.entity_ref,
      controlId: r.control_id,
      from: r.from_status,
      to: r.to_status,
      changedAt: toIso(r.changed_at),
    }));
  }

  async levelChanges(limit: number, after?: string): Promise<LevelChange[]> {
    const q = this.db('compliance_entities as e')
      .leftJoin(
        'compliance_notified_levels as n',
        'n.entity_ref',
        'e.entity_ref',
      )
      .whereNotNull('e.evaluated_at')
      .where(w =>
        w
          .whereNull('n.entity_ref')
          .orWhereRaw("coalesce(e.level, '') <> coalesce(n.level, '')"),
      )
      .orderBy('e.entity_ref', 'asc')
      .limit(limit)
      .select(
        'e.entity_ref as entity_ref',
        'e.level as level',
        'n.entity_ref as seen',
        'n.level as previous',
      );
    if (after) q.where('e.entity_ref', '>', after);
    const rows: Array<{
      entity_ref: string;
      level: string | null;
      seen: string | null;
      previous: string | null;
    }> = await q;
    return rows.map(r => ({
      entityRef: r.entity_ref,
      level: r.level ?? null,
      ...(r.seen ? { previous: { level: r.previous ?? null } } : {}),
    }));
  }

  async recordLevels(changes: LevelChange[], now: Date): Promise<void> {
    for (let i = 0; i < changes.length; i += 200) {
      await this.db('compliance_notified_levels')
        .insert(
          changes.slice(i, i + 200).map(c => ({
            entity_ref: c.entityRef,
            level: c.level,
            updated_at: now,
          })),
        )
        .onConflict('entity_ref')
        .merge(['level', 'updated_at']);
    }
  }

  async entityInfo(refs: string[]): Promise<Map<string, EntityInfo>> {
    const rows = await selectInChunks(
      [...new Set(refs)],
      part =>
        this.db('compliance_entities')
          .whereIn('entity_ref', part)
          .select('entity_ref', 'owner', 'title') as Promise<
          Array<{
            entity_ref: string;
            owner: string | null;
            title: string | null;
          }>
        >,
    );
    return new Map(
      rows.map(r => [
        r.entity_ref,
        {
          ...(r.owner ? { owner: r.owner } : {}),
          ...(r.title ? { title: r.title } : {}),
        },
      ]),
    );
  }

  async runStreaks(depth: number): Promise<RunStreak[]> {
    const keys: Array<{ collector_id: string }> = await this.db(
      'compliance_collector_runs',
    ).distinct('collector_id');
    const out: RunStreak[] = [];
    for (const { collector_id: runKey } of keys) {
      const rows: Array<{ status: string; message: string | null }> =
        await this.db('compliance_collector_runs')
          .where({ collector_id: runKey })
          .whereNot({ status: 'running' })
          .orderBy('id', 'desc')
          .limit(depth)
          .select('status', 'message');
      out.push({
        runKey,
        statuses: rows.map(r => r.status),
        ...(rows[0]?.message ? { lastMessage: rows[0].message } : {}),
      });
    }
    return out;
  }

  async expiringWaivers(
    from: Date,
    until: Date,
    limit: number,
  ): Promise<ComplianceWaiver[]> {
    const rows: WaiverRow[] = await this.db('compliance_waivers')
      .where({ status: 'approved' })
      .where('expires_at', '>', from)
      .where('expires_at', '<=', until)
      .orderBy('expires_at', 'asc')
      .limit(limit);
    return rows.map(toWaiver);
  }

  async deleteClaimsBefore(cutoff: Date): Promise<number> {
    return this.db('compliance_notifications_sent')
      .where('claimed_at', '<', cutoff)
      .delete();
  }
}
