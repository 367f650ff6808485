export { EntityComplianceContent } from './EntityComplianceShell';
export type { EntityComplianceContentProps } from './EntityComplianceContent';
