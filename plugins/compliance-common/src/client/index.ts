export { ComplianceClient } from './ComplianceClient';
export type {
  ComplianceApi,
  ComplianceRequestOptions,
} from './ComplianceClient';
