import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { isError } from '@backstage/errors';
import {
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import { JsonValue } from 'backstage-plugin-compliance-common';
import {
  CollectedFact,
  CollectorContext,
  ComplianceCollector,
} from 'backstage-plugin-compliance-node';
import { runsStateKey } from './ci/runsState';
import {
  emitCiFacts,
  PendingCi,
  resolvePendingAttempts,
  syncCi,
} from './ci/workflowRunSync';
import { checksStateKey } from './ci/checkObservations';
import {
  GithubClient,
  GithubClients,
  GithubRetryOptions,
} from './client/GithubClients';
import { ALL_FACT_IDS, readRepositoryBatch } from './collector/graphqlBatch';
import { RepoWork } from './collector/repoWork';
import { GITHUB_DEFAULT_SCHEDULE, GithubComplianceConfig } from './config';
import { GITHUB_FACT_DESCRIPTORS } from './githubFactIds';
import { FactSink } from './lib/factSink';
import { resolveGithubRepository } from './lib/repository';
import { EtagCache } from './rest/etagCache';
import {
  collectRestFacts,
  CONDITIONAL_STEPS,
  restTarget,
} from './rest/restRepository';

/**
 * Options of {@link GithubCollector}.
 *
 * @public
 */
export interface GithubCollectorOptions {
  config: GithubComplianceConfig;
  integrations: ScmIntegrationRegistry;
  logger: LoggerService;
  /** Defaults to `DefaultGithubCredentialsProvider.fromIntegrations(integrations)`. */
  credentialsProvider?: GithubCredentialsProvider;
  /** Throttle/retry timing; tests shorten the waits. */
  retry?: GithubRetryOptions;
  /** Clock, for tests. */
  now?: () => Date;
}

/** Stops the cycle once; REST work checks it between repositories. */
class Stopper {
  stopped = false;
  constructor(
    private readonly ctx: CollectorContext,
    private readonly logger: LoggerService,
  ) {}
  stop(reason: string) {
    if (!this.stopped) {
      this.stopped = true;
      this.logger.info('GitHub collector stopping for this cycle', { reason });
      this.ctx.stop(reason);
    }
  }
}

/** A repository GraphQL answered for. */
type ReadRepo = RepoWork & { graphql: NonNullable<RepoWork['graphql']> };

/**
 * Collects repository settings, security tooling state and CI signals from
 * GitHub for catalog components, with one batched GraphQL query per 25
 * repositories, conditional REST requests and an incremental workflow-run
 * sync. Batching and the rate-limit budget live here; the requests and the
 * facts they give are in `collector/`, `rest/` and `ci/`.
 *
 * @public
 */
export class GithubCollector implements ComplianceCollector {
  readonly id = 'github';
  readonly title = 'GitHub repositories and CI';
  readonly facts = GITHUB_FACT_DESCRIPTORS;
  /** Used unless `compliance.collectors.github.schedule` is configured. */
  readonly defaultSchedule: ComplianceCollector['defaultSchedule'] =
    GITHUB_DEFAULT_SCHEDULE;
  readonly batchSize = 100;

  readonly #config: GithubComplianceConfig;
  readonly #integrations: ScmIntegrationRegistry;
  readonly #clients: GithubClients;
  readonly #logger: LoggerService;
  readonly #now: () => Date;

  static create(options: GithubCollectorOptions): GithubCollector {
    return new GithubCollector(options);
  }

  private constructor(options: GithubCollectorOptions) {
    this.#config = options.config;
    this.#integrations = options.integrations;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
    this.#clients = GithubClients.create({
      integrations: options.integrations,
      logger: options.logger,
      credentialsProvider: options.credentialsProvider,
      retry: options.retry,
    });
  }

  filter(entity: Entity): boolean {
    return entity.kind.toLocaleLowerCase('en-US') === 'component';
  }

  async collect(
    entities: Entity[],
    ctx: CollectorContext,
  ): Promise<CollectedFact[]> {
    const observedAt = this.#now().toISOString();
    const out: CollectedFact[] = [];
    const unknownAll = (
      entityRef: string,
      reason: 'no_repo' | 'no_credentials',
      message: string,
    ) => {
      const sink = new FactSink();
      sink.unknownAll(ALL_FACT_IDS, reason, message);
      out.push(...sink.toFacts(entityRef, observedAt));
    };

    // One work item per repository, whatever the number of entities on it.
    const work = new Map<string, RepoWork>();
    for (const entity of entities) {
      const entityRef = stringifyEntityRef(entity);
      const resolved = resolveGithubRepository(entity, this.#integrations, {
        allowedOwners: this.#config.allowedOwners,
        requireSourceLocationMatch: this.#config.requireSourceLocationMatch,
      });
      if (!resolved) {
        unknownAll(
          entityRef,
          'no_repo',
          'No GitHub repository: add the github.com/project-slug annotation, or a backstage.io/source-location url: on a configured GitHub host',
        );
        continue;
      }
      if ('problem' in resolved) {
        // Never sent to GitHub: no request is spent on it.
        unknownAll(entityRef, 'no_repo', resolved.problem);
        continue;
      }
      const { ref } = resolved;
      if (!this.#clients.hasCredentials(ref.host)) {
        unknownAll(
          entityRef,
          'no_credentials',
          `No GitHub credentials are configured for ${ref.host}: add a token or a GitHub App under integrations.github`,
        );
        continue;
      }
      const key = `${ref.host}/${ref.owner}/${ref.repo}`.toLocaleLowerCase(
        'en-US',
      );
      const existing = work.get(key);
      if (existing) {
        existing.entityRefs.push(entityRef);
      } else {
        work.set(key, {
          ref,
          key,
          entityRefs: [entityRef],
          sink: new FactSink(),
        });
      }
    }

    // Group by credential bucket (host/owner), then GraphQL batches.
    const byClient = new Map<
      string,
      { client: GithubClient; repos: RepoWork[] }
    >();
    for (const item of work.values()) {
      const client = this.#clients.forOwner(item.ref.host, item.ref.owner);
      if (!client) continue; // hasCredentials() proved the host is configured
      const group = byClient.get(client.key) ?? { client, repos: [] };
      group.repos.push(item);
      byClient.set(client.key, group);
    }

    const stopper = new Stopper(ctx, this.#logger);
    const emit = (item: RepoWork) => {
      for (const entityRef of item.entityRefs) {
        out.push(...item.sink.toFacts(entityRef, observedAt));
      }
    };
    const batchSize = this.#config.graphqlBatchSize;
    for (const { client, repos } of byClient.values()) {
      for (let i = 0; i < repos.length && !stopper.stopped; i += batchSize) {
        if (!this.#mayContinue(client, ctx, stopper)) break;
        const chunk = repos.slice(i, i + batchSize);
        const outcome = await readRepositoryBatch(client, chunk, {
          now: this.#now(),
          staleAlertDays: this.#config.thresholds.staleAlertDays,
          logger: this.#logger,
        });
        if (outcome === 'rate_limited') {
          stopper.stop(`GitHub GraphQL rate limit reached for ${client.key}`);
        }
        if (outcome === 'ok') {
          await this.#restPhase(client, chunk, ctx, stopper);
          // A rate limit met by the last repositories still ends the cycle,
          // so that the run says why.
          if (client.budget.limited) this.#mayContinue(client, ctx, stopper);
        }
        chunk.forEach(emit);
      }
    }
    this.#logTransientFailures(out);
    return out;
  }

  /**
   * The run record only counts batches that throw; what failed transiently
   * inside a batch is at least summed up in the log.
   */
  #logTransientFailures(facts: CollectedFact[]) {
    const failed = facts.filter(
      f => f.unknownReason === 'error' || f.unknownReason === 'rate_limited',
    );
    if (failed.length === 0) return;
    this.#logger.warn(
      'GitHub facts unknown after errors or rate limits; their last good values are kept',
      {
        facts: failed.length,
        entities: new Set(failed.map(f => f.entityRef)).size,
        rateLimited: failed.filter(f => f.unknownReason === 'rate_limited')
          .length,
      },
    );
  }

  /** Checks cancellation and the budget; stops the cycle when either says so. */
  #mayContinue(
    client: GithubClient,
    ctx: CollectorContext,
    stopper: Stopper,
  ): boolean {
    if (ctx.signal?.aborted) {
      stopper.stop('aborted');
    } else if (client.budget.limited) {
      stopper.stop(
        `GitHub rate limit for ${client.key}: ${client.budget.limited}`,
      );
    } else if (client.budget.exhausted(this.#config.budgetReserve)) {
      stopper.stop(
        `GitHub rate-limit budget for ${client.key} is under the reserve of ${
          this.#config.budgetReserve
        }`,
      );
    }
    return !stopper.stopped;
  }

  /**
   * REST requests and the workflow-run sync of a batch, `concurrency`
   * repositories at a time. State (ETags, runs) is read once before and
   * written once after.
   */
  async #restPhase(
    client: GithubClient,
    chunk: RepoWork[],
    ctx: CollectorContext,
    stopper: Stopper,
  ) {
    const ready = chunk.filter((item): item is ReadRepo => !!item.graphql);
    const runStates = await ctx.state.getMany(
      ready.flatMap(item => [runsStateKey(item.key), checksStateKey(item.key)]),
    );
    const cache = await EtagCache.load({
      state: ctx.state,
      clientKey: client.key,
      now: this.#now,
      steps: CONDITIONAL_STEPS,
      targets: ready.map(item => restTarget(item.ref, item.graphql.node)),
    });
    const runWrites: Array<{ key: string; value: JsonValue }> = [];
    const ciOptions = () => ({
      octokit: client.octokit,
      budget: client.budget,
      logger: this.#logger,
      now: this.#now(),
      windowDays: this.#config.windowDays,
      runStates,
      writes: runWrites,
    });
    const pending: PendingCi[] = [];

    let next = 0;
    const worker = async () => {
      while (next < ready.length) {
        const item = ready[next++];
        // Once stopped, GraphQL facts are still emitted; REST facts keep their last values.
        if (!this.#mayContinue(client, ctx, stopper)) continue;
        try {
          const { ref, key, sink, graphql } = item;
          await collectRestFacts({
            octokit: client.octokit,
            cache,
            ref,
            sink,
            ...graphql,
            now: this.#now(),
            staleAlertDays: this.#config.thresholds.staleAlertDays,
          });
          const synced = await syncCi(
            { ref, key, sink, node: graphql.node, errors: graphql.errors },
            ciOptions(),
          );
          if (synced) pending.push(synced);
        } catch (error) {
          this.#logger.warn('GitHub collection failed for repository', {
            repository: item.key,
            error: isError(error) ? error.message : String(error),
          });
        }
      }
    };
    await Promise.all(
      Array.from(
        { length: Math.min(this.#config.concurrency, ready.length) },
        worker,
      ),
    );
    // Earlier attempts of re-runs: one GraphQL query for the whole batch.
    await resolvePendingAttempts(pending, {
      ...ciOptions(),
      stopped: this.#mayContinue(client, ctx, stopper)
        ? undefined
        : 'The collection cycle stopped before earlier workflow run attempts were read',
    });
    for (const item of pending) {
      try {
        emitCiFacts(item, ciOptions());
      } catch (error) {
        this.#logger.warn('GitHub CI facts failed for repository', {
          repository: item.target.key,
          error: isError(error) ? error.message : String(error),
        });
      }
    }
    const writes = [...cache.writes, ...runWrites];
    if (writes.length) {
      await ctx.state.set(writes);
    }
  }
}
