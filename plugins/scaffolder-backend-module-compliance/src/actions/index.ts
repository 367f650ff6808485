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
export {
  createApplyGithubBaselineAction,
  applyGithubBaselineActionSchema,
  type ApplyGithubBaselineActionInput,
  type ApplyGithubBaselineActionOutput,
} from './createApplyGithubBaselineAction';
