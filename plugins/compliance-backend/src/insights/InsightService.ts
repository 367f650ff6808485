import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { EntityInsightResponse } from 'backstage-plugin-compliance-common';
import type {
  InsightProvider,
  InsightProviderFactory,
} from 'backstage-plugin-compliance-node';
import { canonicalEntityRef } from '../lib/refs';
import { normalizeRef } from '../lib/snapshot';
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

  constructor(options: { catalog: CatalogService; runner: InsightRunner }) {
    this.#catalog = options.catalog;
    this.#runner = options.runner;
  }

  /**
   * The insight of an entity the caller may read in the catalog (the same
   * check as every entity route).
   */
  async getInsight(
    name: EntityName,
    credentials: BackstageCredentials,
  ): Promise<EntityInsightResponse> {
    const requested = canonicalEntityRef(name, { defaultKind: 'component' });
    const entity = await this.#catalog.getEntityByRef(requested, {
      credentials,
    });
    if (!entity) {
      throw new NotFoundError(
        `Entity ${requested} was not found in the catalog`,
      );
    }
    const ref = normalizeRef(stringifyEntityRef(entity));
    const answer = await this.#runner.getEntityInsight(ref);
    if (!answer) {
      throw new NotFoundError(
        `No compliance data for ${ref} yet; it has not been evaluated`,
      );
    }
    return answer;
  }
}
