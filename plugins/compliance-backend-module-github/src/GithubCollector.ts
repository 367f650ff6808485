import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { isError } from '@backstage/errors';
import {
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import { JsonValue, UnknownReason } from 'backstage-plugin-compliance-common';
import {
  CollectedFact,
  CollectorContext,
  ComplianceCollector,
} from 'backstage-plugin-compliance-node';
import { DateTime } from 'luxon';
import {
  GithubClient,
  GithubClients,
  GithubRetryOptions,
} from './client/GithubClients';
import {
  buildRepositoryQuery,
  RepositoryNode,
  RepositoryQueryAnswer,
} from './client/repositoryQuery';
import { GithubComplianceConfig } from './config';
import { GITHUB_FACT_DESCRIPTORS, GITHUB_FACTS as F } from './facts';
import {
  classifyGithubError,
  classifyGraphqlError,
  GithubAnswer,
} from './lib/classify';
import {
  computeCiStats,
  mergeRuns,
  nextWatermark,
  RestWorkflowRun,
  runsNeedingAttemptLookup,
  StoredRun,
  toStoredRun,
} from './lib/ciStats';
import { FactSink, sha256Of } from './lib/facts';
import {
  BranchRules,
  ClassicProtection,
  EffectiveSetting,
  mergeEffectiveProtection,
  parseClassicProtection,
} from './lib/protection';
import { GithubRepositoryRef, resolveGithubRepository } from './lib/repository';

const ALL_FACT_IDS = GITHUB_FACT_DESCRIPTORS.map(d => d.id);
const NON_ADMIN = new Set(['READ', 'TRIAGE', 'WRITE', 'MAINTAIN']);
const SEVERE = new Set(['CRITICAL', 'HIGH', 'critical', 'high']);
/** Workflow runs are refetched at least this often even when HEAD did not change. */
const RUNS_MAX_AGE_HOURS = 24;
const MAX_RUN_PAGES = 10;
/** Earlier-attempt lookups per repository per cycle; the rest are refined in later cycles. */
const MAX_ATTEMPT_LOOKUPS = 1;
/** How long a "not protected" or "feature disabled" answer is reused before asking again. */
const NEGATIVE_TTL_HOURS = 6;
const NEGATIVE = '__negative__';

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

interface RepoWork {
  ref: GithubRepositoryRef;
  key: string;
  entityRefs: string[];
  sink: FactSink;
  node?: RepositoryNode;
  alias: string;
  errors: NonNullable<RepositoryQueryAnswer['errors']>;
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

interface EtagEntry {
  etag: string;
  value: JsonValue;
}

interface RunsState {
  signature: string;
  syncedAt: string;
  watermark: string;
  runs: StoredRun[];
}

type CondResult<T> =
  | { ok: true; value: T; notModified: boolean }
  | { ok: false; answer: GithubAnswer };

function errorAnswer(error: unknown): GithubAnswer {
  if (isError(error)) {
    const e = error as Error & {
      status?: number;
      response?: { headers?: Record<string, string>; data?: unknown };
    };
    const data = e.response?.data as { message?: string } | undefined;
    return classifyGithubError({
      status: typeof e.status === 'number' ? e.status : undefined,
      message: data?.message ?? e.message,
      headers: e.response?.headers,
    });
  }
  return classifyGithubError({ message: String(error) });
}

function settingFact(
  sink: FactSink,
  id: string,
  setting: EffectiveSetting<boolean | number>,
  url: string,
) {
  if (setting.known) {
    sink.set(id, setting.value, {
      source: setting.sources.length
        ? setting.sources.join(', ')
        : 'no protection',
      url,
    });
  } else {
    sink.unknown(id, setting.reason, setting.message, { url });
  }
}

/**
 * Collects repository settings, security tooling state and CI signals from
 * GitHub for catalog components, with one batched GraphQL query per 25
 * repositories, conditional REST requests and an incremental workflow-run
 * sync.
 *
 * @public
 */
export class GithubCollector implements ComplianceCollector {
  readonly id = 'github';
  readonly title = 'GitHub repositories and CI';
  readonly facts = GITHUB_FACT_DESCRIPTORS;
  readonly defaultSchedule: ComplianceCollector['defaultSchedule'];
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
    this.defaultSchedule = options.config.schedule;
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
    const work = new Map<string, RepoWork>();

    for (const entity of entities) {
      const entityRef = stringifyEntityRef(entity);
      const ref = resolveGithubRepository(entity, this.#integrations);
      if (!ref) {
        const sink = new FactSink();
        sink.unknownAll(
          ALL_FACT_IDS,
          'no_repo',
          'No GitHub repository: add the github.com/project-slug annotation, or a backstage.io/source-location url: on a configured GitHub host',
        );
        out.push(...sink.toFacts(entityRef, observedAt));
        continue;
      }
      if (!this.#clients.hasCredentials(ref.host)) {
        const sink = new FactSink();
        sink.unknownAll(
          ALL_FACT_IDS,
          'no_credentials',
          `No GitHub credentials are configured for ${ref.host}: add a token or a GitHub App under integrations.github`,
        );
        out.push(...sink.toFacts(entityRef, observedAt));
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
          alias: '',
          errors: [],
        });
      }
    }

    // Group by credential bucket (host/owner), then GraphQL batches.
    const byClient = new Map<
      string,
      { client: GithubClient; repos: RepoWork[] }
    >();
    for (const item of work.values()) {
      const client = this.#clients.forOwner(item.ref.host, item.ref.owner)!;
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

    for (const { client, repos } of byClient.values()) {
      for (
        let i = 0;
        i < repos.length && !stopper.stopped;
        i += this.#config.graphqlBatchSize
      ) {
        if (ctx.signal?.aborted) {
          stopper.stop('aborted');
          break;
        }
        if (client.budget.exhausted(this.#config.budgetReserve)) {
          stopper.stop(
            `GitHub rate-limit budget for ${
              client.key
            } is under the reserve of ${this.#config.budgetReserve}`,
          );
          break;
        }
        const chunk = repos.slice(i, i + this.#config.graphqlBatchSize);
        const graphqlOk = await this.#graphql(client, chunk, stopper);
        if (!graphqlOk) {
          chunk.forEach(emit);
          continue;
        }
        await this.#restPhase(client, chunk, ctx, stopper);
        chunk.forEach(emit);
      }
    }
    return out;
  }

  async #graphql(
    client: GithubClient,
    chunk: RepoWork[],
    stopper: Stopper,
  ): Promise<boolean> {
    chunk.forEach((item, index) => {
      item.alias = `r${index}`;
    });
    let answer: RepositoryQueryAnswer;
    try {
      const response = await client.octokit.request('POST /graphql', {
        query: buildRepositoryQuery(chunk.map(c => c.ref)),
      });
      answer = response.data as RepositoryQueryAnswer;
    } catch (error) {
      const classified = errorAnswer(error);
      const reason: UnknownReason =
        classified.kind === 'unknown' ? classified.reason : 'error';
      const message =
        classified.kind === 'unknown' || classified.kind === 'feature_disabled'
          ? classified.message
          : 'GitHub GraphQL request failed';
      this.#logger.warn('GitHub GraphQL batch failed', {
        bucket: client.key,
        repos: chunk.length,
        reason,
        status: classified.kind === 'unknown' ? classified.status : undefined,
      });
      for (const item of chunk) {
        item.sink.unknownAll(ALL_FACT_IDS, reason, message);
      }
      if (reason === 'rate_limited') {
        stopper.stop(`GitHub GraphQL rate limit reached for ${client.key}`);
      }
      return false;
    }

    const errors = answer.errors ?? [];
    const rateLimit = answer.data?.rateLimit;
    if (rateLimit && typeof rateLimit.remaining === 'number') {
      client.budget.graphqlRemaining = rateLimit.remaining;
    }
    if (errors.some(e => e.type === 'RATE_LIMITED') && !answer.data) {
      for (const item of chunk) {
        item.sink.unknownAll(
          ALL_FACT_IDS,
          'rate_limited',
          'GitHub GraphQL rate limit reached',
        );
      }
      stopper.stop(`GitHub GraphQL rate limit reached for ${client.key}`);
      return false;
    }
    for (const item of chunk) {
      const node = answer.data?.[item.alias] as
        | RepositoryNode
        | null
        | undefined;
      const own = errors.filter(e => e.path?.[0] === item.alias);
      if (!node) {
        const top = own.find(e => (e.path?.length ?? 0) <= 1) ?? own[0];
        const classified = top
          ? classifyGraphqlError(top)
          : {
              kind: 'unknown' as const,
              reason: 'error' as UnknownReason,
              message: 'GitHub returned no data',
            };
        const reason =
          classified.kind === 'unknown'
            ? classified.reason
            : 'insufficient_permission';
        item.sink.unknownAll(
          ALL_FACT_IDS,
          reason,
          `Repository ${item.ref.owner}/${item.ref.repo} on ${item.ref.host} could not be read: ${classified.message}`,
        );
        continue;
      }
      item.node = node;
      item.errors = own;
      this.#graphqlFacts(item, node, own);
    }
    return true;
  }

  #graphqlFacts(
    item: RepoWork,
    node: RepositoryNode,
    errors: NonNullable<RepositoryQueryAnswer['errors']>,
  ) {
    const { sink, ref } = item;
    const repoUrl = `https://${ref.host}/${ref.owner}/${ref.repo}`;
    const source = 'GraphQL repository';
    const fieldError = (...path: string[]) => {
      const hit = errors.find(e => path.every((p, i) => e.path?.[i + 1] === p));
      return hit ? classifyGraphqlError(hit) : undefined;
    };
    const unknownFrom = (
      id: string,
      classified: ReturnType<typeof classifyGraphqlError>,
    ) => {
      sink.unknown(
        id,
        classified.kind === 'unknown'
          ? classified.reason
          : 'feature_unavailable',
        classified.message,
      );
    };
    const ev = (path = '') => ({ source, url: `${repoUrl}${path}` });

    sink.set(F.repoArchived, Boolean(node.isArchived), ev());
    if (node.visibility) {
      sink.set(
        F.repoVisibility,
        node.visibility.toLocaleLowerCase('en-US'),
        ev(),
      );
    }
    const licenseError = fieldError('licenseInfo');
    if (licenseError) unknownFrom(F.repoLicense, licenseError);
    else sink.set(F.repoLicense, node.licenseInfo?.spdxId ?? null, ev());

    const empty = Boolean(node.isEmpty) || !node.defaultBranchRef;
    const emptyMessage = `Repository ${ref.owner}/${ref.repo} is empty (no default branch)`;
    const commit = node.defaultBranchRef?.target;
    if (empty) {
      sink.unknown(
        F.repoDaysSinceLastCommit,
        'feature_unavailable',
        emptyMessage,
      );
      sink.set(F.codeownersPresent, false, ev());
      sink.set(F.codeownersErrors, 0, ev());
      sink.set(F.dependencyUpdatesConfigured, false, ev());
      sink.unknown(F.commitsSignedRatio, 'feature_unavailable', emptyMessage);
    } else {
      if (commit?.committedDate) {
        const days = Math.floor(
          (this.#now().getTime() - Date.parse(commit.committedDate)) /
            86_400_000,
        );
        sink.set(F.repoDaysSinceLastCommit, Math.max(0, days), ev('/commits'));
      }
      const coError =
        fieldError('coGithub') ?? fieldError('coRoot') ?? fieldError('coDocs');
      if (coError) unknownFrom(F.codeownersPresent, coError);
      else
        sink.set(
          F.codeownersPresent,
          Boolean(node.coGithub || node.coRoot || node.coDocs),
          ev(),
        );
      const ownersError = fieldError('codeowners');
      if (ownersError) unknownFrom(F.codeownersErrors, ownersError);
      else
        sink.set(
          F.codeownersErrors,
          node.codeowners?.errors?.length ?? 0,
          ev(),
        );
      sink.set(
        F.dependencyUpdatesConfigured,
        Boolean(
          node.dependabotYml ||
            node.dependabotYaml ||
            node.renovateJson ||
            node.renovateJson5 ||
            node.renovateGithub ||
            node.renovaterc ||
            node.renovatercJson,
        ),
        ev(),
      );
      const history = commit?.history?.nodes ?? [];
      if (history.length) {
        const signed = history.filter(n => n.signature?.isValid).length;
        sink.set(
          F.commitsSignedRatio,
          Math.round((signed / history.length) * 1000) / 1000,
          ev('/commits'),
        );
      }
    }

    const policyError = fieldError('isSecurityPolicyEnabled');
    if (policyError) unknownFrom(F.securityPolicyEnabled, policyError);
    else
      sink.set(
        F.securityPolicyEnabled,
        Boolean(node.isSecurityPolicyEnabled),
        ev('/security/policy'),
      );

    // Dependabot alerts
    const alertsEnabledError = fieldError('hasVulnerabilityAlertsEnabled');
    const alertsError = fieldError('vulnerabilityAlerts');
    const disabled =
      alertsEnabledError?.kind === 'feature_disabled' ||
      alertsError?.kind === 'feature_disabled' ||
      node.hasVulnerabilityAlertsEnabled === false;
    if (disabled) {
      sink.set(
        F.dependabotAlertsEnabled,
        false,
        ev('/settings/security_analysis'),
      );
    } else if (alertsEnabledError) {
      unknownFrom(F.dependabotAlertsEnabled, alertsEnabledError);
    } else if (node.hasVulnerabilityAlertsEnabled === true) {
      sink.set(
        F.dependabotAlertsEnabled,
        true,
        ev('/settings/security_analysis'),
      );
    }
    if (disabled) {
      const msg = 'Dependabot alerts are disabled for this repository';
      sink.unknown(F.dependabotOpenCriticalHigh, 'feature_unavailable', msg);
      sink.unknown(F.dependabotOverdueCriticalHigh, 'feature_unavailable', msg);
    } else if (alertsError || !node.vulnerabilityAlerts) {
      const classified = alertsError ?? {
        kind: 'unknown' as const,
        reason: 'insufficient_permission' as UnknownReason,
        message: 'Dependabot alerts are not visible to these credentials',
      };
      unknownFrom(F.dependabotOpenCriticalHigh, classified);
      unknownFrom(F.dependabotOverdueCriticalHigh, classified);
    } else {
      const severe = node.vulnerabilityAlerts.nodes.filter(a =>
        SEVERE.has(a.securityVulnerability?.severity ?? ''),
      );
      const cutoff =
        this.#now().getTime() -
        this.#config.thresholds.staleAlertDays * 86_400_000;
      sink.set(
        F.dependabotOpenCriticalHigh,
        severe.length,
        ev('/security/dependabot'),
      );
      sink.set(
        F.dependabotOverdueCriticalHigh,
        severe.filter(a => Date.parse(a.createdAt) < cutoff).length,
        ev('/security/dependabot'),
      );
    }

    // Reviews of merged pull requests
    const prError = fieldError('pullRequests');
    if (prError) {
      unknownFrom(F.mergedPullRequests, prError);
      unknownFrom(F.reviewedRatio, prError);
    } else {
      const prs = (node.pullRequests?.nodes ?? []).filter(
        pr =>
          pr.author &&
          pr.author.__typename !== 'Bot' &&
          !pr.author.login.endsWith('[bot]'),
      );
      const reviewed = prs.filter(pr =>
        (pr.reviews?.nodes ?? []).some(
          r => r.author && r.author.login !== pr.author?.login,
        ),
      ).length;
      sink.set(F.mergedPullRequests, prs.length, ev('/pulls?q=is%3Amerged'));
      sink.set(
        F.reviewedRatio,
        prs.length ? Math.round((reviewed / prs.length) * 1000) / 1000 : null,
        ev('/pulls?q=is%3Amerged'),
      );
    }
  }

  async #conditional<T extends JsonValue>(
    client: GithubClient,
    etags: Map<string, EtagEntry>,
    writes: Array<{ key: string; value: JsonValue }>,
    route: string,
    params: Record<string, string | number | boolean>,
    derive: (data: unknown) => T,
    reuseNegative = true,
  ): Promise<CondResult<T>> {
    const stateKey = `etag:${client.key}:${route}:${JSON.stringify(params)}`;
    const cached = etags.get(stateKey);
    if (cached?.etag === NEGATIVE) {
      const negative = cached.value as {
        answer: GithubAnswer;
        at: string;
      } | null;
      if (
        reuseNegative &&
        negative &&
        this.#now().getTime() - Date.parse(negative.at) <
          NEGATIVE_TTL_HOURS * 3_600_000
      ) {
        return { ok: false, answer: negative.answer };
      }
    }
    const validator = cached && cached.etag !== NEGATIVE ? cached : undefined;
    try {
      const response = await client.octokit.request(route, {
        ...params,
        headers: validator ? { 'if-none-match': validator.etag } : {},
      });
      const value = derive(response.data);
      const etag = response.headers.etag;
      if (etag) {
        writes.push({ key: stateKey, value: { etag, value } });
      }
      return { ok: true, value, notModified: false };
    } catch (error) {
      const answer = errorAnswer(error);
      if (answer.kind === 'not_modified' && validator) {
        return { ok: true, value: validator.value as T, notModified: true };
      }
      if (
        answer.kind === 'branch_not_protected' ||
        answer.kind === 'feature_disabled'
      ) {
        // Error answers carry no ETag; remember them for a while instead.
        writes.push({
          key: stateKey,
          value: {
            etag: NEGATIVE,
            value: { answer, at: this.#now().toISOString() },
          } as unknown as JsonValue,
        });
      }
      return { ok: false, answer };
    }
  }

  async #restPhase(
    client: GithubClient,
    chunk: RepoWork[],
    ctx: CollectorContext,
    stopper: Stopper,
  ) {
    const ready = chunk.filter(item => item.node);
    const keys: string[] = [];
    for (const item of ready) {
      keys.push(`runs:${item.key}`);
    }
    const runStates = await ctx.state.getMany<JsonValue>(keys);
    const etagState = new Map<string, EtagEntry>();
    const etagKeys = ready.flatMap(item => this.#etagKeys(client, item));
    const rawEtags = await ctx.state.getMany<JsonValue>(etagKeys);
    for (const [key, value] of rawEtags) {
      etagState.set(key, value as unknown as EtagEntry);
    }
    const writes: Array<{ key: string; value: JsonValue }> = [];

    let next = 0;
    const worker = async () => {
      while (next < ready.length) {
        const item = ready[next++];
        if (ctx.signal?.aborted) {
          stopper.stop('aborted');
        }
        if (client.budget.exhausted(this.#config.budgetReserve)) {
          stopper.stop(
            `GitHub rate-limit budget for ${
              client.key
            } is under the reserve of ${this.#config.budgetReserve}`,
          );
        }
        if (stopper.stopped) {
          // GraphQL facts are still emitted; REST facts keep their last values.
          continue;
        }
        try {
          await this.#restRepo(client, item, etagState, writes, runStates);
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
    if (writes.length) {
      await ctx.state.set(writes);
    }
  }

  #etagKeys(client: GithubClient, item: RepoWork): string[] {
    const { owner, repo } = item.ref;
    const branch = item.node?.defaultBranchRef?.name ?? '';
    const k = (
      route: string,
      params: Record<string, string | number | boolean>,
    ) => `etag:${client.key}:${route}:${JSON.stringify(params)}`;
    return [
      k('GET /repos/{owner}/{repo}', { owner, repo }),
      k('GET /repos/{owner}/{repo}/branches/{branch}/protection', {
        owner,
        repo,
        branch,
      }),
      k('GET /repos/{owner}/{repo}/actions/permissions/workflow', {
        owner,
        repo,
      }),
      k('GET /repos/{owner}/{repo}/secret-scanning/alerts', {
        owner,
        repo,
        state: 'open',
        per_page: 100,
      }),
      k('GET /repos/{owner}/{repo}/code-scanning/alerts', {
        owner,
        repo,
        state: 'open',
        per_page: 100,
      }),
    ];
  }

  async #restRepo(
    client: GithubClient,
    item: RepoWork,
    etags: Map<string, EtagEntry>,
    writes: Array<{ key: string; value: JsonValue }>,
    runStates: Map<string, JsonValue>,
  ) {
    const { sink, ref } = item;
    const node = item.node!;
    const { owner, repo } = ref;
    const repoUrl = `https://${ref.host}/${owner}/${repo}`;
    const branch = node.defaultBranchRef?.name;
    const permission = node.viewerPermission ?? undefined;
    const knownNonAdmin = permission !== undefined && NON_ADMIN.has(permission);
    const nonAdminMessage = `The credentials have ${permission} access; this setting is only visible to repository administrators`;
    const unknownFromAnswer = (ids: string[], answer: GithubAnswer) => {
      const reason: UnknownReason =
        answer.kind === 'unknown' ? answer.reason : 'error';
      const message =
        'message' in answer ? answer.message : 'GitHub request failed';
      for (const id of ids) sink.unknown(id, reason, message);
    };

    // 1. security_and_analysis (admin or security manager only)
    let secretScanning: boolean | undefined;
    const repoAnswer = await this.#conditional(
      client,
      etags,
      writes,
      'GET /repos/{owner}/{repo}',
      { owner, repo },
      data => {
        const sa = (
          data as {
            security_and_analysis?: Record<string, { status?: string }> | null;
          }
        ).security_and_analysis;
        return sa
          ? {
              secretScanning: sa.secret_scanning?.status ?? null,
              pushProtection:
                sa.secret_scanning_push_protection?.status ?? null,
            }
          : null;
      },
    );
    const saEvidence = {
      source: 'GET /repos/{owner}/{repo}',
      url: `${repoUrl}/settings/security_analysis`,
    };
    if (repoAnswer.ok) {
      const sa = repoAnswer.value as {
        secretScanning: string | null;
        pushProtection: string | null;
      } | null;
      if (sa && sa.secretScanning) {
        secretScanning = sa.secretScanning === 'enabled';
        sink.set(F.secretScanningEnabled, secretScanning, {
          ...saEvidence,
          sha256: sha256Of(sa),
        });
      }
      if (sa && sa.pushProtection) {
        sink.set(F.pushProtectionEnabled, sa.pushProtection === 'enabled', {
          ...saEvidence,
          sha256: sha256Of(sa),
        });
      } else {
        sink.unknown(
          F.pushProtectionEnabled,
          'insufficient_permission',
          'security_and_analysis is only returned to repository administrators and security managers',
          saEvidence,
        );
      }
    } else {
      unknownFromAnswer([F.pushProtectionEnabled], repoAnswer.answer);
    }

    // 2. Classic protection, merged with ruleset rules from GraphQL
    const protectionIds = [
      F.protected,
      F.forcePushesBlocked,
      F.deletionsBlocked,
      F.requiredApprovals,
      F.codeOwnerReviewRequired,
      F.staleReviewsDismissed,
      F.requiredStatusChecks,
      F.strictStatusChecks,
      F.adminsEnforced,
      F.requiresSignatures,
      F.protection,
    ];
    if (!branch) {
      sink.unknownAll(
        protectionIds,
        'feature_unavailable',
        `Repository ${owner}/${repo} is empty (no default branch)`,
      );
    } else {
      const hasError = (...path: string[]) =>
        item.errors.some(e => path.every((p, i) => e.path?.[i + 1] === p));
      const visible = hasError('defaultBranchRef', 'refUpdateRule')
        ? undefined
        : node.defaultBranchRef?.refUpdateRule ?? null;
      let classic: ClassicProtection;
      if (knownNonAdmin) {
        classic = {
          state: 'unknown',
          reason: 'insufficient_permission',
          message: nonAdminMessage,
          visible,
        };
      } else {
        const answer = await this.#conditional(
          client,
          etags,
          writes,
          'GET /repos/{owner}/{repo}/branches/{branch}/protection',
          { owner, repo, branch },
          data => parseClassicProtection(data) as unknown as JsonValue,
          // "Branch not protected" is reused only while GraphQL shows no rule either.
          visible === null,
        );
        if (answer.ok) {
          classic = {
            state: 'protected',
            settings: answer.value as unknown as ReturnType<
              typeof parseClassicProtection
            >,
          };
        } else if (answer.answer.kind === 'branch_not_protected') {
          classic = { state: 'none' };
        } else {
          const a = answer.answer;
          classic = {
            state: 'unknown',
            reason: a.kind === 'unknown' ? a.reason : 'error',
            message:
              'message' in a
                ? a.message
                : 'Branch protection could not be read',
            visible,
          };
        }
      }
      const ruleNodes = hasError('defaultBranchRef', 'rules')
        ? undefined
        : node.defaultBranchRef?.rules;
      const rules: BranchRules = ruleNodes
        ? {
            state: 'known',
            rules: ruleNodes.nodes.map(r => ({
              type: r.type,
              rulesetId: r.repositoryRuleset?.databaseId ?? undefined,
              bypassActors:
                r.repositoryRuleset?.bypassActors === undefined ||
                r.repositoryRuleset?.bypassActors === null
                  ? null
                  : r.repositoryRuleset.bypassActors.totalCount,
              parameters: r.parameters ?? null,
            })),
          }
        : {
            state: 'unknown',
            reason: 'insufficient_permission',
            message:
              'Ruleset rules for the default branch are not visible to these credentials',
          };
      const effective = mergeEffectiveProtection(classic, rules);
      const url = `${repoUrl}/settings/branches`;
      settingFact(sink, F.protected, effective.protected, url);
      settingFact(
        sink,
        F.forcePushesBlocked,
        effective.forcePushesBlocked,
        url,
      );
      settingFact(sink, F.deletionsBlocked, effective.deletionsBlocked, url);
      settingFact(sink, F.requiredApprovals, effective.requiredApprovals, url);
      settingFact(
        sink,
        F.codeOwnerReviewRequired,
        effective.codeOwnerReviewRequired,
        url,
      );
      settingFact(
        sink,
        F.staleReviewsDismissed,
        effective.staleReviewsDismissed,
        url,
      );
      settingFact(
        sink,
        F.requiredStatusChecks,
        effective.requiredStatusChecks,
        url,
      );
      settingFact(
        sink,
        F.strictStatusChecks,
        effective.strictStatusChecks,
        url,
      );
      settingFact(sink, F.adminsEnforced, effective.adminsEnforced, url);
      settingFact(
        sink,
        F.requiresSignatures,
        effective.requiresSignatures,
        url,
      );
      if (
        classic.state === 'unknown' &&
        (classic.reason === 'error' || classic.reason === 'rate_limited')
      ) {
        // Transient: keep the last complete picture rather than a partial one.
        sink.unknown(F.protection, classic.reason, classic.message, { url });
      } else {
        const summary = {
          branch,
          classic: classic.state,
          ...effective,
        } as unknown as JsonValue;
        sink.set(F.protection, summary, {
          source: 'classic protection + rulesets',
          url,
          sha256: sha256Of(summary),
        });
      }
    }

    // 3. Default workflow token permissions (admin)
    const tokenIds = [
      F.workflowTokenReadOnly,
      F.workflowCanApprovePullRequests,
    ];
    if (knownNonAdmin) {
      sink.unknownAll(tokenIds, 'insufficient_permission', nonAdminMessage);
    } else {
      const answer = await this.#conditional(
        client,
        etags,
        writes,
        'GET /repos/{owner}/{repo}/actions/permissions/workflow',
        { owner, repo },
        data => {
          const d = data as {
            default_workflow_permissions?: string;
            can_approve_pull_request_reviews?: boolean;
          };
          return {
            readOnly: d.default_workflow_permissions === 'read',
            canApprove: Boolean(d.can_approve_pull_request_reviews),
          };
        },
      );
      const evidence = {
        source: 'GET /repos/{owner}/{repo}/actions/permissions/workflow',
        url: `${repoUrl}/settings/actions`,
      };
      if (answer.ok) {
        const v = answer.value as { readOnly: boolean; canApprove: boolean };
        sink.set(F.workflowTokenReadOnly, v.readOnly, evidence);
        sink.set(F.workflowCanApprovePullRequests, v.canApprove, evidence);
      } else {
        unknownFromAnswer(tokenIds, answer.answer);
      }
    }

    // 4. Secret scanning alerts
    if (secretScanning === false) {
      sink.unknown(
        F.secretScanningOpenAlerts,
        'feature_unavailable',
        'Secret scanning is disabled on this repository',
      );
    } else {
      const answer = await this.#conditional(
        client,
        etags,
        writes,
        'GET /repos/{owner}/{repo}/secret-scanning/alerts',
        { owner, repo, state: 'open', per_page: 100 },
        data => (Array.isArray(data) ? data.length : 0),
      );
      const evidence = {
        source: 'GET /repos/{owner}/{repo}/secret-scanning/alerts?state=open',
        url: `${repoUrl}/security/secret-scanning`,
      };
      if (answer.ok) {
        sink.set(F.secretScanningEnabled, true, evidence);
        sink.set(F.secretScanningOpenAlerts, answer.value as number, evidence);
      } else if (answer.answer.kind === 'feature_disabled') {
        sink.set(F.secretScanningEnabled, false, evidence);
        sink.unknown(
          F.secretScanningOpenAlerts,
          'feature_unavailable',
          answer.answer.message,
        );
      } else {
        unknownFromAnswer(
          [F.secretScanningEnabled, F.secretScanningOpenAlerts],
          answer.answer,
        );
      }
    }

    // 5. Code scanning alerts (also proves code scanning is set up)
    {
      const answer = await this.#conditional(
        client,
        etags,
        writes,
        'GET /repos/{owner}/{repo}/code-scanning/alerts',
        { owner, repo, state: 'open', per_page: 100 },
        data =>
          Array.isArray(data)
            ? data.filter(a =>
                SEVERE.has(
                  String(
                    (a as { rule?: { security_severity_level?: string } }).rule
                      ?.security_severity_level ?? '',
                  ),
                ),
              ).length
            : 0,
      );
      const evidence = {
        source: 'GET /repos/{owner}/{repo}/code-scanning/alerts?state=open',
        url: `${repoUrl}/security/code-scanning`,
      };
      if (answer.ok) {
        sink.set(F.codeScanningEnabled, true, evidence);
        sink.set(
          F.codeScanningOpenCriticalHigh,
          answer.value as number,
          evidence,
        );
      } else if (answer.answer.kind === 'feature_disabled') {
        sink.set(F.codeScanningEnabled, false, evidence);
        sink.unknown(
          F.codeScanningOpenCriticalHigh,
          'feature_unavailable',
          answer.answer.message,
        );
      } else {
        unknownFromAnswer(
          [F.codeScanningEnabled, F.codeScanningOpenCriticalHigh],
          answer.answer,
        );
      }
    }

    // 6. CI
    await this.#ci(client, item, branch, runStates, writes);
  }

  async #ci(
    client: GithubClient,
    item: RepoWork,
    branch: string | undefined,
    runStates: Map<string, JsonValue>,
    writes: Array<{ key: string; value: JsonValue }>,
  ) {
    const { sink, ref } = item;
    const node = item.node!;
    const { owner, repo } = ref;
    const repoUrl = `https://${ref.host}/${owner}/${repo}`;
    const commit = node.defaultBranchRef?.target;
    const headState = commit?.statusCheckRollup?.state ?? 'NONE';
    const suites = commit?.checkSuites?.totalCount ?? 0;
    const ciIds = [
      F.ciPresent,
      F.ciHeadState,
      F.ciRuns,
      F.ciPassRate,
      F.ciFlakyRate,
      F.ciP50DurationSeconds,
      F.ciSummary,
    ];
    if (!branch) {
      sink.unknownAll(
        ciIds,
        'feature_unavailable',
        `Repository ${owner}/${repo} is empty (no default branch)`,
      );
      return;
    }
    sink.set(F.ciHeadState, headState, {
      source: 'GraphQL statusCheckRollup',
      url: `${repoUrl}/commits/${branch}`,
    });

    const now = this.#now();
    const windowStart = DateTime.fromJSDate(now, { zone: 'utc' })
      .startOf('day')
      .minus({ days: this.#config.windowDays - 1 })
      .toJSDate();
    const stateKey = `runs:${item.key}`;
    const previous = runStates.get(stateKey) as unknown as
      | RunsState
      | undefined;
    const signature = `${commit?.oid ?? ''}:${headState}:${suites}`;
    let runs: StoredRun[] = previous?.runs ?? [];
    const fresh =
      previous &&
      previous.signature === signature &&
      now.getTime() - Date.parse(previous.syncedAt) <
        RUNS_MAX_AGE_HOURS * 3_600_000;
    const runsUrl = `${repoUrl}/actions?query=branch%3A${encodeURIComponent(
      branch,
    )}`;
    let runsError: GithubAnswer | undefined;

    if (!fresh && (suites > 0 || previous)) {
      const watermark = previous?.watermark ?? windowStart.toISOString();
      const since =
        watermark < windowStart.toISOString()
          ? windowStart.toISOString()
          : watermark;
      const fetched: StoredRun[] = [];
      try {
        for (let page = 1; page <= MAX_RUN_PAGES; page++) {
          const response = await client.octokit.request(
            'GET /repos/{owner}/{repo}/actions/runs',
            {
              owner,
              repo,
              branch,
              created: `>=${since.replace(/\.\d{3}Z$/, 'Z')}`,
              exclude_pull_requests: true,
              per_page: 100,
              page,
            },
          );
          const list =
            (response.data as { workflow_runs?: RestWorkflowRun[] })
              .workflow_runs ?? [];
          fetched.push(...list.map(toStoredRun));
          if (list.length < 100) break;
        }
        runs = mergeRuns(previous?.runs ?? [], fetched, windowStart);
        let lookups = 0;
        for (const run of runsNeedingAttemptLookup(runs)) {
          if (lookups++ >= MAX_ATTEMPT_LOOKUPS) break;
          try {
            const attempt = await client.octokit.request(
              'GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}',
              { owner, repo, run_id: run.id, attempt_number: run.attempt - 1 },
            );
            const conclusion = (attempt.data as { conclusion?: string | null })
              .conclusion;
            run.rerunAfterFailure = [
              'failure',
              'timed_out',
              'startup_failure',
            ].includes(conclusion ?? '');
          } catch (error) {
            this.#logger.debug(
              'Could not read an earlier workflow run attempt',
              {
                repository: item.key,
                runId: run.id,
                error: isError(error) ? error.message : String(error),
              },
            );
          }
        }
        const state: RunsState = {
          signature,
          syncedAt: now.toISOString(),
          watermark: nextWatermark(runs, windowStart),
          runs,
        };
        writes.push({ key: stateKey, value: state as unknown as JsonValue });
      } catch (error) {
        runsError = errorAnswer(error);
      }
    } else if (previous) {
      runs = mergeRuns(previous.runs, [], windowStart);
    }

    if (runsError) {
      const reason: UnknownReason =
        runsError.kind === 'unknown' ? runsError.reason : 'error';
      const message =
        'message' in runsError
          ? runsError.message
          : 'Workflow runs could not be read';
      sink.unknownAll(
        [
          F.ciRuns,
          F.ciPassRate,
          F.ciFlakyRate,
          F.ciP50DurationSeconds,
          F.ciSummary,
        ],
        reason,
        message,
      );
      if (headState !== 'NONE')
        sink.set(F.ciPresent, true, {
          source: 'GraphQL statusCheckRollup',
          url: runsUrl,
        });
      else sink.unknown(F.ciPresent, reason, message);
      return;
    }

    const stats = computeCiStats(runs, {
      now,
      windowDays: this.#config.windowDays,
    });
    const evidence = {
      source: 'GET /repos/{owner}/{repo}/actions/runs',
      url: runsUrl,
    };
    sink.set(
      F.ciPresent,
      headState !== 'NONE' || suites > 0 || stats.runs > 0,
      evidence,
    );
    sink.set(F.ciRuns, stats.runs, evidence);
    sink.set(F.ciPassRate, stats.passRate, evidence);
    sink.set(F.ciFlakyRate, stats.flakyRate, evidence);
    sink.set(F.ciP50DurationSeconds, stats.p50DurationSeconds, evidence);
    const summary = {
      defaultBranch: branch,
      headSha: commit?.oid ?? null,
      headState,
      ...stats,
    } as unknown as JsonValue;
    sink.set(F.ciSummary, summary, { ...evidence, sha256: sha256Of(summary) });
  }
}
