import { createApiRef } from '@backstage/core-plugin-api';
import type { ComplianceGovernanceApi } from 'backstage-plugin-compliance-common';

/**
 * The API reference of the governance client: waivers, point-in-time reads
 * and auditor exports.
 *
 * @remarks
 * Both frontend systems register `ComplianceGovernanceClient` from
 * `backstage-plugin-compliance-common` under this ref. The waiver panel and
 * the export dialog render nothing when it is not registered.
 *
 * @public
 */
export const complianceGovernanceApiRef = createApiRef<ComplianceGovernanceApi>(
  { id: 'plugin.compliance.governance' },
);
