import { LoggerService } from '@backstage/backend-plugin-api';
import {
  DefaultGithubCredentialsProvider,
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck';
import { Octokit } from '@octokit/rest';

/** An Octokit with the throttling and retry plugins. */
const ThrottledOctokit = Octokit.plugin(throttling, retry);

/** An instance of {@link ThrottledOctokit}. */
export type GithubOctokit = InstanceType<typeof Octokit>;

/** A figure of a rate-limit bucket and until when it holds. */
interface BucketFigure {
  remaining: number;
  /** Epoch ms after which the bucket has been refilled. */
  resetAt: number;
}

/** How long a figure without `x-ratelimit-reset` is trusted. */
const DEFAULT_WINDOW_MS = 3_600_000;
/** Pause after a secondary limit or abuse answer without `retry-after`. */
const DEFAULT_LIMITED_MS = 60_000;

/**
 * Remaining rate limit of one credential bucket, read from response headers.
 * Clients live across cycles: a figure only holds until its bucket resets,
 * so a cycle that stopped under the reserve does not stop the next ones.
 */
export class RateBudget {
  #rest?: BucketFigure;
  #graphql?: BucketFigure;
  #limited?: { message: string; until: number };

  constructor(private readonly now: () => number = Date.now) {}

  #current(figure: BucketFigure | undefined) {
    return figure && this.now() < figure.resetAt ? figure.remaining : undefined;
  }

  /** Remaining REST (core) requests; undefined until a response was seen or after the reset. */
  get restRemaining(): number | undefined {
    return this.#current(this.#rest);
  }

  /** Remaining GraphQL points; undefined until known or after the reset. */
  get graphqlRemaining(): number | undefined {
    return this.#current(this.#graphql);
  }

  /** Notes the GraphQL `rateLimit` of a query answer. */
  observeGraphql(remaining: number, resetAt?: string) {
    const reset = resetAt ? Date.parse(resetAt) : NaN;
    this.#graphql = {
      remaining,
      resetAt: Number.isFinite(reset) ? reset : this.now() + DEFAULT_WINDOW_MS,
    };
  }

  /**
   * Why GitHub refused a request for its rate limits (primary, secondary or
   * abuse detection, after the throttling plugin did not or could no longer
   * wait), while that holds: asking again before `retry-after` or the reset
   * risks the integration being banned, so the cycle stops.
   */
  get limited(): string | undefined {
    const limited = this.#limited;
    return limited && this.now() < limited.until ? limited.message : undefined;
  }

  /** Notes an error answer: its rate-limit headers and whether it is a limit. */
  observeError(
    status: number | undefined,
    message: string,
    headers: Record<string, unknown> | undefined,
  ) {
    this.observe(headers);
    const exhausted = headers?.['x-ratelimit-remaining'] === '0';
    if (
      status === 429 ||
      (status === 403 &&
        (exhausted ||
          headers?.['retry-after'] !== undefined ||
          /rate limit|abuse detection/i.test(message)))
    ) {
      const retryAfter = Number(headers?.['retry-after']);
      const reset = Number(headers?.['x-ratelimit-reset']) * 1000;
      let until = this.now() + DEFAULT_LIMITED_MS;
      if (Number.isFinite(retryAfter) && retryAfter > 0) {
        until = this.now() + retryAfter * 1000;
      } else if (exhausted && Number.isFinite(reset) && reset > this.now()) {
        until = reset;
      }
      this.#limited = {
        message: `GitHub answered ${status}: ${message.slice(0, 200)}`,
        until,
      };
    }
  }

  /** Notes the `x-ratelimit-*` headers of an answer. */
  observe(headers: Record<string, unknown> | undefined) {
    if (!headers || headers['x-ratelimit-remaining'] === undefined) return;
    const remaining = Number(headers['x-ratelimit-remaining']);
    if (!Number.isFinite(remaining)) return;
    const reset = Number(headers['x-ratelimit-reset']);
    const figure = {
      remaining,
      resetAt:
        Number.isFinite(reset) && reset > 0
          ? reset * 1000
          : this.now() + DEFAULT_WINDOW_MS,
    };
    const resource = String(headers['x-ratelimit-resource'] ?? 'core');
    if (resource === 'graphql') {
      this.#graphql = figure;
    } else if (resource === 'core') {
      this.#rest = figure;
    }
  }

  /** Whether a bucket is known to be under the reserve, or limited. */
  exhausted(reserve: number) {
    const rest = this.restRemaining;
    const graphql = this.graphqlRemaining;
    return (
      this.limited !== undefined ||
      (rest !== undefined && rest < reserve) ||
      (graphql !== undefined && graphql < reserve)
    );
  }
}

