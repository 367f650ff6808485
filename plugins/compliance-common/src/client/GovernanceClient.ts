import { ResponseError } from '@backstage/errors';
import { CompoundEntityRef, parseEntityRef } from '@backstage/catalog-model';
import type {
  ComplianceWaiver,
  ControlEntitiesResponse,
  EntityAsOfResponse,
  TrendResponse,
  EntityWaiversResponse,
  ExportManifest,
  WaiverRequest,
  WaiverStatus,
} from '../governance';
import type { ComplianceRequestOptions } from './ComplianceClient';

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
  readonly #discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  readonly #fetchApi: { fetch: typeof fetch };

  constructor(options: {
    discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
    fetchApi?: { fetch: typeof fetch };
  }) {
    this.#discoveryApi = options.discoveryApi;
    this.#fetchApi = options.fetchApi ?? { fetch: (...a) => fetch(...a) };
  }

  getWaivers(
    entityRef: string | CompoundEntityRef,
    options?: ComplianceRequestOptions,
  ) {
    return this.#json<EntityWaiversResponse>(
      `${entityPath(entityRef)}/waivers`,
      { method: 'GET' },
      options,
    );
  }

  listWaivers(
    query: { status?: WaiverStatus; limit?: number } = {},
    options?: ComplianceRequestOptions,
  ) {
    return this.#json<{ items: ComplianceWaiver[] }>(
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
    return this.#json<ComplianceWaiver>(
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
    return this.#json<ComplianceWaiver>(
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
    return this.#json<EntityAsOfResponse>(
      `${entityPath(entityRef)}/as-of${queryString({ asOf })}`,
      { method: 'GET' },
      options,
    );
  }

  async downloadExport(
    request: ExportRequest,
    options?: ComplianceRequestOptions,
  ) {
    const res = await this.#fetch(
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
    return this.#json<ExportManifest>(
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
    return this.#json<ControlEntitiesResponse>(
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
    return this.#json<TrendResponse>(
      `/overview/trend${queryString(query)}`,
      { method: 'GET' },
      options,
    );
  }

  async #json<T>(
    path: string,
    init: RequestInit,
    options?: ComplianceRequestOptions,
  ): Promise<T> {
    const res = await this.#fetch(path, init, options);
    return (await res.json()) as T;
  }

  async #fetch(
    path: string,
    init: RequestInit,
    options?: ComplianceRequestOptions,
  ): Promise<Response> {
    const baseUrl = await this.#discoveryApi.getBaseUrl('compliance');
    const headers: Record<string, string> = {};
    if (init.body) headers['Content-Type'] = 'application/json';
    if (options?.token) headers.Authorization = `Bearer ${options.token}`;
    const res = await this.#fetchApi.fetch(`${baseUrl}${path}`, {
      ...init,
      headers,
    });
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return res;
  }
}

function queryString(query: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length) params.set(key, value.join(','));
      continue;
    }
    params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `?${qs}` : '';
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
