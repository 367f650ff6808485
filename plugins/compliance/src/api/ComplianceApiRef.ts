import { createApiRef } from '@backstage/core-plugin-api';
import type { ComplianceApi } from 'backstage-plugin-compliance-common';

/**
 * The API reference of the compliance REST client.
 *
 * @remarks
 * Both frontend systems register `ComplianceClient` from
 * `backstage-plugin-compliance-common` under this ref. Override it to point
 * the UI at another implementation (tests, mocks, a proxy).
 *
 * @public
 */
export const complianceApiRef = createApiRef<ComplianceApi>({
  id: 'plugin.compliance.service',
});