/**
 * Timing knobs of the throttling and retry plugins. Tests set the bases to
 * 1 so that a `retry-after: 2` waits 2 ms instead of 2 s.
 *
 * @public
 */
export interface GithubRetryOptions {
  /** Milliseconds per second of `retry-after`/back-off. Defaults to 1000. */
  retryAfterBaseValue?: number;
  /** Retries of 5xx answers. Defaults to 2. */
  retries?: number;
  /** Longest `retry-after` (seconds) honoured for a secondary rate limit. Defaults to 120. */
  maxSecondaryRetryAfterSeconds?: number;
  /** Prefix of the throttling limiter ids (tests use unique ones). */
  throttleIdPrefix?: string;
  /**
   * Milliseconds one HTTP attempt may take before it is abandoned (and, like
   * a 5xx, retried). Defaults to 30 000.
   */
  requestTimeoutMs?: number;
  /**
   * Least milliseconds between two GraphQL requests of one owner. Defaults to
   * the throttling plugin's 1 000 (GitHub's advice for mutating and GraphQL
   * requests).
   */
  graphqlIntervalMs?: number;
}

/**
 * `fetch` with a deadline per attempt: the retry plugin's retries each get
 * their own. Resolves `globalThis.fetch` per call so that test doubles that
 * patch it (msw) are used.
 */
export function fetchWithTimeout(timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal
      ? AbortSignal.any([init.signal, deadline])
      : deadline;
    try {
      return await globalThis.fetch(input, { ...init, signal });
    } catch (error) {
      if (deadline.aborted && !init?.signal?.aborted) {
        throw new Error(`GitHub did not answer within ${timeoutMs} ms`);
      }
      throw error;
    }
  };
}

/** One client per host/owner with its budget. */
export interface GithubClient {
  octokit: GithubOctokit;
  budget: RateBudget;
  key: string;
}

function callbackAuth(options: {
  callback: () => Promise<string | undefined>;
}) {
  const auth = async () => {
    const token = await options.callback();
    return token ? { type: 'token', token } : { type: 'unauthenticated' };
  };
  auth.hook = async (
    request: {
      endpoint: {
        merge: (
          route: unknown,
          parameters?: unknown,
        ) => { headers: Record<string, string> };
      };
    } & ((options: unknown) => Promise<unknown>),
    route: unknown,
    parameters?: unknown,
  ) => {
    const endpoint = request.endpoint.merge(route, parameters);
    const token = await options.callback();
    if (token) {
      endpoint.headers.authorization = `token ${token}`;
    }
    return request(endpoint);
  };
  return auth;
}

/**
 * Builds and caches Octokit clients per host and owner, with credentials
 * from the host's `integrations.github` entry (GitHub App installations
 * first, tokens otherwise).
 */
export class GithubClients {
  readonly #integrations: ScmIntegrationRegistry;
  readonly #credentials: GithubCredentialsProvider;
  readonly #logger: LoggerService;
  readonly #retry: Required<Omit<GithubRetryOptions, 'graphqlIntervalMs'>>;
  /** The GraphQL spacing when not the throttling plugin's default. */
  readonly #graphqlLimiter?: Bottleneck.Group;
  readonly #clients = new Map<string, GithubClient>();

  static create(options: {
    integrations: ScmIntegrationRegistry;
    logger: LoggerService;
    credentialsProvider?: GithubCredentialsProvider;
    retry?: GithubRetryOptions;
  }) {
    return new GithubClients(options);
  }

