import type { LoggerService } from '@backstage/backend-plugin-api';
import { type EntityInsightResponse } from 'backstage-plugin-compliance-common';
import type { InsightProvider } from 'backstage-plugin-compliance-node';
import { randomUUID } from 'node:crypto';
import type { ComplianceStores } from '../database/ComplianceStore';
import type {
  ClaimedInsightJob,
  InsightUsageEntry,
  RegenerationOutcome,
} from '../database/InsightStore';
import type { ControlCatalogue } from '../controls/ControlCatalogue';
import type { InsightsSettings } from './config';
import { backoffMs, classifyProviderError, failoverAction } from './failover';
import { toInsight } from './fallback';
import { validateGrounding } from './grounding';
import {
  buildInsightInput,
  InsightInput,
  InsightSources,
  insightInputHash,
} from './input';
import { buildRequest, extractJson, SHRINK_LEVELS } from './prompt';
import { readInsightSources } from './insightSources';
import { entityInsightAnswer } from './entityInsightAnswer';

/** A provider with the prices used for cost estimates. */
export interface PricedProvider {
  provider: InsightProvider;
  pricing: { inputPerMillionTokens: number; outputPerMillionTokens: number };
}

/** Figures of one insights cycle. */
export interface InsightCycleStats {
  queued: number;
  jobs: number;
  succeeded: number;
  failed: number;
  dead: number;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Set when the per-cycle budget ended the cycle with jobs left. */
  stoppedByBudget: boolean;
}

const PAGE = 100;

/**
 * The insights pipeline: builds each entity's normalized inputs, queues a
 * job when they changed (only with providers configured), drains the queue
 * within the per-cycle budget with failover across providers, and answers
 * the API with the model insight or the rules fallback.
 */
