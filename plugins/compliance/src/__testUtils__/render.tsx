import type { Entity } from '@backstage/catalog-model';
import {
  registerMswTestHooks,
  renderInTestApp,
  type TestApiPair,
} from '@backstage/frontend-test-utils';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { complianceApiRef, complianceGovernanceApiRef } from '../api';
import { createTestClient, createTestGovernanceClient, server } from './server';

/** msw answers the test file's requests; handlers are reset after each test. */
export function registerTestServer() {
  registerMswTestHooks(server);
}

/**
 * Renders an element in the test app with the real compliance and
 * governance clients (msw answers their requests), the entity page route
 * mounted, and, when given, an in-memory catalog of `catalogEntities`.
 */
export function renderWithClients(
  element: JSX.Element,
  options: { catalogEntities?: Entity[]; initialRouteEntries?: string[] } = {},
) {
  const apis: Array<TestApiPair<any>> = [
    [complianceApiRef, createTestClient()],
    [complianceGovernanceApiRef, createTestGovernanceClient()],
  ];
  if (options.catalogEntities) {
    apis.push([
      catalogApiRef,
      catalogApiMock({ entities: options.catalogEntities }),
    ]);
  }
  return renderInTestApp(element, {
    apis,
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    ...(options.initialRouteEntries
      ? { initialRouteEntries: options.initialRouteEntries }
      : {}),
  });
}
