export {
  createComplianceCheckAction,
  complianceCheckActionSchema,
  type ComplianceCheckActionInput,
  type ComplianceCheckActionOutput,
} from './createComplianceCheckAction';
export {
  createComplianceRefreshAction,
  complianceRefreshActionSchema,
  type ComplianceRefreshActionInput,
  type ComplianceRefreshActionOutput,
} from './createComplianceRefreshAction';
