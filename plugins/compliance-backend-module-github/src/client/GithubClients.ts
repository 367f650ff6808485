import { LoggerService } from '@backstage/backend-plugin-api';
import {
  DefaultGithubCredentialsProvider,
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

/** An Octokit with the throttling and retry plugins. */
const ThrottledOctokit = Octokit.plugin(throttling, retry);

/** An instance of {@link ThrottledOctokit}. */
export type GithubOctokit = InstanceType<typeof Octokit>;

/**
 * Remaining rate limit of one credential bucket, read from response headers.
 */
export class RateBudget {
  /** Remaining REST (core) requests; undefined until a response was seen. */
  restRemaining?: number;
  /** Remaining GraphQL points. */
  graphqlRemaining?: number;

  observe(headers: Record<string, unknown> | undefined) {
    if (!headers) return;
    const remaining = Number(headers['x-ratelimit-remaining']);
    if (
      !Number.isFinite(remaining) ||
      headers['x-ratelimit-remaining'] === undefined
    ) {
      return;
    }
    const resource = String(headers['x-ratelimit-resource'] ?? 'core');
    if (resource === 'graphql') {
      this.graphqlRemaining = remaining;
    } else if (resource === 'core') {
      this.restRemaining = remaining;
    }
  }

  /** Whether a bucket is known to be under the reserve. */
  exhausted(reserve: number) {
    return (
      (this.restRemaining !== undefined && this.restRemaining < reserve) ||
      (this.graphqlRemaining !== undefined && this.graphqlRemaining < reserve)
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
  readonly #retry: Required<GithubRetryOptions>;
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
    };
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
      budget.observe('response' in error ? error.response?.headers : undefined);
      throw error;
    });
    const client = { octokit, budget, key };
    this.#clients.set(key, client);
    return client;
  }
}
