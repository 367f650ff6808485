import { ResponseError } from '@backstage/errors';
import { CompoundEntityRef, parseEntityRef } from '@backstage/catalog-model';
import type {
  ControlResultWithControl,
  ControlsResponse,
  ComplianceStatusResponse,
  EntityComplianceSummary,
  EntityHistory,
  EvaluationPreview,
  OverviewResponse,
  Fact,
  JsonValue,
} from '../types';
import type { OverviewQueryInput } from '../schemas';
import type { EntityInsightResponse } from '../insights';
import type { CreationRecord } from '../creationRecords';

/**
 * Options of every client call.
 *
 * @public
 */
export interface ComplianceRequestOptions {
  /** A Backstage token; when absent the injected fetch adds one (frontend). */
  token?: string;
}

/**
 * The compliance REST API.
 *
 * @public
 */
export interface ComplianceApi {
  getSummary(
    entityRef: string | CompoundEntityRef,
    options?: ComplianceRequestOptions,
  ): Promise<EntityComplianceSummary>;
  getResults(
    entityRef: string | CompoundEntityRef,
    options?: ComplianceRequestOptions,
  ): Promise<{ items: ControlResultWithControl[] }>;
  getHistory(
    entityRef: string | CompoundEntityRef,
    query?: { days?: number },
    options?: ComplianceRequestOptions,
  ): Promise<EntityHistory>;
  getFacts(
    entityRef: string | CompoundEntityRef,
    query?: { prefix?: string },
    options?: ComplianceRequestOptions,
  ): Promise<{ items: Fact[] }>;
  refresh(
    entityRef: string | CompoundEntityRef,
    options?: ComplianceRequestOptions,
  ): Promise<EntityComplianceSummary>;
  getControls(options?: ComplianceRequestOptions): Promise<ControlsResponse>;
  getOverview(
    query?: OverviewQueryInput,
    options?: ComplianceRequestOptions,
  ): Promise<OverviewResponse>;
  getStatus(
    options?: ComplianceRequestOptions,
  ): Promise<ComplianceStatusResponse>;
  /** Evaluates a proposed entity (for example a template's output) without storing anything. */
  evaluate(
    entity: Record<string, unknown>,
    options?: ComplianceRequestOptions & {
      /** Facts predicted by what a template will apply, marked as predicted. */
      predictedFacts?: Array<{ factId: string; value: JsonValue }>;
    },
  ): Promise<EvaluationPreview>;
  /** The entity's AI insight (model or rules) and the state of its generation. */
  getInsight(
    entityRef: string | CompoundEntityRef,
    options?: ComplianceRequestOptions,
  ): Promise<EntityInsightResponse>;
}

/**
 * A fetch-based client of the compliance REST API, usable from the browser
 * and from backend code.
 *
 * @public
 */
export class ComplianceClient implements ComplianceApi {
  readonly #discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  readonly #fetchApi: { fetch: typeof fetch };

  constructor(options: {
    discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
    fetchApi?: { fetch: typeof fetch };
  }) {
    this.#discoveryApi = options.discoveryApi;
    this.#fetchApi = options.fetchApi ?? { fetch: (...a) => fetch(...a) };
  }

  getSummary(
    entityRef: string | CompoundEntityRef,
    options?: ComplianceRequestOptions,
  ) {
    return this.#get<EntityComplianceSummary>(entityPath(entityRef), options);
  }