  private constructor(options: {
    integrations: ScmIntegrationRegistry;
    logger: LoggerService;
    credentialsProvider?: GithubCredentialsProvider;
    retry?: GithubRetryOptions;
  }) {
    this.#integrations = options.integrations;
    this.#credentials =
      options.credentialsProvider ??
      DefaultGithubCredentialsProvider.fromIntegrations(options.integrations);
    this.#logger = options.logger;
    this.#retry = {
      retryAfterBaseValue: options.retry?.retryAfterBaseValue ?? 1000,
      retries: options.retry?.retries ?? 2,
      maxSecondaryRetryAfterSeconds:
        options.retry?.maxSecondaryRetryAfterSeconds ?? 120,
      throttleIdPrefix: options.retry?.throttleIdPrefix ?? 'compliance-github',
      requestTimeoutMs: options.retry?.requestTimeoutMs ?? 30_000,
    };
    const interval = options.retry?.graphqlIntervalMs;
    if (interval !== undefined) {
      this.#graphqlLimiter = new Bottleneck.Group({
        maxConcurrent: 1,
        minTime: interval,
      });
    }
  }

  /** Whether the host has a token or a GitHub App configured. */
  hasCredentials(host: string): boolean {
    const integration = this.#integrations.github.byHost(host);
    if (!integration) return false;
    return Boolean(
      integration.config.token || (integration.config.apps ?? []).length > 0,
    );
  }

  /** The client for a host and owner; undefined when the host is not configured. */
  forOwner(host: string, owner: string): GithubClient | undefined {
    const key = `${host}/${owner}`;
    const cached = this.#clients.get(key);
    if (cached) return cached;
    const integration = this.#integrations.github.byHost(host);
    if (!integration) return undefined;
    const budget = new RateBudget();
    const logger = this.#logger;
    const limits = this.#retry;
    const credentials = this.#credentials;
    const octokit: GithubOctokit = new ThrottledOctokit({
      baseUrl: integration.config.apiBaseUrl,
      request: { fetch: fetchWithTimeout(limits.requestTimeoutMs) },
      authStrategy: callbackAuth,
      auth: {
        callback: async () =>
          (
            await credentials.getCredentials({
              url: `https://${host}/${owner}`,
            })
          ).token,
      },
      log: {
        debug: () => {},
        info: () => {},
        warn: (message: string) => logger.debug(message),
        error: (message: string) => logger.debug(message),
      },
      throttle: {
        id: `${limits.throttleIdPrefix}:${key}`,
        ...(this.#graphqlLimiter ? { write: this.#graphqlLimiter } : {}),
        retryAfterBaseValue: limits.retryAfterBaseValue,
        onRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
        ) => {
          // Primary limit: never wait for the reset inside a cycle; the
          // budget check stops the collector and the next cycle resumes.
          logger.warn('GitHub rate limit reached', {
            host,
            owner,
            method: options.method,
            url: options.url,
            retryAfterSeconds: retryAfter,
          });
          return false;
        },
        onSecondaryRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
          _octokit: unknown,
          retryCount: number,
        ) => {
          const again =
            retryCount < 1 &&
            retryAfter <= limits.maxSecondaryRetryAfterSeconds;
          logger.warn('GitHub secondary rate limit', {
            host,
            owner,
            method: options.method,
            url: options.url,
            retryAfterSeconds: retryAfter,
            retrying: again,
          });
          return again;
        },
      },
      retry: {
        retries: limits.retries,
        retryAfterBaseValue: limits.retryAfterBaseValue,
        doNotRetry: [400, 401, 403, 404, 409, 410, 422, 451],
      },
    });
    octokit.hook.after('request', response => {
      budget.observe(response.headers);
    });
    octokit.hook.error('request', error => {
      const response = 'response' in error ? error.response : undefined;
      budget.observeError(
        'status' in error && typeof error.status === 'number'
          ? error.status
          : undefined,
        response?.data &&
          typeof response.data === 'object' &&
          'message' in response.data &&
          typeof response.data.message === 'string'
          ? response.data.message
          : error.message,
        response?.headers,
      );
      throw error;
    });
    const client = { octokit, budget, key };
    this.#clients.set(key, client);
    return client;
  }
}
