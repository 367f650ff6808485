import type { Knex } from 'knex';
import { parseInsight } from 'backstage-plugin-compliance-common';
import { Timestamp, parse, selectInChunks, toIso } from './util';
import type {
  ClaimedInsightJob,
  InsightJobRecord,
  InsightJobState,
  InsightStore,
  InsightUsageEntry,
  InsightUsageTotals,
  RegenerationOutcome,
  StoredInsight,
} from './InsightStore';
import { requestRegeneration } from './insightRegeneration';
import { USAGE, usageRows, usageSince } from './insightUsage';

export type {
  ClaimedInsightJob,
  InsightJobRecord,
  InsightJobState,
  InsightStore,
  InsightUsageEntry,
  InsightUsageTotals,
  RegenerationOutcome,
  StoredInsight,
} from './InsightStore';

interface JobRow {
  id: string | number;
  entity_ref: string;
  input_hash: string;
  input?: string;
  state: string;
  attempts: number | string;
  next_attempt_at: Timestamp;
  lease_owner: string | null;
  lease_expires_at: Timestamp | null;
  last_error: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

interface InsightRow {
  entity_ref: string;
  input_hash: string;
  document: string;
  input_tokens: number | string;
  output_tokens: number | string;
  cost_usd: number | string;
}

const JOBS = 'compliance_insight_jobs';
const INSIGHTS = 'compliance_insights';
const PROVIDERS = 'compliance_insight_providers';
const JOB_COLUMNS = [
  'id',
  'entity_ref',
  'input_hash',
  'state',
  'attempts',
  'next_attempt_at',
  'lease_owner',
  'lease_expires_at',
  'last_error',
  'created_at',
  'updated_at',
];

function jobRecord(r: JobRow): InsightJobRecord {
  return {
    id: String(r.id),
    entityRef: r.entity_ref,
    inputHash: r.input_hash,
    state: r.state as InsightJobState,
    attempts: Number(r.attempts),
    nextAttemptAt: toIso(r.next_attempt_at),
    lastError: r.last_error,
    leaseOwner: r.lease_owner,
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
  };
}

/** The knex implementation of {@link InsightStore}. */
export class DatabaseInsightStore implements InsightStore {
  constructor(private readonly db: Knex) {}

  async enqueue(
    jobs: Array<{ entityRef: string; inputHash: string; input: unknown }>,
    now: Date,
  ): Promise<number> {
    if (jobs.length === 0) return 0;
    const refs = [...new Set(jobs.map(j => j.entityRef))];
    const existing = await selectInChunks(refs, part =>
      this.db<JobRow>(JOBS)
        .whereIn('entity_ref', part)
        .select('entity_ref', 'input_hash'),
    );
    const have = new Set(existing.map(r => `${r.entity_ref}\0${r.input_hash}`));
    const fresh = jobs.filter(j => !have.has(`${j.entityRef}\0${j.inputHash}`));
    for (const j of fresh) {
      await this.db.transaction(async tx => {
        // Superseded: the entity's waiting jobs for older inputs.
        await tx(JOBS)
          .where('entity_ref', j.entityRef)
          .whereNot('input_hash', j.inputHash)
          .whereNot('state', 'running')
          .delete();
        await tx(JOBS)
          .insert({
            entity_ref: j.entityRef,
            input_hash: j.inputHash,
            input: JSON.stringify(j.input),
            state: 'queued',
            attempts: 0,
            next_attempt_at: now,
            created_at: now,
            updated_at: now,
          })
          .onConflict(['entity_ref', 'input_hash'])
          .ignore();
      });
    }
    return fresh.length;
  }

