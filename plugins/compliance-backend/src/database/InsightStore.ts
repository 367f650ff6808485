import type { Insight, InsightJob } from 'backstage-plugin-compliance-common';

/** States of a job row. */
export type InsightJobState = InsightJob['state'];

/** A job as the store returns it. */
export interface InsightJobRecord {
  id: string;
  entityRef: string;
  inputHash: string;
  state: InsightJobState;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  leaseOwner: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A claimed job with its input. */
export interface ClaimedInsightJob extends InsightJobRecord {
  /** The normalized input the hash was computed from (JSON). */
  input: unknown;
}

/** One provider request in the ledger. */
export interface InsightUsageEntry {
  entityRef: string;
  inputHash: string;
  provider: string;
  model: string;
  /** `ok`, or the error class of the failed request. */
  outcome: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** A generated insight as stored. */
export interface StoredInsight {
  entityRef: string;
  inputHash: string;
  insight: Insight;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** Usage totals per provider and model. */
export interface InsightUsageTotals {
  provider: string;
  model: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/**
 * The insight job queue, the generated insights, the usage ledger and the
 * providers' health, in the host database.
 */
export interface InsightStore {
  /**
   * Queues a job per entity and input hash that has none yet, and drops
   * the entity's waiting jobs for other hashes (superseded inputs).
   * Returns how many jobs were added.
   */
  enqueue(
    jobs: Array<{ entityRef: string; inputHash: string; input: unknown }>,
    now: Date,
  ): Promise<number>;
  /**
   * Claims one due job with a lease: a queued or retrying job whose time
   * has come, or a running job whose lease expired (its worker died).
   * Conditional UPDATE on the attempt count, so two workers never claim the
   * same job. A job whose worker died on its last attempt is dead-lettered.
   */
  claim(options: {
    owner: string;
    now: Date;
    leaseMs: number;
    maxAttempts: number;
  }): Promise<ClaimedInsightJob | undefined>;
  /**
   * Stores the insight and removes the job, if the lease is still the
   * caller's; the usage is recorded either way. Returns whether it owned it.
   */
  complete(
    job: { id: string; owner: string },
    insight: StoredInsight,
    usage: InsightUsageEntry[],
    now: Date,
  ): Promise<boolean>;
  /**
   * Ends a failed attempt: retried at `retryAt`, or dead-lettered, with the
   * error kept. `refundAttempt` for failures that are not the job's
   * (rate limits). Usage is recorded either way.
   */
  fail(
    job: { id: string; owner: string },
    outcome: {
      error: string;
      dead: boolean;
      retryAt: Date;
      refundAttempt?: boolean;
    },
    usage: InsightUsageEntry[],
    now: Date,
  ): Promise<boolean>;
  /** Records usage outside a job outcome. */
  recordUsage(usage: InsightUsageEntry[], now: Date): Promise<void>;
  getInsights(entityRefs: string[]): Promise<Map<string, StoredInsight>>;
  /** The latest job per entity. */
  getJobs(entityRefs: string[]): Promise<Map<string, InsightJobRecord>>;
  countJobs(): Promise<Record<InsightJobState, number>>;
  /** Providers marked unhealthy until after `now`. */
  getUnhealthyProviders(
    now: Date,
  ): Promise<Map<string, { until: string; reason: string }>>;
  markProviderUnhealthy(
    providerId: string,
    until: Date,
    reason: string,
  ): Promise<void>;
  /** Evaluated entity refs in order, after `after`. */
  listEvaluatedRefs(limit: number, after?: string): Promise<string[]>;
  /** Deletes jobs and insights of entities no longer stored. */
  deleteOrphans(): Promise<number>;
  /** Ledger totals per provider and model since a time. */
  usageSince(since: Date): Promise<InsightUsageTotals[]>;
  /**
   * Queues a job for the entity's current inputs even if its insight was
   * generated from them (a person asked to regenerate). Bounded: nothing is
   * added while a job of the entity is waiting or running, nor within
   * `cooldownMs` of the entity's last model request; a dead job is replaced.
   */
  requestRegeneration(
    job: { entityRef: string; inputHash: string; input: unknown },
    options: { now: Date; cooldownMs: number },
  ): Promise<RegenerationOutcome>;
}

/** What a regeneration request did. */
export type RegenerationOutcome =
  | { outcome: 'queued' }
  /** A job of the entity is already waiting or running; nothing added. */
  | { outcome: 'pending' }
  /** The entity's last model request was too recent; try after `retryAt`. */
  | { outcome: 'cooldown'; retryAt: string };
