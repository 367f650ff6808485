import type { CompoundEntityRef } from '@backstage/catalog-model';
import type {
  ComplianceWaiver,
  EntityWaiversResponse,
  WaiverRequest,
  WaiverStatus,
} from '../governance';
import type {
  ControlEntitiesResponse,
  EntityAsOfResponse,
  ExportManifest,
  TrendResponse,
} from '../auditing';
import type { ComplianceRequestOptions } from './ComplianceClient';
import { entityPath, queryString, Transport } from './transport';

/**
 * An auditor export request: a framework id or `all`, a format, the as-of
 * time and optionally the start of a period.
 *
 * @public
 */
export interface ExportRequest {
  framework?: string;
  format?: 'json' | 'csv';
  asOf?: string;
  from?: string;
}

/**
 * The governance part of the compliance REST API: waivers, point-in-time
 * reads and auditor exports.
 *
 * @public
 */
export interface ComplianceGovernanceApi {
  getWaivers(
    entityRef: string | CompoundEntityRef,
    options?: ComplianceRequestOptions,
  ): Promise<EntityWaiversResponse>;
  listWaivers(
    query?: { status?: WaiverStatus; limit?: number },
    options?: ComplianceRequestOptions,
  ): Promise<{ items: ComplianceWaiver[] }>;
  requestWaiver(
    entityRef: string | CompoundEntityRef,
    request: WaiverRequest,
    options?: ComplianceRequestOptions,
  ): Promise<ComplianceWaiver>;
  decideWaiver(
    id: string,
    step: 'approve' | 'reject' | 'revoke',
    comment?: string,
    options?: ComplianceRequestOptions,
  ): Promise<ComplianceWaiver>;
  getAsOf(
    entityRef: string | CompoundEntityRef,
    asOf: string,
    options?: ComplianceRequestOptions,
  ): Promise<EntityAsOfResponse>;
  /** Downloads an export as text (JSON or CSV). */
  downloadExport(
    request: ExportRequest,
    options?: ComplianceRequestOptions,
  ): Promise<{ fileName: string; text: string }>;
  getExportManifest(
    request: ExportRequest,
    options?: ComplianceRequestOptions,
  ): Promise<ExportManifest>;
  /** One control across the readable entities, for remediation campaigns. */
  getControlEntities(
    controlId: string,
    query?: CampaignQuery,
    options?: ComplianceRequestOptions,
  ): Promise<ControlEntitiesResponse>;
  /** The filtered set's average score and level distribution per day. */
  getTrend(
    query?: CampaignQuery & { kind?: string[]; days?: number },
    options?: ComplianceRequestOptions,
  ): Promise<TrendResponse>;
}

/**
 * Filters of the per-control page and the org trend.
 *
 * @public
 */
export interface CampaignQuery {
  owner?: string[];
  system?: string[];
  lifecycle?: string[];
  status?: string[];
  limit?: number;
}

/**
 * A fetch-based client of the governance routes.
 *
 * @public
 */
export class ComplianceGovernanceClient implements ComplianceGovernanceApi {
  readonly #http: Transport;

  constructor(options: {
    discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
    fetchApi?: { fetch: typeof fetch };
  }) {
    this.#http = new Transport(options);
  }

  getWaivers(
    entityRef: string | CompoundEntityRef,
    options?: ComplianceRequestOptions,
  ) {
    return this.#http.json<EntityWaiversResponse>(
      `${entityPath(entityRef)}/waivers`,
      { method: 'GET' },
      options,
    );
  }

  listWaivers(
    query: { status?: WaiverStatus; limit?: number } = {},
    options?: ComplianceRequestOptions,
  ) {
    return this.#http.json<{ items: ComplianceWaiver[] }>(
      `/waivers${queryString(query)}`,
      { method: 'GET' },
      options,
    );
  }

  requestWaiver(
    entityRef: string | CompoundEntityRef,
    request: WaiverRequest,
    options?: ComplianceRequestOptions,
  ) {
    return this.#http.json<ComplianceWaiver>(
      `${entityPath(entityRef)}/waivers`,
      { method: 'POST', body: JSON.stringify(request) },
      options,
    );
  }

  decideWaiver(
    id: string,
    step: 'approve' | 'reject' | 'revoke',
    comment?: string,
    options?: ComplianceRequestOptions,
  ) {
    return this.#http.json<ComplianceWaiver>(
      `/waivers/${encodeURIComponent(id)}/${step}`,
      { method: 'POST', body: JSON.stringify(comment ? { comment } : {}) },
      options,
    );
  }

  getAsOf(
    entityRef: string | CompoundEntityRef,
    asOf: string,
    options?: ComplianceRequestOptions,
  ) {
    return this.#http.json<EntityAsOfResponse>(
      `${entityPath(entityRef)}/as-of${queryString({ asOf })}`,
      { method: 'GET' },
      options,
    );
  }

  async downloadExport(
    request: ExportRequest,
    options?: ComplianceRequestOptions,
  ) {
    const res = await this.#http.fetch(
      `/export${queryString({ ...request })}`,
      { method: 'GET' },
      options,
    );
    const disposition = res.headers.get('content-disposition') ?? '';
    const fileName =
      /filename="([^"]+)"/.exec(disposition)?.[1] ??
      `compliance-export.${request.format ?? 'json'}`;
    return { fileName, text: await res.text() };
  }

  getExportManifest(
    request: ExportRequest,
    options?: ComplianceRequestOptions,
  ) {
    return this.#http.json<ExportManifest>(
      `/export/manifest${queryString({ ...request })}`,
      { method: 'GET' },
      options,
    );
  }

  getControlEntities(
    controlId: string,
    query: CampaignQuery = {},
    options?: ComplianceRequestOptions,
  ) {
    return this.#http.json<ControlEntitiesResponse>(
      `/controls/${encodeURIComponent(controlId)}/entities${queryString(
        query,
      )}`,
      { method: 'GET' },
      options,
    );
  }

  getTrend(
    query: CampaignQuery & { kind?: string[]; days?: number } = {},
    options?: ComplianceRequestOptions,
  ) {
    return this.#http.json<TrendResponse>(
      `/overview/trend${queryString(query)}`,
      { method: 'GET' },
      options,
    );
  }
}
