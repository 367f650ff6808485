import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { JsonValue } from 'backstage-plugin-compliance-common';
import {
  CollectedFact,
  CollectorContext,
  CollectorStateStore,
} from 'backstage-plugin-compliance-node';
import { http, HttpResponse } from 'msw';
import branchProtection from '../__fixtures__/branch-protection.json';
import codeScanningAlerts from '../__fixtures__/code-scanning-alerts.json';
import graphqlRepository from '../__fixtures__/graphql-repository.json';
import repository from '../__fixtures__/repository.json';
import secretScanningAlerts from '../__fixtures__/secret-scanning-alerts.json';
import workflowPermissions from '../__fixtures__/workflow-permissions.json';
import workflowRunAttempt from '../__fixtures__/workflow-run-attempt.json';
import workflowRuns from '../__fixtures__/workflow-runs.json';
import { readGithubComplianceConfig } from '../config';
import { GithubCollector } from '../GithubCollector';

/*
 * Replayed GitHub answers (msw handlers over the JSON fixtures) and a
 * collector wired to them, shared by the collector tests and the CI summary
 * contract test.
 */

export const API = 'https://api.github.com';
export const REPO = `${API}/repos/acme/payments`;
/** The fixed clock of every replayed run. */
export const NOW = new Date('2025-06-15T12:00:00Z');

let testId = 0;

export function memoryState(): CollectorStateStore & {
  data: Map<string, JsonValue>;
} {
  const data = new Map<string, JsonValue>();
  return {
    data,
    async get<T extends JsonValue>(key: string) {
      return data.get(key) as T | undefined;
    },
    async getMany<T extends JsonValue>(keys: string[]) {
      const out = new Map<string, T>();
      for (const k of keys) if (data.has(k)) out.set(k, data.get(k) as T);
      return out;
    },
    async set(entries) {
      for (const e of entries)
        data.set(e.key, JSON.parse(JSON.stringify(e.value)));
    },
    async delete(keys) {
      keys.forEach(k => data.delete(k));
    },
  };
}

export function context(state = memoryState()) {
  const stop = jest.fn();
  const ctx: CollectorContext = {
    logger: mockServices.logger.mock(),
    state,
    stop,
  };
  return { ctx, stop, state };
}

export function collector(
  options: { token?: string | null; github?: object } = {},
) {
  testId += 1;
  const config = new ConfigReader({
    integrations: {
      github: [
        options.token === null
          ? { host: 'github.com' }
          : { host: 'github.com', token: options.token ?? 'ghp_test' },
      ],
    },
    compliance: { github: options.github ?? {} },
  });
  return GithubCollector.create({
    config: readGithubComplianceConfig(config),
    integrations: ScmIntegrations.fromConfig(config),
    logger: mockServices.logger.mock(),
    retry: { retryAfterBaseValue: 1, throttleIdPrefix: `test-${testId}` },
    now: () => NOW,
  });
}

export const component = (
  name: string,
  annotations: Record<string, string>,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, annotations },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
});
export const payments = component('payments', {
  'github.com/project-slug': 'acme/payments',
});

export const rate = (remaining = 4000, resource = 'core') => ({
  'x-ratelimit-limit': '5000',
  'x-ratelimit-remaining': String(remaining),
  'x-ratelimit-resource': resource,
});

/** A GET handler with ETag support and a request counter. */
export function etagged(
  url: string,
  body: unknown,
  etag: string,
  calls: string[],
) {
  return http.get(url, ({ request }) => {
    calls.push(`${request.method} ${new URL(request.url).pathname}`);
    if (request.headers.get('if-none-match') === etag) {
      return new HttpResponse(null, {
        status: 304,
        headers: { etag, ...rate() },
      });
    }
    return HttpResponse.json(body as Record<string, unknown>, {
      headers: { etag, ...rate() },
    });
  });
}

/** The REST answers of the repository steps, with ETags, counting requests. */
export function restRepositoryHandlers(calls: string[]) {
  return [
    etagged(REPO, repository, '"repo-1"', calls),
    etagged(
      `${REPO}/branches/main/protection`,
      branchProtection,
      '"prot-1"',
      calls,
    ),
    etagged(
      `${REPO}/actions/permissions/workflow`,
      workflowPermissions,
      '"wf-1"',
      calls,
    ),
    etagged(
      `${REPO}/secret-scanning/alerts`,
      secretScanningAlerts,
      '"ss-1"',
      calls,
    ),
    etagged(
      `${REPO}/code-scanning/alerts`,
      codeScanningAlerts,
      '"cs-1"',
      calls,
    ),
  ];
}

export function githubHandlers(
  calls: string[],
  graphql: unknown = graphqlRepository,
) {
  return [
    http.post(`${API}/graphql`, () => {
      calls.push('POST /graphql');
      return HttpResponse.json(graphql as Record<string, unknown>, {
        headers: rate(4990, 'graphql'),
      });
    }),
    ...restRepositoryHandlers(calls),
    http.get(`${REPO}/actions/runs`, ({ request }) => {
      calls.push(
        `GET /actions/runs ${new URL(request.url).searchParams.get('created')}`,
      );
      return HttpResponse.json(workflowRuns, { headers: rate() });
    }),
    http.get(`${REPO}/actions/runs/103/attempts/1`, () => {
      calls.push('GET /attempts');
      return HttpResponse.json(workflowRunAttempt, { headers: rate() });
    }),
  ];
}

export const byId = (
  facts: CollectedFact[],
  entity = 'component:default/payments',
) => new Map(facts.filter(f => f.entityRef === entity).map(f => [f.factId, f]));

export function graphqlWith(
  mutate: (repo: any) => void,
  errorsList?: unknown[],
) {
  const copy = JSON.parse(JSON.stringify(graphqlRepository));
  mutate(copy.data.r0);
  if (errorsList) copy.errors = errorsList;
  return copy;
}
