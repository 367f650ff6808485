export { complianceApiRef } from './ComplianceApiRef';
