import type { CompoundEntityRef } from '@backstage/catalog-model';
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
import type { TeamInsightResponse } from '../teamInsights';
import type { CreationRecord } from '../creationRecords';
import type { OrgCiQueryInput, OrgCiResponse } from '../orgCi';
import { entityPath, queryString, Transport } from './transport';

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
  /** The flakiest and slowest checks across the filtered entities. */
  getOrgCi(
    query?: OrgCiQueryInput,
    options?: ComplianceRequestOptions,
  ): Promise<OrgCiResponse>;
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
  /**
   * Queues a new model insight for the entity even if its inputs did not
   * change (permission `compliance.insight.regenerate`); answers the
   * insight with its new job.
   */
  regenerateInsight(
    entityRef: string | CompoundEntityRef,
    options?: ComplianceRequestOptions,
  ): Promise<EntityInsightResponse>;
  /** The short insight of an owner group's entities (team view). */
  getTeamInsight(
    owner: string,
    options?: ComplianceRequestOptions,
  ): Promise<TeamInsightResponse>;
}

/**
 * A fetch-based client of the compliance REST API, usable from the browser
 * and from backend code.
 *
 * @public
 */
export class ComplianceClient implements ComplianceApi {
  readonly #http: Transport;

  constructor(options: {
    discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
    fetchApi?: { fetch: typeof fetch };
  }) {
    this.#http = new Transport(options);
  }

  getSummary(
    entityRef: string | CompoundEntityRef,
    options?: ComplianceRequestOptions,
  ) {
    return this.#http.get<EntityComplianceSummary>(
      entityPath(entityRef),
      options,
    );
  }

  getResults(
    entityRef: string | CompoundEntityRef,
    options?: ComplianceRequestOptions,
  ) {
    return this.#http.get<{ items: ControlResultWithControl[] }>(
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
    return this.#http.get<EntityHistory>(
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
    return this.#http.get<{ items: Fact[] }>(
      `${entityPath(entityRef)}/facts${qs}`,
      options,
    );
  }

  async refresh(
    entityRef: string | CompoundEntityRef,
    options?: ComplianceRequestOptions,
  ) {
    return this.#http.json<EntityComplianceSummary>(
      `${entityPath(entityRef)}/refresh`,
      { method: 'POST' },
      options,
    );
  }

  getInsight(
    entityRef: string | CompoundEntityRef,
    options?: ComplianceRequestOptions,
  ) {
    return this.#http.get<EntityInsightResponse>(
      `${entityPath(entityRef)}/insight`,
      options,
    );
  }

  regenerateInsight(
    entityRef: string | CompoundEntityRef,
    options?: ComplianceRequestOptions,
  ) {
    return this.#http.json<EntityInsightResponse>(
      `${entityPath(entityRef)}/insight/regenerate`,
      { method: 'POST' },
      options,
    );
  }

  getTeamInsight(owner: string, options?: ComplianceRequestOptions) {
    return this.#http.get<TeamInsightResponse>(
      `/overview/insight?owner=${encodeURIComponent(owner)}`,
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
    return this.#http.json<CreationRecord>(
      `${entityPath(entityRef)}/creation`,
      { method: 'POST', body: JSON.stringify(body) },
      options,
    );
  }

  getControls(options?: ComplianceRequestOptions) {
    return this.#http.get<ControlsResponse>('/controls', options);
  }

  getOverview(
    query: OverviewQueryInput = {},
    options?: ComplianceRequestOptions,
  ) {
    return this.#http.get<OverviewResponse>(
      `/overview${queryString(query)}`,
      options,
    );
  }

  getStatus(options?: ComplianceRequestOptions) {
    return this.#http.get<ComplianceStatusResponse>('/status', options);
  }

  getOrgCi(query: OrgCiQueryInput = {}, options?: ComplianceRequestOptions) {
    return this.#http.get<OrgCiResponse>(
      `/overview/ci${queryString(query)}`,
      options,
    );
  }

  evaluate(
    entity: Record<string, unknown>,
    options?: ComplianceRequestOptions & {
      predictedFacts?: Array<{ factId: string; value: JsonValue }>;
    },
  ) {
    const predictedFacts = options?.predictedFacts;
    return this.#http.json<EvaluationPreview>(
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
}
