import {
  createExtensionPoint,
  type LoggerService,
  type RootConfigService,
} from '@backstage/backend-plugin-api';

import { CustomErrorBase } from '@backstage/errors';

/**
 * What an insight provider is asked: a system prompt, the user message
 * (the entity's facts as quoted JSON data) and the JSON schema the answer
 * must follow. The answer is validated locally whatever the provider
 * promises.
 *
 * @public
 */
export interface InsightGenerationRequest {
  system: string;
  user: string;
  /** JSON schema of the expected answer (strict: all properties required). */
  jsonSchema: Record<string, unknown>;
  /** A name for the schema, for APIs that want one. */
  schemaName: string;
  maxOutputTokens: number;
  signal?: AbortSignal;
}

/**
 * Tokens of one provider request, as the provider reported them.
 *
 * @public
 */
export interface InsightTokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/**
 * A provider's answer: the raw text (JSON expected) and the tokens used.
 *
 * @public
 */
export interface InsightGenerationResult {
  text: string;
  usage: InsightTokenUsage;
  /** The model that answered, when the API reports it. */
  model?: string;
}

/**
 * A model provider of the insights pipeline. Implementations must not retry
 * (construct SDK clients with `maxRetries: 0`): the job queue owns retries.
 * Failures are thrown as {@link InsightProviderError} so the queue can
 * fail over by error class.
 *
 * @public
 */
export interface InsightProvider {
  /** Unique id of the configured provider, for example `openai-main`. */
  readonly id: string;
  /** The model asked, for the ledger and the insight's source label. */
  readonly model: string;
  generate(request: InsightGenerationRequest): Promise<InsightGenerationResult>;
}

/**
 * Error classes of a provider failure, each with its own failover:
 *
 * - `rate_limited`: retry later (after `retryAfterMs` when known);
 * - `unavailable`: overloaded, 5xx or timeout: try the next provider;
 * - `context_too_long`: shrink the input and try again;
 * - `auth`: bad or missing credentials: mark unhealthy, next provider;
 * - `quota`: billing quota spent: mark unhealthy, next provider;
 * - `invalid_output`: malformed or schema-violating answer: a failed attempt.
 *
 * @public
 */
export type InsightProviderErrorKind =
  | 'rate_limited'
  | 'unavailable'
  | 'context_too_long'
  | 'auth'
  | 'quota'
  | 'invalid_output';

/**
 * A classified provider failure. Messages must never carry credentials.
 *
 * @public
 */
export class InsightProviderError extends CustomErrorBase {
  name = 'InsightProviderError' as const;
  readonly kind: InsightProviderErrorKind;
  /** For `rate_limited`: how long the provider asked to wait. */
  readonly retryAfterMs?: number;
  /** The HTTP status, when there was one. */
  readonly status?: number;
  /**
   * Tokens the provider billed for a failed request (a truncated, refused
   * or malformed answer), recorded in the usage ledger.
   */
  readonly usage?: InsightTokenUsage;

  constructor(options: {
    kind: InsightProviderErrorKind;
    message: string;
    retryAfterMs?: number;
    status?: number;
    usage?: InsightTokenUsage;
    cause?: Error | unknown;
  }) {
    super(options.message, options.cause);
    this.kind = options.kind;
    if (options.retryAfterMs !== undefined) {
      this.retryAfterMs = options.retryAfterMs;
    }
    if (options.status !== undefined) this.status = options.status;
    if (options.usage !== undefined) this.usage = options.usage;
  }
}

/**
 * Builds providers of one `type` from their config entry under
 * `compliance.insights.providers`.
 *
 * @public
 */
export interface InsightProviderFactory {
  /** The `type` of the config entries this factory builds, for example `ollama-native`. */
  type: string;
  create(options: {
    /** The provider's id from config. */
    id: string;
    /** The provider's whole config entry. */
    config: RootConfigService;
    logger: LoggerService;
  }): InsightProvider;
}

/**
 * Lets modules add insight provider types (configured under
 * `compliance.insights.providers` with `type: <factory type>`) or ready
 * provider instances (tried after the configured ones).
 *
 * @public
 */
export interface ComplianceInsightProvidersExtensionPoint {
  addProviderFactory(...factories: InsightProviderFactory[]): void;
  addProvider(...providers: InsightProvider[]): void;
}

/**
 * Extension point id `compliance.insightProviders`.
 *
 * @public
 */
export const complianceInsightProvidersExtensionPoint =
  createExtensionPoint<ComplianceInsightProvidersExtensionPoint>({
    id: 'compliance.insightProviders',
  });
