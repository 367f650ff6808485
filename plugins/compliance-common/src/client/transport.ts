import { ResponseError } from '@backstage/errors';
import { CompoundEntityRef, parseEntityRef } from '@backstage/catalog-model';
import type { ComplianceRequestOptions } from './ComplianceClient';

/** How the clients reach the backend: discovery plus an (injected) fetch. */
export interface TransportOptions {
  discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  fetchApi?: { fetch: typeof fetch };
}

/**
 * The HTTP part every compliance client shares: resolves the plugin's base
 * URL, sends JSON, adds the caller's token, and turns an error response into
 * a `ResponseError`.
 */
export class Transport {
  readonly #discoveryApi: TransportOptions['discoveryApi'];
  readonly #fetchApi: { fetch: typeof fetch };

  constructor(options: TransportOptions) {
    this.#discoveryApi = options.discoveryApi;
    this.#fetchApi = options.fetchApi ?? { fetch: (...a) => fetch(...a) };
  }

  async fetch(
    path: string,
    init: RequestInit,
    options?: ComplianceRequestOptions,
    accept?: string,
  ): Promise<Response> {
    const baseUrl = await this.#discoveryApi.getBaseUrl('compliance');
    const headers: Record<string, string> = accept ? { Accept: accept } : {};
    if (init.body) headers['Content-Type'] = 'application/json';
    if (options?.token) headers.Authorization = `Bearer ${options.token}`;
    const res = await this.#fetchApi.fetch(`${baseUrl}${path}`, {
      ...init,
      headers,
    });
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return res;
  }

  async json<T>(
    path: string,
    init: RequestInit,
    options?: ComplianceRequestOptions,
  ): Promise<T> {
    const res = await this.fetch(path, init, options, 'application/json');
    return (await res.json()) as T;
  }

  get<T>(path: string, options?: ComplianceRequestOptions): Promise<T> {
    return this.json<T>(path, { method: 'GET' }, options);
  }
}

/** `?a=1&b=x,y` from an object; empty values and empty lists are left out. */
export function queryString(query: object): string {
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

/** `/entities/:kind/:namespace/:name` of an entity ref (kind and namespace lower-cased). */
export function entityPath(entityRef: string | CompoundEntityRef): string {
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
