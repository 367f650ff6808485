export { complianceApiRef } from './ComplianceApiRef';
export { complianceGovernanceApiRef } from './GovernanceApiRef';