  async claim(options: {
    owner: string;
    now: Date;
    leaseMs: number;
    maxAttempts: number;
  }): Promise<ClaimedInsightJob | undefined> {
    const { owner, now, leaseMs, maxAttempts } = options;
    const due = (q: Knex.QueryBuilder) =>
      q.where(w =>
        w
          .where(a =>
            a
              .whereIn('state', ['queued', 'retrying'])
              .where('next_attempt_at', '<=', now),
          )
          .orWhere(b =>
            b.where('state', 'running').where('lease_expires_at', '<=', now),
          ),
      );
    for (let round = 0; round < 5; round++) {
      const candidates: JobRow[] = await due(this.db(JOBS))
        .select(JOB_COLUMNS)
        .orderBy([
          { column: 'next_attempt_at', order: 'asc' },
          { column: 'id', order: 'asc' },
        ])
        .limit(10);
      if (candidates.length === 0) return undefined;
      for (const c of candidates) {
        const attempts = Number(c.attempts);
        const lostLease = c.state === 'running';
        if (lostLease && attempts >= maxAttempts) {
          await due(this.db(JOBS).where({ id: c.id, attempts })).update({
            state: 'dead',
            lease_owner: null,
            lease_expires_at: null,
            last_error: `worker stopped during attempt ${attempts} (lease expired); no attempts left`,
            updated_at: now,
          });
          continue;
        }
        const updated = await due(
          this.db(JOBS).where({ id: c.id, attempts }),
        ).update({
          state: 'running',
          attempts: attempts + 1,
          lease_owner: owner,
          lease_expires_at: new Date(now.getTime() + leaseMs),
          ...(lostLease
            ? {
                last_error: `worker stopped during attempt ${attempts} (lease expired)`,
              }
            : {}),
          updated_at: now,
        });
        if (Number(updated) !== 1) continue;
        const row: JobRow | undefined = await this.db<JobRow>(JOBS)
          .where({ id: c.id })
          .first();
        if (!row) continue;
        return { ...jobRecord(row), input: parse(row.input, null) };
      }
    }
    return undefined;
  }

  async complete(
    job: { id: string; owner: string },
    stored: StoredInsight,
    usage: InsightUsageEntry[],
    now: Date,
  ): Promise<boolean> {
    return this.db.transaction(async tx => {
      if (usage.length) await tx(USAGE).insert(usageRows(usage, now));
      const removed = await tx(JOBS)
        .where({ id: job.id, lease_owner: job.owner, state: 'running' })
        .delete();
      if (Number(removed) !== 1) return false;
      await tx(INSIGHTS)
        .insert({
          entity_ref: stored.entityRef,
          input_hash: stored.inputHash,
          source_type: stored.insight.source.type,
          provider:
            stored.insight.source.type === 'model'
              ? stored.insight.source.provider
              : null,
          model:
            stored.insight.source.type === 'model'
              ? stored.insight.source.model
              : null,
          document: JSON.stringify(stored.insight),
          input_tokens: stored.inputTokens,
          output_tokens: stored.outputTokens,
          cost_usd: stored.costUsd,
          generated_at: new Date(stored.insight.generatedAt),
        })
        .onConflict('entity_ref')
        .merge();
      return true;
    });
  }

  async fail(
    job: { id: string; owner: string },
    outcome: {
      error: string;
      dead: boolean;
      retryAt: Date;
      refundAttempt?: boolean;
    },
    usage: InsightUsageEntry[],
    now: Date,
  ): Promise<boolean> {
    return this.db.transaction(async tx => {
      if (usage.length) await tx(USAGE).insert(usageRows(usage, now));
      const updated = await tx(JOBS)
        .where({ id: job.id, lease_owner: job.owner, state: 'running' })
        .update({
          state: outcome.dead ? 'dead' : 'retrying',
          ...(outcome.refundAttempt && !outcome.dead
            ? { attempts: tx.raw('attempts - 1') }
            : {}),
          next_attempt_at: outcome.retryAt,
          lease_owner: null,
          lease_expires_at: null,
          last_error: outcome.error.slice(0, 1000),
          updated_at: now,
        });
      return Number(updated) === 1;
    });
  }