  getResults(
    entityRef: string | CompoundEntityRef,
    options?: ComplianceRequestOptions,
  ) {
    return this.#get<{ items: ControlResultWithControl[] }>(
      `${entityPath(entityRef)}/results`,
      options,
    );
  }

  getHistory(
    entityRef: string | CompoundEntityRef,
    query?: { days?: number },
    options?: ComplianceRequestOptions,
  ) {
    const qs = query?.days ? `?days=${encodeURIComponent(query.days)}` : '';
    return this.#get<EntityHistory>(
      `${entityPath(entityRef)}/history${qs}`,
      options,
    );
  }

  getFacts(
    entityRef: string | CompoundEntityRef,
    query?: { prefix?: string },
    options?: ComplianceRequestOptions,
  ) {
    const qs = query?.prefix
      ? `?prefix=${encodeURIComponent(query.prefix)}`
      : '';
    return this.#get<{ items: Fact[] }>(
      `${entityPath(entityRef)}/facts${qs}`,
      options,
    );
  }

  async refresh(
    entityRef: string | CompoundEntityRef,
    options?: ComplianceRequestOptions,
  ) {
    return this.#request<EntityComplianceSummary>(
      `${entityPath(entityRef)}/refresh`,
      { method: 'POST' },
      options,
    );
  }

  getInsight(
    entityRef: string | CompoundEntityRef,
    options?: ComplianceRequestOptions,
  ) {
    return this.#get<EntityInsightResponse>(
      `${entityPath(entityRef)}/insight`,
      options,
    );
  }

  /**
   * Records that a template run created the entity; the backend adds the
   * level of its own evaluation.
   */
  async recordCreation(
    entityRef: string | CompoundEntityRef,
    body: { templateRef: string; taskId: string; runUrl?: string },
    options?: ComplianceRequestOptions,
  ) {
    return this.#request<CreationRecord>(
      `${entityPath(entityRef)}/creation`,
      { method: 'POST', body: JSON.stringify(body) },
      options,
    );
  }

  getControls(options?: ComplianceRequestOptions) {
    return this.#get<ControlsResponse>('/controls', options);
  }

  getOverview(
    query: OverviewQueryInput = {},
    options?: ComplianceRequestOptions,
  ) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined || value === null) continue;
      params.set(key, Array.isArray(value) ? value.join(',') : String(value));
    }
    const qs = params.toString();
    return this.#get<OverviewResponse>(
      `/overview${qs ? `?${qs}` : ''}`,
      options,
    );
  }

  getStatus(options?: ComplianceRequestOptions) {
    return this.#get<ComplianceStatusResponse>('/status', options);
  }

  evaluate(
    entity: Record<string, unknown>,
    options?: ComplianceRequestOptions & {
      predictedFacts?: Array<{ factId: string; value: JsonValue }>;
    },
  ) {
    const predictedFacts = options?.predictedFacts;
    return this.#request<EvaluationPreview>(
      '/evaluate',
      {
        method: 'POST',
        body: JSON.stringify(
          predictedFacts ? { entity, predictedFacts } : { entity },
        ),
      },
      options,
    );
  }

  #get<T>(path: string, options?: ComplianceRequestOptions): Promise<T> {
    return this.#request<T>(path, { method: 'GET' }, options);
  }

  async #request<T>(
    path: string,
    init: RequestInit,
    options?: ComplianceRequestOptions,
  ): Promise<T> {
    const baseUrl = await this.#discoveryApi.getBaseUrl('compliance');
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (init.body) headers['Content-Type'] = 'application/json';
    if (options?.token) headers.Authorization = `Bearer ${options.token}`;
    const res = await this.#fetchApi.fetch(`${baseUrl}${path}`, {
      ...init,
      headers,
    });
    if (!res.ok) {
      throw await ResponseError.fromResponse(res);
    }
    return (await res.json()) as T;
  }
}

function entityPath(entityRef: string | CompoundEntityRef): string {
  const ref =
    typeof entityRef === 'string'
      ? parseEntityRef(entityRef, {
          defaultKind: 'component',
          defaultNamespace: 'default',
        })
      : entityRef;
  return `/entities/${encodeURIComponent(
    ref.kind.toLocaleLowerCase('en-US'),
  )}/${encodeURIComponent(
    ref.namespace.toLocaleLowerCase('en-US'),
  )}/${encodeURIComponent(ref.name)}`;
}
