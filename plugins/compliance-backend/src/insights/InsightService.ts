import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { EntityInsightResponse } from 'backstage-plugin-compliance-common';
import type {
  InsightProvider,
  InsightProviderFactory,
} from 'backstage-plugin-compliance-node';
import { readableEntity } from '../service/readableEntity';
import type { EntityName } from '../service/ReportService';
import type { InsightsSettings } from './config';
import type { InsightRunner, PricedProvider } from './InsightRunner';
import { AnthropicInsightProvider, OpenAiInsightProvider } from './providers';

/**
 * Builds the configured providers in config order, then the ready
 * providers modules added. Built-in types: `openai` (any OpenAI-compatible
 * endpoint) and `anthropic`; modules add more types.
 */
export function createInsightProviders(options: {
  settings: InsightsSettings;
  factories: InsightProviderFactory[];
  extra: InsightProvider[];
  logger: LoggerService;
  fetch?: typeof fetch;
}): PricedProvider[] {
  const { settings, factories, extra, logger } = options;
  const configured = settings.providers.map(p => {
    const builtin = {
      id: p.id,
      model: p.model,
      ...(p.baseUrl ? { baseUrl: p.baseUrl } : {}),
      ...(p.apiKey ? { apiKey: p.apiKey } : {}),
      ...(p.headers ? { headers: p.headers } : {}),
      ...(p.responseFormat ? { responseFormat: p.responseFormat } : {}),
      timeoutMs: p.timeoutMs,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    };
    let provider: InsightProvider;
    if (p.type === 'openai') provider = new OpenAiInsightProvider(builtin);
    else if (p.type === 'anthropic') {
      provider = new AnthropicInsightProvider(builtin);
    } else {
      const factory = factories.find(f => f.type === p.type);
      if (!factory) {
        throw new Error(
          `compliance.insights.providers: unknown provider type "${
            p.type
          }" for "${p.id}"; known types: ${[
            'openai',
            'anthropic',
            ...factories.map(f => f.type),
          ].join(', ')}`,
        );
      }
      provider = factory.create({ id: p.id, config: p.config, logger });
    }
    return { provider, pricing: p.pricing };
  });
  const ids = new Set(configured.map(c => c.provider.id));
  for (const p of extra) {
    if (ids.has(p.id)) {
      throw new Error(`An insight provider with id "${p.id}" already exists`);
    }
    ids.add(p.id);
  }
  return [
    ...configured,
    ...extra.map(provider => ({
      provider,
      pricing: { inputPerMillionTokens: 0, outputPerMillionTokens: 0 },
    })),
  ];
}

/** The insight use cases behind the API and the actions. */
export class InsightService {
  readonly #catalog: CatalogService;
  readonly #runner: InsightRunner;
  readonly #onQueued: () => Promise<void>;
  readonly #cooldownMs: number;

  constructor(options: {
    catalog: CatalogService;
    runner: InsightRunner;
    /** Called after a regeneration was queued (triggers the insights task). */
    onQueued?: () => Promise<void>;
    /** The regenerate cooldown, for error messages. */
    cooldownMs?: number;
  }) {
    this.#catalog = options.catalog;
    this.#runner = options.runner;
    this.#onQueued = options.onQueued ?? (async () => {});
    this.#cooldownMs = options.cooldownMs ?? 0;
  }

  /** The stored ref of an entity the caller may read; 404 otherwise. */
  async #readableRef(
    name: EntityName,
    credentials: BackstageCredentials,
  ): Promise<string> {
    return (await readableEntity(this.#catalog, name, credentials)).ref;
  }

  /**
   * Queues a model insight for an entity the caller may read, even if its
   * inputs did not change; answers the insight with its job. At most one
   * pending job per entity (a second request returns the pending one), and
   * none within the cooldown of the entity's last model request (409).
   */
  async regenerate(
    name: EntityName,
    credentials: BackstageCredentials,
  ): Promise<EntityInsightResponse> {
    const ref = await this.#readableRef(name, credentials);
    if (!this.#runner.providersConfigured) {
      throw new ConflictError(
        'No insight provider is configured: the rules insight is computed from the current results on every read, there is nothing to regenerate',
      );
    }
    const outcome = await this.#runner.regenerate(ref);
    if (!outcome) {
      throw new NotFoundError(
        `No compliance data for ${ref} yet; it has not been evaluated`,
      );
    }
    if (outcome.outcome === 'cooldown') {
      throw new ConflictError(
        `A model was asked for the insight of ${ref} less than ${Math.round(
          this.#cooldownMs / 60_000,
        )} minutes ago; it can be regenerated after ${outcome.retryAt}`,
      );
    }
    // The answer shows the queued job; then the insights task is woken.
    const answer = await this.getInsight(name, credentials);
    if (outcome.outcome === 'queued') await this.#onQueued();
    return answer;
  }

  /**
   * The insight of an entity the caller may read in the catalog (the same
   * check as every entity route).
   */
  async getInsight(
    name: EntityName,
    credentials: BackstageCredentials,
  ): Promise<EntityInsightResponse> {
    const ref = await this.#readableRef(name, credentials);
    const answer = await this.#runner.getEntityInsight(ref);
    if (!answer) {
      throw new NotFoundError(
        `No compliance data for ${ref} yet; it has not been evaluated`,
      );
    }
    return answer;
  }
}
