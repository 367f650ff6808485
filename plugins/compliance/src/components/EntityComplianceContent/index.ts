export { EntityComplianceContent } from './EntityComplianceContent';
export type { EntityComplianceContentProps } from './EntityComplianceContent';
