import {
  ApiBlueprint,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  ComplianceClient,
  ComplianceGovernanceClient,
} from 'backstage-plugin-compliance-common';
import { complianceApiRef, complianceGovernanceApiRef } from '../api';

/**
 * The compliance API client (`api:compliance`).
 *
 * @alpha
 */
export const complianceApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: complianceApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ComplianceClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The governance API client (`api:compliance/governance`): waivers,
 * point-in-time reads, auditor exports, per-control pages and the org trend.
 *
 * @alpha
 */
export const complianceGovernanceApi = ApiBlueprint.make({
  name: 'governance',
  params: defineParams =>
    defineParams({
      api: complianceGovernanceApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ComplianceGovernanceClient({ discoveryApi, fetchApi }),
    }),
});