  async recordUsage(usage: InsightUsageEntry[], now: Date): Promise<void> {
    if (usage.length) await this.db(USAGE).insert(usageRows(usage, now));
  }

  async getInsights(entityRefs: string[]): Promise<Map<string, StoredInsight>> {
    const rows = await selectInChunks(entityRefs, part =>
      this.db<InsightRow>(INSIGHTS).whereIn('entity_ref', part).select('*'),
    );
    const out = new Map<string, StoredInsight>();
    for (const r of rows) {
      // A row that no longer satisfies the contract is skipped, not fatal.
      const insight = parseInsight(parse(r.document, null));
      if (!insight) continue;
      out.set(r.entity_ref, {
        entityRef: r.entity_ref,
        inputHash: r.input_hash,
        insight,
        inputTokens: Number(r.input_tokens),
        outputTokens: Number(r.output_tokens),
        costUsd: Number(r.cost_usd),
      });
    }
    return out;
  }

  async getJobs(entityRefs: string[]): Promise<Map<string, InsightJobRecord>> {
    const rows = await selectInChunks(
      entityRefs,
      (part): Promise<JobRow[]> =>
        this.db(JOBS)
          .whereIn('entity_ref', part)
          .select(JOB_COLUMNS)
          .orderBy('id', 'asc'),
    );
    const out = new Map<string, InsightJobRecord>();
    for (const r of rows) out.set(r.entity_ref, jobRecord(r));
    return out;
  }

  async countJobs(): Promise<Record<InsightJobState, number>> {
    const rows: Array<{ state: string; count: number | string }> =
      await this.db(JOBS).select('state').count('* as count').groupBy('state');
    const out: Record<InsightJobState, number> = {
      queued: 0,
      running: 0,
      retrying: 0,
      dead: 0,
    };
    for (const r of rows) {
      if (r.state in out) out[r.state as InsightJobState] = Number(r.count);
    }
    return out;
  }

  async getUnhealthyProviders(
    now: Date,
  ): Promise<Map<string, { until: string; reason: string }>> {
    const rows: Array<{
      provider_id: string;
      unhealthy_until: Timestamp;
      reason: string;
    }> = await this.db(PROVIDERS).where('unhealthy_until', '>', now);
    return new Map(
      rows.map(r => [
        r.provider_id,
        { until: toIso(r.unhealthy_until), reason: r.reason },
      ]),
    );
  }

  async markProviderUnhealthy(
    providerId: string,
    until: Date,
    reason: string,
  ): Promise<void> {
    await this.db(PROVIDERS)
      .insert({
        provider_id: providerId,
        unhealthy_until: until,
        reason: reason.slice(0, 1000),
      })
      .onConflict('provider_id')
      .merge();
  }

  async listEvaluatedRefs(limit: number, after?: string): Promise<string[]> {
    const q = this.db('compliance_entities')
      .whereNotNull('evaluated_at')
      .orderBy('entity_ref', 'asc')
      .limit(limit)
      .select('entity_ref');
    if (after !== undefined) q.where('entity_ref', '>', after);
    const rows: Array<{ entity_ref: string }> = await q;
    return rows.map(r => r.entity_ref);
  }

  async deleteOrphans(): Promise<number> {
    const orphan = (table: string) =>
      this.db(table)
        .whereNotExists(
          this.db('compliance_entities')
            .select(this.db.raw('1'))
            .whereRaw('compliance_entities.entity_ref = ??', [
              `${table}.entity_ref`,
            ]),
        )
        .delete();
    const jobs = Number(await orphan(JOBS));
    const insights = Number(await orphan(INSIGHTS));
    return jobs + insights;
  }

  requestRegeneration(
    job: { entityRef: string; inputHash: string; input: unknown },
    options: { now: Date; cooldownMs: number },
  ): Promise<RegenerationOutcome> {
    return requestRegeneration(this.db, job, options);
  }

  usageSince(since: Date): Promise<InsightUsageTotals[]> {
    return usageSince(this.db, since);
  }
}
