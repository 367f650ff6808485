export {
  createComplianceCheckAction,
  type ComplianceCheckActionInput,
  type ComplianceCheckActionOutput,
} from './createComplianceCheckAction';
export {
  createComplianceRefreshAction,
  type ComplianceRefreshActionInput,
  type ComplianceRefreshActionOutput,
} from './createComplianceRefreshAction';