export class InsightRunner {
  readonly #stores: Pick<
    ComplianceStores,
    'entities' | 'facts' | 'evaluations' | 'insights'
  >;
  readonly #catalogue: ControlCatalogue;
  readonly #providers: PricedProvider[];
  readonly #settings: InsightsSettings;
  readonly #logger: LoggerService;
  readonly #clock: () => Date;
  readonly #owner: string;
  readonly #readSources: (
    refs: string[],
  ) => Promise<Map<string, InsightSources>>;

  constructor(options: {
    stores: Pick<
      ComplianceStores,
      'entities' | 'facts' | 'evaluations' | 'insights'
    >;
    catalogue: ControlCatalogue;
    providers: PricedProvider[];
    settings: InsightsSettings;
    logger: LoggerService;
    clock?: () => Date;
    /** The worker id written to leases; unique per runner by default. */
    owner?: string;
    /** Reads the insight sources; the stores by default (the bench feeds fixtures). */
    readSources?: (refs: string[]) => Promise<Map<string, InsightSources>>;
  }) {
    this.#stores = options.stores;
    this.#catalogue = options.catalogue;
    this.#providers = options.providers;
    this.#settings = options.settings;
    this.#logger = options.logger;
    this.#clock = options.clock ?? (() => new Date());
    this.#owner = options.owner ?? randomUUID();
    this.#readSources =
      options.readSources ??
      (refs =>
        readInsightSources(
          {
            stores: this.#stores,
            catalogue: this.#catalogue,
            logger: this.#logger,
            now: this.#clock(),
          },
          refs,
        ));
  }

  get providersConfigured(): boolean {
    return this.#providers.length > 0;
  }

  /** The normalized insight inputs of the given entities. */
  async inputsOf(refs: string[]): Promise<Map<string, InsightInput>> {
    const sources = await this.#readSources(refs);
    return new Map(
      [...sources].map(([ref, s]) => [ref, buildInsightInput(s)] as const),
    );
  }

  /**
   * Queues a job for every evaluated entity whose inputs hash differs from
   * its stored insight's. Without providers nothing is queued (the rules
   * insight is computed on read).
   */
  async enqueueChanged(signal?: AbortSignal): Promise<number> {
    if (!this.providersConfigured) return 0;
    const { insights } = this.#stores;
    let queued = 0;
    let after: string | undefined;
    for (;;) {
      if (signal?.aborted) break;
      const refs = await insights.listEvaluatedRefs(PAGE, after);
      if (refs.length === 0) break;
      after = refs[refs.length - 1];
      const [inputs, stored] = await Promise.all([
        this.inputsOf(refs),
        insights.getInsights(refs),
      ]);
      const jobs = [...inputs.values()]
        .map(input => ({
          entityRef: input.entityRef,
          inputHash: insightInputHash(input),
          input,
        }))
        .filter(j => stored.get(j.entityRef)?.inputHash !== j.inputHash);
      queued += await insights.enqueue(jobs, this.#clock());
    }
    return queued;
  }

  /**
   * Queues a model insight for the entity's current inputs even if they did
   * not change (bounded by the store: one pending job, a cooldown).
   * `undefined` when the entity has not been evaluated.
   */
  async regenerate(
    entityRef: string,
  ): Promise<RegenerationOutcome | undefined> {
    const input = (await this.inputsOf([entityRef])).get(entityRef);
    if (!input) return undefined;
    return this.#stores.insights.requestRegeneration(
      { entityRef, inputHash: insightInputHash(input), input },
      { now: this.#clock(), cooldownMs: this.#settings.regenerateCooldownMs },
    );
  }

  /** One scheduled cycle: tidy, queue changed entities, drain the queue. */
  async runCycle(signal?: AbortSignal): Promise<InsightCycleStats> {
    await this.#stores.insights.deleteOrphans();
    const queued = await this.enqueueChanged(signal);
    const stats = await this.drain(signal);
    stats.queued = queued;
    if (stats.jobs > 0 || queued > 0) {
      this.#logger.info('Insights cycle', { ...stats });
    }
    return stats;
  }

  /**
   * Works queued jobs until none is due, the per-cycle budget (jobs or
   * tokens) is spent, or the task is aborted. Jobs left over stay queued.
   */
  async drain(signal?: AbortSignal): Promise<InsightCycleStats> {
    const stats: InsightCycleStats = {
      queued: 0,
      jobs: 0,
      succeeded: 0,
      failed: 0,
      dead: 0,
      requests: 0,
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
      stoppedByBudget: false,
    };
    if (!this.providersConfigured) return stats;
    const { budget } = this.#settings;
    for (;;) {
      if (signal?.aborted) break;
      if (
        stats.jobs >= budget.jobsPerCycle ||
        stats.inputTokens + stats.outputTokens >= budget.tokensPerCycle
      ) {
        stats.stoppedByBudget =
          (await this.#stores.insights.countJobs()).queued > 0;
        break;
      }
      const job = await this.#stores.insights.claim({
        owner: this.#owner,
        now: this.#clock(),
        leaseMs: this.#settings.leaseMs,
        maxAttempts: this.#settings.maxAttempts,
      });
      if (!job) break;
      stats.jobs += 1;
      await this.#process(job, stats, signal);
    }
    return stats;
  }

  async #process(
    job: ClaimedInsightJob,
    stats: InsightCycleStats,
    signal?: AbortSignal,
  ): Promise<void> {
    const { insights } = this.#stores;
    const owned = { id: job.id, owner: this.#owner };
    const input = job.input as InsightInput;
    const usage: InsightUsageEntry[] = [];
    const errors: string[] = [];
    let retryAfterMs: number | undefined;
    let rateLimited = false;
    const unhealthy = await insights.getUnhealthyProviders(this.#clock());
    const record = (
      p: PricedProvider,
      outcome: string,
      model: string,
      tokens = { inputTokens: 0, outputTokens: 0 },
    ) => {
      const costUsd =
        (tokens.inputTokens * p.pricing.inputPerMillionTokens +
          tokens.outputTokens * p.pricing.outputPerMillionTokens) /
        1_000_000;
      usage.push({
        entityRef: job.entityRef,
        inputHash: job.inputHash,
        provider: p.provider.id,
        model,
        outcome,
        ...tokens,
        costUsd,
      });
      stats.requests += 1;
      stats.inputTokens += tokens.inputTokens;
      stats.outputTokens += tokens.outputTokens;
      stats.costUsd += costUsd;
    };

    /** One provider, shrinking the input as needed: done, next or wait. */
    const tryProvider = async (
      p: PricedProvider,
    ): Promise<'done' | 'next' | 'wait'> => {
      const { provider } = p;
      for (let level = 0; level < SHRINK_LEVELS; ) {
        try {
          const result = await provider.generate({
            ...buildRequest(input, level, this.#settings.maxOutputTokens),
            ...(signal ? { signal } : {}),
          });
          const model = result.model ?? provider.model;
          const grounding = validateGrounding(extractJson(result.text), input);
          if (!grounding.ok) {
            record(p, 'invalid_output', model, result.usage);
            errors.push(
              `${provider.id}: invalid_output: ${grounding.problems
                .slice(0, 3)
                .join('; ')}`,
            );
            return 'next';
          }
          record(p, 'ok', model, result.usage);
          const now = this.#clock();
          const insight = toInsight(
            grounding.draft,
            input,
            {
              type: 'model',
              provider: provider.id,
              model: model.slice(0, 200),
            },
            now,
          );
          const mine = usage.filter(u => u.provider === provider.id);
          await insights.complete(
            owned,
            {
              entityRef: job.entityRef,
              inputHash: job.inputHash,
              insight,
              inputTokens: mine.reduce((sum, u) => sum + u.inputTokens, 0),
              outputTokens: mine.reduce((sum, u) => sum + u.outputTokens, 0),
              costUsd: mine.reduce((sum, u) => sum + u.costUsd, 0),
            },
            usage,
            now,
          );
          return 'done';
        } catch (e) {
          const error = classifyProviderError(provider.id, e);
          // A truncated or refused answer is billed: its tokens count.
          record(p, error.kind, provider.model, error.usage);
          errors.push(error.message);
          const action = failoverAction(error.kind, level, SHRINK_LEVELS - 1);
          this.#logger.warn('Insight provider failed', {
            provider: provider.id,
            entityRef: job.entityRef,
            kind: error.kind,
            action,
          });
          if (action === 'shrink') {
            level += 1;
            continue;
          }
          if (action === 'mark_unhealthy') {
            await insights.markProviderUnhealthy(
              provider.id,
              new Date(this.#clock().getTime() + this.#settings.unhealthyForMs),
              error.message,
            );
          }
          if (action === 'retry_later') {
            rateLimited = true;
            retryAfterMs = error.retryAfterMs;
            return 'wait';
          }
          return 'next';
        }
      }
      return 'next';
    };

    for (const p of this.#providers) {
      const sick = unhealthy.get(p.provider.id);
      if (sick) {
        errors.push(`${p.provider.id}: skipped, unhealthy until ${sick.until}`);
        continue;
      }
      const outcome = await tryProvider(p);
      if (outcome === 'done') {
        stats.succeeded += 1;
        return;
      }
      if (outcome === 'wait') break;
    }

    // Every provider failed, was skipped, or asked us to wait.
    const now = this.#clock();
    const noRequest = !usage.length;
    const refund = rateLimited || noRequest;
    const dead = !refund && job.attempts >= this.#settings.maxAttempts;
    await insights.fail(
      owned,
      {
        error: errors.join(' | ') || 'no insight provider available',
        dead,
        retryAt: new Date(
          now.getTime() + backoffMs(job.attempts, retryAfterMs),
        ),
        refundAttempt: refund,
      },
      usage,
      now,
    );
    if (dead) stats.dead += 1;
    else stats.failed += 1;
  }

  /**
   * The insight the API shows for an entity: the model insight when it was
   * generated from the current inputs, the rules insight otherwise, with
   * the state of the job for the current inputs.
   */
  async getEntityInsight(
    entityRef: string,
  ): Promise<EntityInsightResponse | undefined> {
    const input = (await this.inputsOf([entityRef])).get(entityRef);
    if (!input) return undefined;
    return entityInsightAnswer({
      stores: this.#stores,
      input,
      maxAttempts: this.#settings.maxAttempts,
      providersConfigured: this.providersConfigured,
      now: this.#clock(),
    });
  }
}
