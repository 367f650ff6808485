import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  ComplianceClient,
  ComplianceGovernanceClient,
} from 'backstage-plugin-compliance-common';

/** The base URL the test client talks to; msw answers it. */
export const baseUrl = 'http://localhost:7007/api/compliance';

/** A real ComplianceClient whose requests msw intercepts. */
export function createTestClient() {
  return new ComplianceClient({
    discoveryApi: { getBaseUrl: async () => baseUrl },
    fetchApi: { fetch: (...args) => fetch(...args) },
  });
}

export const server = setupServer();

export const entityPath = `${baseUrl}/entities/component/default/payments-api`;

export { http, HttpResponse };

/** A real ComplianceGovernanceClient whose requests msw intercepts. */
export function createTestGovernanceClient() {
  return new ComplianceGovernanceClient({
    discoveryApi: { getBaseUrl: async () => baseUrl },
    fetchApi: { fetch: (...args) => fetch(...args) },
  });
}
