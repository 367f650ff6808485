export { ComplianceClient } from './ComplianceClient';
export type {
  ComplianceApi,
  ComplianceRequestOptions,
} from './ComplianceClient';
export { ComplianceGovernanceClient } from './GovernanceClient';
export type {
  CampaignQuery,
  ComplianceGovernanceApi,
  ExportRequest,
} from './GovernanceClient';
