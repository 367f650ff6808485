export {
  createComplianceCheckAction,
  type ComplianceCheckActionInput,
  type ComplianceCheckActionOutput,
} from './createComplianceCheckAction';
export { createComplianceRefreshAction } from './createComplianceRefreshAction';
